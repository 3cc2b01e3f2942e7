// `wanattn sweep SWEEP.json`: what a sweep file says (docs/bending.md, "sweeps") — the run
// settings, bends applied to every run, the swept bends with the values of one parameter
// each, and the seeds. Rows are an unbent baseline (optional) and every (bend, value);
// columns are the seeds. Strict: unknown keys and bad values are refused, naming the field,
// before anything runs.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "generate_args.h"
#include "model/bend.h"

namespace wanattn::cli {

struct SweepRow {
  std::string label;  // "unbent", "scale factor=2", ...
  BendSet bends;      // the fixed bends plus this row's swept bend
};

struct SweepSpec {
  GenerateArgs gen;  // model, out and the generate settings (capture defaults to none)
  std::vector<SweepRow> rows;
  std::vector<uint64_t> seeds;
  std::string frame = "middle";  // the contact sheet's frame: first, middle, last or an index
  int cell_width = 256;          // pixels; the height follows the video's aspect
  bool mp4 = true;               // each run's video.mp4 and the animated contact sheet
};

// Throws BendError / std::invalid_argument naming the field ("sweep[1].values[2]: ...").
SweepSpec parse_sweep(const nlohmann::json& j, const std::string& where);
SweepSpec load_sweep(const std::string& path);

// The frame index of `frame` in a video of `frames` frames.
int sweep_frame_index(const std::string& frame, int frames);

}  // namespace wanattn::cli
