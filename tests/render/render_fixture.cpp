#include "render/render_fixture.h"

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "core/run_writer.h"

namespace wanattn::test {

cv::Point2f blob_centre(const SyntheticSpec& spec, int step, int token, int f) {
  // Mirrors synthetic_value (support/synthetic_run.cpp).
  return {std::fmod(1.0f + token * 1.7f + f * 1.1f, float(spec.width)),
          std::fmod(1.0f + token * 0.9f + step * 0.8f, float(spec.height))};
}

cv::Mat fixture_frame(const SyntheticSpec& spec, int i) {
  const int W = spec.width * 16, H = spec.height * 16;
  cv::Mat img(H, W, CV_8UC3);
  for (int y = 0; y < H; ++y)  // a calm sky-to-ground gradient that drifts with time
    img.row(y).setTo(cv::Scalar(160 - 100 * y / H, 110 + (i * 3) % 60, 60 + 80 * y / H));
  const int f = i == 0 ? 0 : (i + 3) / 4;
  const cv::Point2f c = blob_centre(spec, spec.steps - 1, 2, f);
  cv::circle(img, cv::Point(int(c.x * 16 + 8), int(c.y * 16 + 8)), std::max(6, H / 10), cv::Scalar(40, 40, 220), cv::FILLED,
             cv::LINE_AA);
  return img;
}

namespace {

std::vector<uint8_t> rgb_bytes(const std::vector<cv::Mat>& images) {
  std::vector<uint8_t> out;
  for (const auto& bgr : images) {
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    out.insert(out.end(), rgb.datastart, rgb.dataend);
  }
  return out;
}

}  // namespace

void write_render_run(const std::string& dir, const RenderFixture& fx) {
  const SyntheticSpec& spec = fx.spec;
  auto writer = RunWriter::create(dir, synthetic_manifest(spec));
  std::vector<uint16_t> att, pad;
  for (int s = 0; s < spec.steps; ++s)
    for (int b = 0; b < spec.blocks; ++b) {
      if (fx.keep && !fx.keep(s, b)) continue;
      synthetic_slice(spec, s, b, att, pad);
      writer->write_slice(s, b, att.data(), spec.padding ? pad.data() : nullptr);
    }
  const auto& m = writer->manifest();
  const uint64_t H = uint64_t(m.height), W = uint64_t(m.width);
  if (fx.previews) {  // x0 previews: the last frame, blurred less as the steps go on
    std::vector<cv::Mat> previews;
    const cv::Mat last = fixture_frame(spec, m.frames - 1);
    for (int s = 0; s < spec.steps; ++s) {
      cv::Mat p;
      const int k = 2 * (spec.steps - s) * 4 + 1;
      cv::GaussianBlur(last, p, cv::Size(k, k), 0);
      cv::resize(p, p, cv::Size(int(W / 2), int(H / 2)), 0, 0, cv::INTER_AREA);
      previews.push_back(p);
    }
    writer->write_array("previews.npy", DType::U8, {uint64_t(spec.steps), H / 2, W / 2, 3}, rgb_bytes(previews).data());
  }
  if (fx.frames) {
    std::vector<cv::Mat> frames;
    for (int i = 0; i < m.frames; ++i) frames.push_back(fixture_frame(spec, i));
    writer->write_array("frames.npy", DType::U8, {uint64_t(m.frames), H, W, 3}, rgb_bytes(frames).data());
  }
  writer->finish(fx.state, fx.state == RunState::Complete ? "" : "stopped on purpose");
}

}  // namespace wanattn::test
