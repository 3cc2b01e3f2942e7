#include "cell_batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/render/backdrops.h"
#include "core/render/heatmap.h"
#include "core/render/render_error.h"

namespace wanattn::render {
namespace {

// The slices a job asked for (all when the selection is empty on an axis).
void add_requested(const RunReader& run, const MapSelection& sel, std::vector<SliceId>& out) {
  const int S = run.steps(), B = run.blocks();
  for (int s = 0; s < S; ++s)
    for (int b = 0; b < B; ++b) {
      const bool s_in = sel.steps.empty() || std::count(sel.steps.begin(), sel.steps.end(), s);
      const bool b_in = sel.blocks.empty() || std::count(sel.blocks.begin(), sel.blocks.end(), b);
      if (s_in && b_in && !run.ready(s, b)) out.push_back({s, b});
    }
}

void dedupe(std::vector<SliceId>& v) {
  std::set<std::pair<int, int>> seen;
  std::vector<SliceId> out;
  for (const auto& s : v)
    if (seen.insert({s.step, s.block}).second) out.push_back(s);
  v = std::move(out);
}

}  // namespace

CellBatch render_cells(const RunReader& run, const std::vector<CellJob>& jobs, int cell_width, const ViewOptions& o) {
  const Backdrops backdrops(run);
  const cv::Size video = backdrops.video_size();
  for (const auto& j : jobs)
    if (j.frame < 0 || j.frame >= backdrops.frame_count())
      throw RenderError(RenderErrorKind::BadSelection, fmt::format("frame {} is outside run '{}' (video frames 0..{})",
                                                                   j.frame, run.dir(), backdrops.frame_count() - 1));
  const cv::Size cell(cell_width, std::max(1, int(std::lround(double(cell_width) * video.height / video.width))));

  struct Done {
    std::optional<LatentMap> map;
    cv::Mat frame_map;
    ValueRange range;
  };
  std::vector<Done> done(jobs.size());
  std::map<std::string, ValueRange> token_ranges;  // PerToken: one run-wide range per token and head choice
  CellBatch batch;
  bool any = false;
  for (size_t i = 0; i < jobs.size(); ++i) {
    try {
      done[i].map = compute_map(run, jobs[i].sel);
    } catch (const RenderError& e) {
      if (e.kind() != RenderErrorKind::MissingData) throw;
      add_requested(run, jobs[i].sel, batch.missing);
      continue;
    }
    const auto& m = *done[i].map;
    batch.missing.insert(batch.missing.end(), m.missing.begin(), m.missing.end());
    done[i].frame_map = map_at_frame(m, jobs[i].frame, o.look.temporal);
    std::optional<ValueRange> token;
    if (o.look.norm.mode == NormMode::PerToken) {
      const std::string key = fmt::format("{}|{}", fmt::join(jobs[i].sel.token.tokens, ","), fmt::join(jobs[i].sel.heads, ","));
      if (!token_ranges.count(key)) token_ranges[key] = token_range(run, jobs[i].sel);
      token = token_ranges[key];
    }
    done[i].range = range_for(m, done[i].frame_map, o.look.norm, token);
    batch.range = any ? merge(batch.range, done[i].range) : done[i].range;
    any = true;
  }
  dedupe(batch.missing);
  if (!any)
    throw RenderError(RenderErrorKind::MissingData,
                      fmt::format("run '{}' has none of the slices this view needs written yet (missing: {})", run.dir(),
                                  describe_missing(run.manifest(), batch.missing)));
  if (!o.shared_range) batch.range = {0.0f, 1.0f};

  std::map<std::pair<int, int>, cv::Mat> backdrop_cache;  // (step, frame) -> backdrop at cell size
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!done[i].map) {
      batch.cells.push_back({missing_cell(cell), true});
      continue;
    }
    Heatmap h;
    h.range = o.shared_range ? batch.range : done[i].range;
    h.unit = to_unit(done[i].frame_map, h.range, cell, o.look.upsample);
    h.colour = apply_colormap(h.unit, o.look.colormap);
    const auto key = std::make_pair(jobs[i].backdrop_step, jobs[i].frame);
    if (!backdrop_cache.count(key))
      backdrop_cache[key] = backdrops.pick(o.look.backdrop, jobs[i].backdrop_step, jobs[i].frame, cell);
    batch.cells.push_back({blend(backdrop_cache[key], h, o.look.opacity, o.look.fade_low), false});
  }
  return batch;
}

ColourBar colour_bar(const CellBatch& batch, const ViewOptions& o) {
  if (o.shared_range) return {o.look.colormap, batch.range, ""};
  return {o.look.colormap, {0.0f, 1.0f}, ""};
}

std::string look_line(const ViewOptions& o, const std::string& extra) {
  std::string norm = to_string(o.look.norm.mode);
  if (o.look.norm.mode == NormMode::Percentile)
    norm += fmt::format(" {:g}-{:g}", o.look.norm.low_percentile, o.look.norm.high_percentile);
  if (o.look.norm.mode == NormMode::Absolute && o.look.norm.vmax > 0) norm += fmt::format(" 0-{:g}", o.look.norm.vmax);
  return fmt::format("{}{}colormap {} | normalisation {}{} | opacity {:g}{} | {} upsampling", extra,
                     extra.empty() ? "" : " | ", to_string(o.look.colormap), norm,
                     o.shared_range ? ", one range for all cells" : ", each cell 0-1 on its own", o.look.opacity,
                     o.look.fade_low ? " (fading with the value)" : "", to_string(o.look.upsample));
}

}  // namespace wanattn::render
