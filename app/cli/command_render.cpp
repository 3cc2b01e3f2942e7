// `wanattn render RUN --view VIEW --token WORD ... -o out.png`: every still view of
// ../shared/VIEWS.md as a PNG, and the inverse query (`--view query --pixel X,Y`) as text.
#include <fmt/format.h>

#include <memory>

#include "command_render_args.h"
#include "commands.h"
#include "core/render/inverse_query.h"
#include "core/render/output_file.h"
#include "core/render/png_export.h"
#include "core/render/render_error.h"
#include "core/render/views.h"

namespace wanattn::cli {
namespace {

struct RenderArgs {
  std::string run, out, view = "overlay";
  std::vector<std::string> tokens;
  AxisArgs axes;
  LookArgs look;
  int frame = 0, cell_width = 0;
  bool cell_norm = false;
  std::vector<int> pixel, region;
};

render::TokenSet one_token(const RunReader& run, const RenderArgs& a) {
  if (a.tokens.size() != 1)
    throw render::RenderError(render::RenderErrorKind::BadSelection,
                              fmt::format("--view {} takes one --token (got {})", a.view, a.tokens.size()));
  return render::resolve_token(run.manifest(), a.tokens[0], run.has_padding());
}

int one_block(const RunReader& run, const RenderArgs& a) {
  const auto blocks = parse_blocks(run.manifest(), a.axes.blocks);
  if (blocks.size() != 1)
    throw render::RenderError(render::RenderErrorKind::BadSelection,
                              fmt::format("--view {} needs one --block (a number, first, mid or last)", a.view));
  return blocks[0];
}

void run_query(const RunReader& run, const RenderArgs& a) {
  cv::Rect region;
  if (a.pixel.size() == 2)
    region = cv::Rect(a.pixel[0], a.pixel[1], 1, 1);
  else if (a.region.size() == 4)
    region = cv::Rect(a.region[0], a.region[1], a.region[2], a.region[3]);
  else
    throw render::RenderError(render::RenderErrorKind::BadSelection, "--view query needs --pixel X,Y or --region X,Y,W,H");
  const render::MapSelection base{{}, parse_steps(run.manifest(), a.axes.steps), parse_blocks(run.manifest(), a.axes.blocks),
                                  parse_heads(run, a.axes.heads)};
  const auto ranked = render::rank_words(run, base, a.frame, region, a.look.look().temporal);
  fmt::print("words attended to at ({}, {}) {}x{} of frame {} ({}):\n", region.x, region.y, region.width, region.height,
             a.frame, render::describe(run.manifest(), {{"*", {}, false, -1}, base.steps, base.blocks, base.heads}));
  for (size_t i = 0; i < ranked.size(); ++i)
    fmt::print("{:3d}. {:<20} {:.5f}  {:5.1f}%\n", i + 1, ranked[i].token.label, ranked[i].value, 100 * ranked[i].share);
}

void run_render(const RenderArgs& a) {
  const RunReader run = RunReader::open(a.run);
  const auto& m = run.manifest();
  if (a.view == "query") return run_query(run, a);
  if (a.out.empty()) throw render::RenderError(render::RenderErrorKind::BadSelection, "no output file: give -o FILE.png");
  render::check_output_path(a.out);
  render::ViewOptions o;
  o.look = a.look.look();
  o.frame = a.frame;
  o.cell_width = a.cell_width;
  o.shared_range = !a.cell_norm;
  if (a.tokens.empty()) {
    std::string words;
    for (const auto& t : render::word_sets(m)) words += " " + t.label;
    throw render::RenderError(render::RenderErrorKind::BadSelection, fmt::format("no --token given (the prompt's words:{})", words));
  }
  const auto heads = parse_heads(run, a.axes.heads);
  render::View v;
  if (a.view == "overlay") {
    v = render::token_view(run, {one_token(run, a), parse_steps(m, a.axes.steps), parse_blocks(m, a.axes.blocks), heads}, o);
  } else if (a.view == "tokens" || a.view == "composite") {
    const auto tokens = render::resolve_tokens(m, a.tokens, run.has_padding());
    const render::MapSelection base{tokens[0], parse_steps(m, a.axes.steps), parse_blocks(m, a.axes.blocks), heads};
    v = a.view == "tokens" ? render::tokens_view(run, tokens, base, o) : render::composite_view(run, tokens, base, o);
  } else if (a.view == "blocks") {
    // Figure 3 shows the first, middle and last step unless told otherwise.
    auto steps = a.axes.steps == std::vector<std::string>{"last"} ? parse_steps(m, {"first", "mid", "last"})
                                                                   : parse_steps(m, a.axes.steps);
    if (steps.empty())
      for (int s = 0; s < run.steps(); ++s) steps.push_back(s);
    v = render::blocks_view(run, one_token(run, a), steps, heads, o);
  } else if (a.view == "steps") {
    v = render::block_steps_view(run, one_token(run, a), one_block(run, a), heads, o);
  } else if (a.view == "heads") {
    v = render::heads_steps_view(run, one_token(run, a), one_block(run, a), o);
  } else if (a.view == "mean") {
    v = render::mean_view(run, one_token(run, a), o);
  } else {
    throw render::RenderError(render::RenderErrorKind::BadSelection,
                              fmt::format("unknown view '{}' (overlay, tokens, composite, blocks, steps, heads, mean, query)",
                                          a.view));
  }
  render::write_png(a.out, v.grid.image);
  warn_missing(run, v.missing);
  fmt::print("wrote {} ({}x{}, {} cell{}): {}\n", a.out, v.grid.image.cols, v.grid.image.rows, v.grid.cells.size(),
             v.grid.cells.size() == 1 ? "" : "s", v.title);
}

}  // namespace

void add_render_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("render", "Render a view of a run's attention maps to PNG (docs/render.md)");
  auto a = std::make_shared<RenderArgs>();
  cmd->add_option("run", a->run, "Run directory")->required();
  cmd->add_option("-o,--out", a->out, "Output .png file");
  cmd->add_option("--view", a->view,
                  "overlay (one token over a frame), tokens (side by side), composite (up to 3 tokens as RGB), "
                  "blocks (every block x steps), steps (one block across steps), heads (heads x steps of a block), "
                  "mean (global mean), query (words ranked at --pixel/--region)")
      ->capture_default_str();
  cmd->add_option("--token", a->tokens, "Word (pieces summed), #N (one stored token), piece:TEXT, eos, padding")
      ->delimiter(',');
  add_axis_options(cmd, a->axes, "Step(s): model step numbers, first, mid, last, or mean (default last; blocks view: first,mid,last)");
  add_look_options(cmd, a->look);
  cmd->add_option("--frame", a->frame, "Video frame shown")->capture_default_str();
  cmd->add_option("--cell-width", a->cell_width, "Grid cell width in pixels (default: from the column count)");
  cmd->add_flag("--cell-norm", a->cell_norm, "Normalise each grid cell on its own (default: one range for the grid)");
  cmd->add_option("--pixel", a->pixel, "X,Y for --view query")->delimiter(',');
  cmd->add_option("--region", a->region, "X,Y,W,H for --view query")->delimiter(',');
  cmd->callback([a] { run_render(*a); });
}

}  // namespace wanattn::cli
