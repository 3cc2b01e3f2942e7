// Options shared by `wanattn render`, `wanattn export` and `bench render`: how maps look
// (colormap, normalisation, opacity, ...) and which steps/blocks/heads they average.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/render/look.h"
#include "core/render/map_select.h"
#include "core/render/video_export.h"

namespace wanattn::cli {

struct LookArgs {
  std::string colormap = "inferno", norm = "map", upsample = "bilinear", temporal = "linear", backdrop = "frame";
  std::vector<float> percentile = {1.0f, 99.0f};
  float vmax = 0.0f, opacity = 0.6f;
  bool fade = false;
  render::Look look() const;  // throws RenderError(BadSelection) for unknown names
};
void add_look_options(CLI::App* cmd, LookArgs& a);

// Steps, blocks and heads as a person writes them: model step / block numbers as the
// manifest lists them ("0,12,24"), "first", "mid", "last", or "mean" (= every one).
struct AxisArgs {
  std::vector<std::string> steps = {"last"}, blocks = {"mean"}, heads = {"mean"};
};
void add_axis_options(CLI::App* cmd, AxisArgs& a, const std::string& step_help);

// Store indices for the words above; an empty result means "all" (the mean).
std::vector<int> parse_steps(const RunManifest& m, const std::vector<std::string>& words);
std::vector<int> parse_blocks(const RunManifest& m, const std::vector<std::string>& words);
std::vector<int> parse_heads(const RunReader& run, const std::vector<std::string>& words);

// A one-line progress display on stderr ("\rexporting 42%"), for long exports.
render::Progress progress_line(const std::string& what);
// Prints what a partial run left out (to stderr), if anything.
void warn_missing(const RunReader& run, const std::vector<render::SliceId>& missing);

}  // namespace wanattn::cli
