// Synthetic runs with known maps, for store, export and (later) render tests.
// Each token's map is a gaussian blob whose centre moves with the latent frame, the step
// and the token, scaled per head and block, so every slice is distinct and predictable.
#pragma once
#include <string>
#include <vector>

#include "core/manifest.h"
#include "core/run_writer.h"

namespace wanattn::test {

struct SyntheticSpec {
  int steps = 3, blocks = 4, heads = 2, tokens = 5;
  int frames = 3, height = 6, width = 8;  // latent (patch) grid
  bool padding = true;
  std::string head_mode = "per_head";
};

RunManifest synthetic_manifest(const SyntheticSpec& spec);
// The value stored at one position (before float16 rounding).
float synthetic_value(const SyntheticSpec& spec, int step, int block, int head, int token, int f, int y, int x);
float synthetic_padding(const SyntheticSpec& spec, int step, int block, int head, int f, int y, int x);
// Fills one slice [heads, tokens, F, h, w] and its padding [heads, F, h, w] (float16 bits).
void synthetic_slice(const SyntheticSpec& spec, int step, int block, std::vector<uint16_t>& attention,
                     std::vector<uint16_t>& padding);
// Writes the slices for which `keep(step, block)` is true, then finishes with `state`.
void write_synthetic_run(const std::string& dir, const SyntheticSpec& spec, RunState state = RunState::Complete,
                         bool (*keep)(int, int) = nullptr);

}  // namespace wanattn::test
