#include "support/synthetic_run.h"

#include <fmt/format.h>

#include <cmath>

#include "core/half.h"

namespace wanattn::test {

RunManifest synthetic_manifest(const SyntheticSpec& spec) {
  RunManifest m;
  m.prompt = "a red circle moves left";
  m.negative_prompt = "blurry";
  m.model = {{"name", "synthetic"}, {"variant", "test"}};
  m.generation = {{"seed", 58}, {"steps", spec.steps}, {"guidance", 6.0}, {"shift", 3.0}, {"sampler", "unipc"}};
  m.frames = 4 * (spec.frames - 1) + 1;
  m.height = spec.height * 16;
  m.width = spec.width * 16;
  m.grid = {spec.frames, spec.height, spec.width};
  const char* words[] = {"a", "red", "circle", "moves", "left"};
  int pos = 0;
  for (int w = 0; w < 5; ++w) {
    const int len = int(std::string(words[w]).size());
    m.words.push_back({words[w], pos, pos + len});
    pos += len + 1;
  }
  for (int t = 0; t < spec.tokens; ++t) {
    const bool eos = t == spec.tokens - 1;
    const int w = eos ? -1 : t % 5;
    m.tokens.push_back({eos ? 1 : 100 + t, eos ? "</s>" : m.words[size_t(w)].text, w,
                        eos ? pos - 1 : m.words[size_t(w)].char_begin, eos ? pos - 1 : m.words[size_t(w)].char_end});
  }
  for (int s = 0; s < spec.steps; ++s) m.capture.steps.push_back(s * 2);  // every other model step
  for (int b = 0; b < spec.blocks; ++b) m.capture.blocks.push_back(b);
  m.capture.heads = spec.head_mode == "mean" ? 1 : spec.heads;
  m.capture.model_heads = spec.heads;
  m.capture.head_mode = spec.head_mode;
  m.capture.tokens = spec.tokens;
  m.capture.padding_mass = spec.padding;
  m.wanattn_version = "test";
  return m;
}

float synthetic_value(const SyntheticSpec& spec, int step, int block, int head, int token, int f, int y, int x) {
  // The blob moves right with the frame and down with the step; each token starts elsewhere.
  const float cx = std::fmod(1.0f + token * 1.7f + f * 1.1f, float(spec.width));
  const float cy = std::fmod(1.0f + token * 0.9f + step * 0.8f, float(spec.height));
  const float d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
  const float scale = 0.5f / float(1 + head) * (1.0f + 0.1f * block);
  return scale * std::exp(-d2 / 4.0f) + 0.001f * float(token + 1);
}

float synthetic_padding(const SyntheticSpec& spec, int step, int block, int head, int f, int y, int x) {
  return 0.25f + 0.01f * float((step + block + head + f + y + x) % 7);
}

void synthetic_slice(const SyntheticSpec& spec, int step, int block, std::vector<uint16_t>& attention,
                     std::vector<uint16_t>& padding) {
  const int H = spec.head_mode == "mean" ? 1 : spec.heads;
  const size_t L = size_t(spec.frames) * spec.height * spec.width;
  attention.assign(size_t(H) * spec.tokens * L, 0);
  padding.assign(size_t(H) * L, 0);
  for (int h = 0; h < H; ++h)
    for (int f = 0; f < spec.frames; ++f)
      for (int y = 0; y < spec.height; ++y)
        for (int x = 0; x < spec.width; ++x) {
          const size_t p = (size_t(f) * spec.height + y) * spec.width + x;
          for (int t = 0; t < spec.tokens; ++t)
            attention[(size_t(h) * spec.tokens + t) * L + p] = float_to_half(synthetic_value(spec, step, block, h, t, f, y, x));
          padding[size_t(h) * L + p] = float_to_half(synthetic_padding(spec, step, block, h, f, y, x));
        }
}

void write_synthetic_run(const std::string& dir, const SyntheticSpec& spec, RunState state, bool (*keep)(int, int)) {
  auto writer = RunWriter::create(dir, synthetic_manifest(spec));
  std::vector<uint16_t> att, pad;
  for (int s = 0; s < spec.steps; ++s)
    for (int b = 0; b < spec.blocks; ++b) {
      if (keep && !keep(s, b)) continue;
      synthetic_slice(spec, s, b, att, pad);
      writer->write_slice(s, b, att.data(), spec.padding ? pad.data() : nullptr);
    }
  // Small frames so exports and `info` have something to show.
  const auto& m = writer->manifest();
  std::vector<uint8_t> frames(size_t(m.frames) * m.height * m.width * 3);
  for (size_t i = 0; i < frames.size(); ++i) frames[i] = uint8_t(i * 7 % 251);
  writer->write_array("frames.npy", DType::U8, {uint64_t(m.frames), uint64_t(m.height), uint64_t(m.width), 3}, frames.data());
  writer->set_timing("synthetic", 0.5);
  writer->finish(state, state == RunState::Complete ? "" : "stopped on purpose");
}

}  // namespace wanattn::test
