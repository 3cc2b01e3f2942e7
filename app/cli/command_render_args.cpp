#include "command_render_args.h"

#include <fmt/format.h>

#include <memory>

#include "core/render/render_error.h"

namespace wanattn::cli {
namespace {

// "first" "mid" "last" "mean"/"all" or a model index listed in `captured`.
std::vector<int> parse_axis(const std::vector<int>& captured, const std::vector<std::string>& words, const char* axis,
                            int (*to_store)(const RunManifest&, int), const RunManifest& m) {
  std::vector<int> out;
  for (const auto& w : words) {
    if (w == "mean" || w == "all") return {};
    if (captured.empty()) break;
    if (w == "first") {
      out.push_back(0);
    } else if (w == "mid" || w == "middle") {
      out.push_back(int(captured.size()) / 2);
    } else if (w == "last") {
      out.push_back(int(captured.size()) - 1);
    } else {
      int v = 0;
      try {
        size_t used = 0;
        v = std::stoi(w, &used);
        if (used != w.size()) throw std::invalid_argument(w);
      } catch (const std::exception&) {
        throw render::RenderError(render::RenderErrorKind::BadSelection,
                                  fmt::format("'{}' is not a {} (a number, first, mid, last or mean)", w, axis));
      }
      out.push_back(to_store(m, v));
    }
  }
  return out;
}

}  // namespace

render::Look LookArgs::look() const {
  render::Look l;
  l.colormap = render::colormap_from_string(colormap);
  l.norm.mode = render::norm_mode_from_string(norm);
  if (percentile.size() != 2)
    throw render::RenderError(render::RenderErrorKind::BadSelection, "--percentile takes two numbers: LOW,HIGH");
  l.norm.low_percentile = percentile[0];
  l.norm.high_percentile = percentile[1];
  l.norm.vmax = vmax;
  l.upsample = render::upsample_from_string(upsample);
  l.temporal = render::temporal_mode_from_string(temporal);
  l.backdrop = render::backdrop_from_string(backdrop);
  l.opacity = opacity;
  l.fade_low = fade;
  return l;
}

void add_look_options(CLI::App* cmd, LookArgs& a) {
  cmd->add_option("--colormap", a.colormap, "inferno, magma, viridis, turbo, jet, gray")->capture_default_str();
  cmd->add_option("--norm", a.norm,
                  "Normalisation: map (min-max of the map), token (over the whole run), frame (each frame), "
                  "percentile (clip, see --percentile), absolute (0..--vmax)")
      ->capture_default_str();
  cmd->add_option("--percentile", a.percentile, "LOW,HIGH percentiles for --norm percentile")->delimiter(',');
  cmd->add_option("--vmax", a.vmax, "Value shown brightest with --norm absolute (default: the map's maximum)");
  cmd->add_option("--opacity", a.opacity, "Heatmap opacity over the frame, 0..1")->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd->add_flag("--fade", a.fade, "Opacity follows the value: low attention shows the frame");
  cmd->add_option("--upsample", a.upsample, "nearest, bilinear, bicubic")->capture_default_str();
  cmd->add_option("--temporal", a.temporal, "Latent frame -> video frame: nearest, linear")->capture_default_str();
  cmd->add_option("--backdrop", a.backdrop, "frame (decoded video), preview (the step's x0 preview), none")
      ->capture_default_str();
}

void add_axis_options(CLI::App* cmd, AxisArgs& a, const std::string& step_help) {
  cmd->add_option("--step", a.steps, step_help)->delimiter(',');
  cmd->add_option("--block", a.blocks, "Block(s) to average: numbers, first, mid, last, or mean")->delimiter(',');
  cmd->add_option("--head", a.heads, "Head(s) to average: numbers or mean")->delimiter(',');
}

std::vector<int> parse_steps(const RunManifest& m, const std::vector<std::string>& words) {
  return parse_axis(m.capture.steps, words, "step", &render::store_step, m);
}

std::vector<int> parse_blocks(const RunManifest& m, const std::vector<std::string>& words) {
  return parse_axis(m.capture.blocks, words, "block", &render::store_block, m);
}

std::vector<int> parse_heads(const RunReader& run, const std::vector<std::string>& words) {
  std::vector<int> heads(size_t(run.heads()));
  for (int h = 0; h < run.heads(); ++h) heads[size_t(h)] = h;
  const auto head_index = [](const RunManifest& m, int h) {
    if (h < 0 || h >= m.capture.heads)
      throw render::RenderError(render::RenderErrorKind::BadSelection,
                                fmt::format("head {} is outside the run (heads 0..{} stored{})", h, m.capture.heads - 1,
                                            m.capture.head_mode == "mean" ? "; this run kept only the head mean" : ""));
    return h;
  };
  return parse_axis(heads, words, "head", head_index, run.manifest());
}

render::Progress progress_line(const std::string& what) {
  auto last = std::make_shared<int>(-1);
  return [what, last](double f) {
    const int pct = int(f * 100);
    if (pct != *last) {
      fmt::print(stderr, "\r{} {:3d}%{}", what, pct, pct == 100 ? "\n" : "");
      *last = pct;
    }
    return true;
  };
}

void warn_missing(const RunReader& run, const std::vector<render::SliceId>& missing) {
  if (missing.empty()) return;
  fmt::print(stderr, "wanattn: warning: run '{}' is partial ({}; {} of {} slices written): {} slice(s) left out: {}\n",
             run.dir(), to_string(run.health()), run.ready_count(), run.steps() * run.blocks(), missing.size(),
             render::describe_missing(run.manifest(), missing));
}

}  // namespace wanattn::cli
