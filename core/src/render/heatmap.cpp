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

cv::Mat to_unit(const cv::Mat& frame_map, const ValueRange& range, cv::Size size, Upsample up) {
  // Upsample the float map first (smooth gradients), then scale to 8 bits with saturation:
  // bicubic overshoot and values outside a clipped range land on 0 or 255.
  cv::Mat big;
  if (size == frame_map.size())
    big = frame_map;
  else
    cv::resize(frame_map, big, size, 0, 0, interpolation(up));
  cv::Mat unit;
  const double scale = 255.0 / double(range.span());
  big.convertTo(unit, CV_8U, scale, -double(range.lo) * scale);
  return unit;
}

float value_at(const LatentMap& map, int video_frame, cv::Point px, cv::Size video, TemporalMode mode) {
  if (px.x < 0 || px.y < 0 || px.x >= video.width || px.y >= video.height) return std::nanf("");
  const int x = std::min(px.x * map.grid.width / video.width, map.grid.width - 1);
  const int y = std::min(px.y * map.grid.height / video.height, map.grid.height - 1);
  return map_at_frame(map, video_frame, mode).at<float>(y, x);
}

Heatmap render_heatmap(const LatentMap& map, int video_frame, cv::Size size, const Look& look,
                       const std::optional<ValueRange>& token) {
  const cv::Mat m = map_at_frame(map, video_frame, look.temporal);
  Heatmap h;
  h.range = range_for(map, m, look.norm, token);
  h.unit = to_unit(m, h.range, size, look.upsample);
  h.colour = apply_colormap(h.unit, look.colormap);
  return h;
}

cv::Mat blend(const cv::Mat& backdrop, const Heatmap& heat, float opacity, bool fade_low) {
  if (backdrop.empty()) return heat.colour;
  const float a = std::clamp(opacity, 0.0f, 1.0f);
  cv::Mat out;
  if (!fade_low) {
    cv::addWeighted(backdrop, 1.0 - a, heat.colour, a, 0.0, out);
    return out;
  }
  // Per-pixel weights: the heatmap's weight follows its value, so quiet regions show the frame.
  cv::Mat w_heat, w_back;
  heat.unit.convertTo(w_heat, CV_32F, a / 255.0);
  cv::subtract(cv::Scalar(1.0), w_heat, w_back);
  cv::blendLinear(backdrop, heat.colour, w_back, w_heat, out);
  return out;
}

}  // namespace wanattn::render
