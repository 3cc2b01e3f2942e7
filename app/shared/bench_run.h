// The run `wanattn bench render` and `wanattn-studio --bench` measure on: the reference
// run's shape (480 x 832, 61 frames, a 16 x 30 x 52 latent grid, 30 blocks), two steps,
// two heads (head_mean.npy stored, as with 12), eight tokens; maps are moving blobs.
#pragma once
#include <string>

namespace wanattn::bench {

void write_bench_run(const std::string& dir);

}  // namespace wanattn::bench
