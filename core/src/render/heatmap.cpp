#include "core/render/heatmap.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace wanattn::render {
namespace {

int interpolation(Upsample up) {
  switch (up) {
    case Upsample::Nearest: return cv::INTER_NEAREST;
    case Upsample::Bilinear: return cv::INTER_LINEAR;
    case Upsample::Bicubic: return cv::INTER_CUBIC;
  }
  return cv::INTER_LINEAR;
}

cv::Mat latent_frame(const LatentMap& map, int f) {
  // A header on the map's own buffer: no copy.
  return cv::Mat(map.grid.height, map.grid.width, CV_32F, const_cast<float*>(map.frame(f)));
}

}  // namespace

cv::Mat map_at_frame(const LatentMap& map, int video_frame, TemporalMode mode) {
  const TemporalSample t = latent_for_frame(video_frame, map.grid.frames, mode);
  if (t.weight == 0.0f || t.first == t.second) return latent_frame(map, t.first);
  cv::Mat out;
  cv::addWeighted(latent_frame(map, t.first), 1.0 - t.weight, latent_frame(map, t.second), t.weight, 0.0, out);
  return out;
}

ValueRange range_for(const LatentMap& map, const cv::Mat& frame_map, const NormOptions& norm,
                     const std::optional<ValueRange>& token) {
  if (norm.mode == NormMode::PerToken && token) return *token;
  if (norm.mode == NormMode::PerFrame) {
    const cv::Mat c = frame_map.isContinuous() ? frame_map : frame_map.clone();
    return value_range(c.ptr<float>(), c.total(), norm);
  }
  return value_range(map.values.data(), map.values.size(), norm);
}

void to_unit(const cv::Mat& frame_map, const ValueRange& range, cv::Size size, Upsample up, cv::Mat& unit) {
  // Scale to 8 bits at the latent size (1,560 cells), then upsample the 8-bit image: the
  // same picture as upsampling floats (the colormap has 256 entries anyway) at a fraction of
  // the memory traffic of a full-size float image. Saturation puts values outside a clipped
  // range, and bicubic overshoot, on 0 or 255.
  const double scale = 255.0 / double(range.span());
  if (size == frame_map.size()) {
    frame_map.convertTo(unit, CV_8U, scale, -double(range.lo) * scale);
    return;
  }
  cv::Mat small;
  frame_map.convertTo(small, CV_8U, scale, -double(range.lo) * scale);
  cv::resize(small, unit, size, 0, 0, interpolation(up));
}

cv::Mat to_unit(const cv::Mat& frame_map, const ValueRange& range, cv::Size size, Upsample up) {
  cv::Mat unit;
  to_unit(frame_map, range, size, up, unit);
  return unit;
}

float value_at(const LatentMap& map, int video_frame, cv::Point px, cv::Size video, TemporalMode mode) {
  if (px.x < 0 || px.y < 0 || px.x >= video.width || px.y >= video.height) return std::nanf("");
  const int x = std::min(px.x * map.grid.width / video.width, map.grid.width - 1);
  const int y = std::min(px.y * map.grid.height / video.height, map.grid.height - 1);
  return map_at_frame(map, video_frame, mode).at<float>(y, x);
}

void render_heatmap(const LatentMap& map, int video_frame, cv::Size size, const Look& look,
                    const std::optional<ValueRange>& token, Heatmap& out) {
  const cv::Mat m = map_at_frame(map, video_frame, look.temporal);
  out.range = range_for(map, m, look.norm, token);
  to_unit(m, out.range, size, look.upsample, out.unit);
  apply_colormap(out.unit, look.colormap, out.colour);
}

Heatmap render_heatmap(const LatentMap& map, int video_frame, cv::Size size, const Look& look,
                       const std::optional<ValueRange>& token) {
  Heatmap h;
  render_heatmap(map, video_frame, size, look, token, h);
  return h;
}

void blend(const cv::Mat& backdrop, const Heatmap& heat, float opacity, bool fade_low, cv::Mat& out) {
  if (backdrop.empty()) {
    heat.colour.copyTo(out);
    return;
  }
  const float a = std::clamp(opacity, 0.0f, 1.0f);
  if (!fade_low) {
    cv::addWeighted(backdrop, 1.0 - a, heat.colour, a, 0.0, out);
    return;
  }
  // Per-pixel weights: the heatmap's weight follows its value, so quiet regions show the frame.
  cv::Mat w_heat, w_back;
  heat.unit.convertTo(w_heat, CV_32F, a / 255.0);
  cv::subtract(cv::Scalar(1.0), w_heat, w_back);
  cv::blendLinear(backdrop, heat.colour, w_back, w_heat, out);
}

cv::Mat blend(const cv::Mat& backdrop, const Heatmap& heat, float opacity, bool fade_low) {
  cv::Mat out;
  blend(backdrop, heat, opacity, fade_low, out);
  return out;
}

}  // namespace wanattn::render
