#include "core/render/overlay.h"

namespace wanattn::render {

OverlayRenderer::OverlayRenderer(const RunReader& run, MapSelection sel, Look look, cv::Size size)
    : sel_(std::move(sel)), look_(look), backdrops_(run) {
  size_ = size.area() > 0 ? size : backdrops_.video_size();
  map_ = compute_map(run, sel_);
  if (look_.norm.mode == NormMode::PerToken) token_range_ = token_range(run, sel_);
  // The preview of the step shown (the last one when several are averaged).
  backdrop_step_ = sel_.steps.empty() ? run.steps() - 1 : sel_.steps.back();
}

Heatmap OverlayRenderer::heatmap(int video_frame) const {
  return render_heatmap(map_, video_frame, size_, look_, token_range_);
}

cv::Mat OverlayRenderer::backdrop(int video_frame) const {
  return backdrops_.pick(look_.backdrop, backdrop_step_, video_frame, size_);
}

void OverlayRenderer::render(int video_frame, cv::Mat& out) const {
  // Scratch per thread, reused across frames and renderers (sizes rarely change).
  thread_local Heatmap heat;
  thread_local cv::Mat back;
  render_heatmap(map_, video_frame, size_, look_, token_range_, heat);
  backdrops_.pick(look_.backdrop, backdrop_step_, video_frame, size_, back);
  blend(back, heat, look_.opacity, look_.fade_low, out);
}

cv::Mat OverlayRenderer::render(int video_frame) const {
  cv::Mat out;
  render(video_frame, out);
  return out;
}

}  // namespace wanattn::render
