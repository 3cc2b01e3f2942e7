#include "shared/bench_run.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "core/half.h"
#include "core/run_writer.h"

namespace wanattn::bench {

// Two steps of a run at the reference shape, heads 2 (head_mean.npy stored, as with 12),
// 8 tokens; maps are moving blobs, frames a gradient.
void write_bench_run(const std::string& dir) {
  RunManifest m;
  m.prompt = "a cat with a ball";
  m.frames = 61;
  m.height = 480;
  m.width = 832;
  m.grid = {16, 30, 52};
  for (int t = 0; t < 8; ++t) m.tokens.push_back({100 + t, fmt::format("tok{}", t), -1, 0, 0});
  m.capture.steps = {0, 24};
  for (int b = 0; b < 30; ++b) m.capture.blocks.push_back(b);
  m.capture.heads = m.capture.model_heads = 2;
  m.capture.tokens = 8;
  m.capture.padding_mass = false;
  auto w = RunWriter::create(dir, m);
  const size_t L = size_t(m.grid.size());
  std::vector<uint16_t> slice(2 * 8 * L);
  for (int s = 0; s < 2; ++s)
    for (int b = 0; b < 30; ++b) {
      for (int h = 0; h < 2; ++h)
        for (int t = 0; t < 8; ++t)
          for (size_t i = 0; i < L; ++i) {
            const int x = int(i % 52), y = int(i / 52 % 30), f = int(i / (52 * 30));
            const float cx = float((5 * t + 3 * f + b) % 52), cy = float((4 * t + 7 * s) % 30);
            const float d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            slice[(size_t(h) * 8 + t) * L + i] = float_to_half(0.3f * std::exp(-d2 / 20.0f) / float(1 + h));
          }
      w->write_slice(s, b, slice.data());
    }
  std::vector<uint8_t> frames(size_t(61) * 480 * 832 * 3);
  for (size_t i = 0; i < frames.size(); ++i) frames[i] = uint8_t((i / 3 / 832 + i % 3 * 40) % 256);
  w->write_array("frames.npy", DType::U8, {61, 480, 832, 3}, frames.data());
  w->finish(RunState::Complete);
}

}  // namespace wanattn::bench
