// One map at one video frame -> an image: temporal blend of latent frames, normalisation,
// spatial upsampling (patch cell (y, x) covers pixels [16y, 16y+16) x [16x, 16x+16)), colormap.
#pragma once
#include <optional>
#include <opencv2/core.hpp>

#include "core/render/look.h"
#include "core/render/map_select.h"

namespace wanattn::render {

// The map at `video_frame` as CV_32F [h, w] (Wan's temporal layout, `mode` between latent frames).
cv::Mat map_at_frame(const LatentMap& map, int video_frame, TemporalMode mode);

// The range one frame is drawn with: PerFrame uses `frame_map`, PerToken `token` (the
// run-wide range, from token_range), every other mode the whole map.
ValueRange range_for(const LatentMap& map, const cv::Mat& frame_map, const NormOptions& norm,
                     const std::optional<ValueRange>& token = std::nullopt);

// CV_32F map -> CV_8U at `size`: 0 at range.lo, 255 at range.hi, clipped outside.
cv::Mat to_unit(const cv::Mat& frame_map, const ValueRange& range, cv::Size size, Upsample up);
void to_unit(const cv::Mat& frame_map, const ValueRange& range, cv::Size size, Upsample up, cv::Mat& unit);

struct Heatmap {
  cv::Mat unit;    // CV_8UC1, 0..255
  cv::Mat colour;  // CV_8UC3 BGR
  ValueRange range;
};
Heatmap render_heatmap(const LatentMap& map, int video_frame, cv::Size size, const Look& look,
                       const std::optional<ValueRange>& token = std::nullopt);
// The same into `out`, reusing its buffers: a video or the studio's viewer draws frame after
// frame without allocating (fresh megabyte-sized buffers cost more in page faults than the
// drawing itself).
void render_heatmap(const LatentMap& map, int video_frame, cv::Size size, const Look& look,
                    const std::optional<ValueRange>& token, Heatmap& out);

// The map's value under pixel `px` of a `video`-sized frame (the studio's hover readout):
// the latent cell that covers the pixel, at `video_frame`. NaN outside the frame.
float value_at(const LatentMap& map, int video_frame, cv::Point px, cv::Size video, TemporalMode mode);

// Heatmap over a backdrop (BGR, same size; empty = the heatmap alone).
cv::Mat blend(const cv::Mat& backdrop, const Heatmap& heat, float opacity, bool fade_low);
void blend(const cv::Mat& backdrop, const Heatmap& heat, float opacity, bool fade_low, cv::Mat& out);

}  // namespace wanattn::render
