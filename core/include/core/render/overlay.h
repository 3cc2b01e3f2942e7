// View 1, the token overlay: one selection's map over the frames, frame by frame. The map
// is computed once per selection; each frame then costs an upsample, a colormap and a
// blend (docs/benchmarks.md: `wanattn bench render`).
#pragma once
#include <optional>
#include <opencv2/core.hpp>

#include "core/render/backdrops.h"
#include "core/render/heatmap.h"

namespace wanattn::render {

class OverlayRenderer {
 public:
  // `size` 0x0 = the video's size. Computes the map (throws like compute_map) and, for
  // NormMode::PerToken, the token's run-wide range.
  OverlayRenderer(const RunReader& run, MapSelection sel, Look look, cv::Size size = {});

  cv::Mat render(int video_frame) const;             // BGR, backdrop blended
  // The same into `out`, reusing its buffer and per-thread scratch buffers: what a video
  // loop or the viewer calls frame after frame. Safe from several threads at once.
  void render(int video_frame, cv::Mat& out) const;
  Heatmap heatmap(int video_frame) const;            // without the backdrop
  cv::Mat backdrop(int video_frame) const;           // empty when Backdrop::None or absent
  ValueRange range(int video_frame) const { return heatmap(video_frame).range; }

  const LatentMap& map() const { return map_; }
  const MapSelection& selection() const { return sel_; }
  const Look& look() const { return look_; }
  cv::Size size() const { return size_; }
  int video_frames() const { return backdrops_.frame_count(); }

 private:
  MapSelection sel_;
  Look look_;
  Backdrops backdrops_;
  cv::Size size_;
  LatentMap map_;
  std::optional<ValueRange> token_range_;
  int backdrop_step_ = 0;  // whose preview shows when there is no decoded video
};

}  // namespace wanattn::render
