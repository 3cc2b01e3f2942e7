#include "core/render/views.h"

#include <fmt/format.h>

#include <algorithm>

#include "cell_batch.h"
#include "core/render/backdrops.h"
#include "core/render/render_error.h"

namespace wanattn::render {
namespace {

int model_step(const RunReader& run, int s) { return run.manifest().capture.steps[size_t(s)]; }
int model_block(const RunReader& run, int b) { return run.manifest().capture.blocks[size_t(b)]; }

void check_block(const RunReader& run, int block) {
  if (block < 0 || block >= run.blocks())
    throw RenderError(RenderErrorKind::BadSelection, fmt::format("block index {} is outside run '{}' ({} blocks stored)",
                                                                 block, run.dir(), run.blocks()));
}

View finish(const RunReader& run, GridSpec spec, CellBatch batch, const ViewOptions& o) {
  spec.cells = std::move(batch.cells);
  spec.bar = colour_bar(batch, o);
  View v;
  v.title = spec.title;
  v.missing = std::move(batch.missing);
  v.grid = compose_grid(spec);
  return v;
}

int last_frame(const RunReader& run) { return std::max(Backdrops(run).frame_count() - 1, 0); }

}  // namespace

int cell_width_for(const ViewOptions& o, int cols, int video_width) {
  if (o.cell_width > 0) return o.cell_width;
  return std::clamp(1800 / std::max(cols, 1), 96, std::max(96, std::min(video_width, 480)));
}

View token_view(const RunReader& run, const MapSelection& sel, const ViewOptions& o) {
  const int width = o.cell_width > 0 ? o.cell_width : Backdrops(run).video_size().width;
  const int step = sel.steps.empty() ? run.steps() - 1 : sel.steps.back();
  CellBatch batch = render_cells(run, {{sel, o.frame, step}}, width, o);
  GridSpec spec{describe(run.manifest(), sel), look_line(o, fmt::format("frame {}", o.frame)), 1, 1, {}, {}, {}, {}};
  return finish(run, std::move(spec), std::move(batch), o);
}

View tokens_view(const RunReader& run, const std::vector<TokenSet>& tokens, const MapSelection& base,
                 const ViewOptions& o) {
  if (tokens.empty()) throw RenderError(RenderErrorKind::BadSelection, "the tokens view needs at least one token");
  std::vector<CellJob> jobs;
  GridSpec spec;
  for (const auto& t : tokens) {
    MapSelection sel = base;
    sel.token = t;
    jobs.push_back({sel, o.frame, base.steps.empty() ? run.steps() - 1 : base.steps.back()});
    spec.col_labels.push_back(t.label);
  }
  MapSelection title_sel = base;
  title_sel.token.label = "tokens";
  spec.title = describe(run.manifest(), title_sel);
  spec.subtitle = look_line(o, fmt::format("frame {}", o.frame));
  spec.rows = 1;
  spec.cols = int(tokens.size());
  const int width = cell_width_for(o, spec.cols, Backdrops(run).video_size().width);
  return finish(run, std::move(spec), render_cells(run, jobs, width, o), o);
}

View blocks_view(const RunReader& run, const TokenSet& token, const std::vector<int>& steps,
                 const std::vector<int>& heads, const ViewOptions& o) {
  if (steps.empty()) throw RenderError(RenderErrorKind::BadSelection, "the blocks grid needs at least one step");
  GridSpec spec;
  std::vector<CellJob> jobs;
  for (int s : steps) {
    if (s < 0 || s >= run.steps())
      throw RenderError(RenderErrorKind::BadSelection,
                        fmt::format("step index {} is outside run '{}' ({} steps stored)", s, run.dir(), run.steps()));
    spec.row_labels.push_back(fmt::format("step {}", model_step(run, s)));
    for (int b = 0; b < run.blocks(); ++b) jobs.push_back({{token, {s}, {b}, heads}, o.frame, s});
  }
  for (int b = 0; b < run.blocks(); ++b) spec.col_labels.push_back(fmt::format("{}", model_block(run, b)));
  spec.rows = int(steps.size());
  spec.cols = run.blocks();
  spec.title = fmt::format("'{}': every block (columns) at {} (rows), {}", token.label,
                           steps.size() == 1 ? "one step" : "several steps",
                           heads.empty() ? "head mean" : fmt::format("heads {}", fmt::join(heads, ",")));
  spec.subtitle = look_line(o, fmt::format("frame {}", o.frame));
  const int width = cell_width_for(o, spec.cols, Backdrops(run).video_size().width);
  return finish(run, std::move(spec), render_cells(run, jobs, width, o), o);
}

View block_steps_view(const RunReader& run, const TokenSet& token, int block, const std::vector<int>& heads,
                      const ViewOptions& o) {
  check_block(run, block);
  const Backdrops backdrops(run);
  const int last = last_frame(run);
  const bool previews = backdrops.has_previews();
  GridSpec spec;
  spec.cols = run.steps();
  for (int s = 0; s < run.steps(); ++s) spec.col_labels.push_back(fmt::format("step {}", model_step(run, s)));
  const int width = cell_width_for(o, spec.cols, backdrops.video_size().width);

  // Rows 2 and 3: the map over the first and the last frame (one shared range).
  std::vector<CellJob> jobs;
  for (int frame : {0, last})
    for (int s = 0; s < run.steps(); ++s) jobs.push_back({{token, {s}, {block}, heads}, frame, s});
  CellBatch batch = render_cells(run, jobs, width, o);
  if (previews && !batch.cells.empty()) {  // Row 1: what the model believed the clean video was at that step.
    std::vector<GridCell> row;
    const cv::Size size = batch.cells.front().image.size();
    for (int s = 0; s < run.steps(); ++s) row.push_back({backdrops.preview(s, size), false});
    batch.cells.insert(batch.cells.begin(), row.begin(), row.end());
    spec.row_labels.push_back("x0 preview");
  }
  spec.row_labels.push_back(fmt::format("frame {}", 0));
  spec.row_labels.push_back(fmt::format("frame {}", last));
  spec.rows = int(spec.row_labels.size());
  spec.title = fmt::format("'{}': block {} across the diffusion steps, {}", token.label, model_block(run, block),
                           heads.empty() ? "head mean" : fmt::format("heads {}", fmt::join(heads, ",")));
  spec.subtitle = look_line(o);
  return finish(run, std::move(spec), std::move(batch), o);
}

View heads_steps_view(const RunReader& run, const TokenSet& token, int block, const ViewOptions& o) {
  check_block(run, block);
  GridSpec spec;
  std::vector<CellJob> jobs;
  for (int s = 0; s < run.steps(); ++s) {
    spec.row_labels.push_back(fmt::format("step {}", model_step(run, s)));
    for (int h = 0; h < run.heads(); ++h) jobs.push_back({{token, {s}, {block}, {h}}, o.frame, s});
  }
  for (int h = 0; h < run.heads(); ++h)
    spec.col_labels.push_back(run.manifest().capture.head_mode == "mean" ? "head mean" : fmt::format("head {}", h));
  spec.rows = run.steps();
  spec.cols = run.heads();
  spec.title = fmt::format("'{}': heads (columns) x steps (rows) of block {}", token.label, model_block(run, block));
  spec.subtitle = look_line(o, fmt::format("frame {}", o.frame));
  const int width = cell_width_for(o, spec.cols, Backdrops(run).video_size().width);
  return finish(run, std::move(spec), render_cells(run, jobs, width, o), o);
}

View mean_view(const RunReader& run, const TokenSet& token, const ViewOptions& o) {
  const int last = last_frame(run);
  GridSpec spec;
  std::vector<CellJob> jobs;
  for (int frame : {0, last / 2, last}) {
    jobs.push_back({{token, {}, {}, {}}, frame, run.steps() - 1});
    spec.col_labels.push_back(fmt::format("frame {}", frame));
  }
  spec.rows = 1;
  spec.cols = 3;
  spec.title = fmt::format("'{}': global mean over every step, block and head", token.label);
  spec.subtitle = look_line(o);
  const int width = cell_width_for(o, spec.cols, Backdrops(run).video_size().width);
  return finish(run, std::move(spec), render_cells(run, jobs, width, o), o);
}

}  // namespace wanattn::render
