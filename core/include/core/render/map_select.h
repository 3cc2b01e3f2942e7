// From the store to one latent-resolution map [F, h, w] in float: one slice, or the mean
// over any set of steps, blocks and heads, of one token or the sum of a word's pieces.
// Reads the memory-mapped store directly (no copy of the store's data: the only buffer is
// the float result). Runs on whichever thread renders (UI, export job, CLI).
#pragma once
#include <string>
#include <vector>

#include "core/render/token_select.h"
#include "core/run_reader.h"

namespace wanattn::render {

struct SliceId {
  int step = 0, block = 0;  // store indices
};

struct MapSelection {
  TokenSet token;
  std::vector<int> steps;   // store step indices to average; empty = every step
  std::vector<int> blocks;  // store block indices to average; empty = every block
  std::vector<int> heads;   // stored heads to average; empty = every head (head_mean.npy)
};

struct LatentMap {
  LatentGrid grid;
  std::vector<float> values;    // [F * h * w], C order
  int slices = 0;               // (step, block) slices averaged
  std::vector<SliceId> missing; // asked for, but their progress flag is not set (partial run)
  const float* frame(int f) const { return values.data() + size_t(f) * grid.height * grid.width; }
};

// Throws RenderError(BadSelection) for an index outside the run, and
// RenderError(MissingData) naming the run and the slices when none of them is written yet.
// When only some are missing, the mean is over those present and `missing` lists the rest.
LatentMap compute_map(const RunReader& run, const MapSelection& sel);

// Store index of a model step / block as the manifest lists them (labels show model
// indices); throws BadSelection listing what was captured.
int store_step(const RunManifest& m, int model_step);
int store_block(const RunManifest& m, int model_block);
// "cat, step 12, block 15, head 3", with "mean" for averaged axes (labels, titles).
std::string describe(const RunManifest& m, const MapSelection& sel);
// "step 4 block 2, step 4 block 3" (the first few, then "and N more").
std::string describe_missing(const RunManifest& m, const std::vector<SliceId>& missing);

}  // namespace wanattn::render
