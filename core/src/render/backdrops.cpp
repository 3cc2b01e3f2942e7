#include "core/render/backdrops.h"

#include <fmt/format.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "core/render/render_error.h"
#include "core/run_files.h"

namespace wanattn::render {
namespace {

// uint8 [n, H, W, 3], or [n, F', H, W, 3] (previews per latent frame) when `allow_frames`.
void expect_images(const MappedNpy& a, bool allow_frames = false) {
  const auto& h = a.header();
  const bool ok_rank = h.shape.size() == 4 || (allow_frames && h.shape.size() == 5);
  if (h.dtype != DType::U8 || !ok_rank || h.shape.back() != 3 || h.shape[0] == 0 || (h.shape.size() == 5 && h.shape[1] == 0))
    throw RenderError(RenderErrorKind::MissingData,
                      fmt::format("'{}' holds {} {}, expected uint8 [n, height, width, 3] RGB images", a.path(),
                                  dtype_name(h.dtype), shape_to_string(h.shape)));
}

// Image i of a uint8 [n, H, W, 3] RGB array as BGR at `size`, into `out` (the store's pixels
// are read in place; only the colour conversion writes).
void image(const MappedNpy& a, int i, cv::Size size, cv::Mat& out) {
  const auto& s = a.header().shape;  // the last three axes are one image; the others are flattened
  const int h = int(s[s.size() - 3]), w = int(s[s.size() - 2]);
  const cv::Mat rgb(h, w, CV_8UC3, const_cast<uint8_t*>(a.data()) + size_t(i) * size_t(h) * size_t(w) * 3);
  if (rgb.size() == size) {
    cv::cvtColor(rgb, out, cv::COLOR_RGB2BGR);
    return;
  }
  // Resized first (fewer pixels to convert when shrinking), into a per-thread buffer that is
  // reused frame after frame (a fresh megabyte buffer costs more in page faults than the
  // work). Area averaging only pays for strong reductions; a mild one (a window a bit
  // smaller than the video) is bilinear, several times faster and as sharp.
  thread_local cv::Mat scaled;
  const double ratio = double(size.width) / w;
  const int how = ratio > 1.0 ? cv::INTER_CUBIC : ratio >= 0.5 ? cv::INTER_LINEAR : cv::INTER_AREA;
  cv::resize(rgb, scaled, size, 0, 0, how);
  cv::cvtColor(scaled, out, cv::COLOR_RGB2BGR);
}

cv::Mat image(const MappedNpy& a, int i, cv::Size size) {
  cv::Mat out;
  image(a, i, size, out);
  return out;
}

}  // namespace

Backdrops::Backdrops(const RunReader& run) : manifest_(&run.manifest()) {
  frames_ = run.open_array(run_files::kFrames);
  previews_ = run.open_array(run_files::kPreviews);
  if (frames_) expect_images(*frames_);
  if (previews_) {
    expect_images(*previews_, /*allow_frames=*/true);
    if (previews_->header().shape.size() == 5) preview_frames_ = int(previews_->header().shape[1]);
  }
  const auto& m = run.manifest();
  video_size_ = frames_ ? cv::Size(int(frames_->header().shape[2]), int(frames_->header().shape[1]))
                        : cv::Size(m.width, m.height);
  if (video_size_.area() <= 0) video_size_ = cv::Size(m.grid.width * 16, m.grid.height * 16);
}

int Backdrops::frame_count() const {
  return frames_ ? int(frames_->header().shape[0]) : std::max(manifest_->frames, 1);
}

cv::Mat Backdrops::frame(int video_frame, cv::Size size) const {
  if (!frames_) return {};
  const int n = int(frames_->header().shape[0]);
  return image(*frames_, std::clamp(video_frame, 0, n - 1), size);
}

int Backdrops::preview_index(int store_step) const {
  const int n = int(previews_->header().shape[0]);
  const auto& steps = manifest_->capture.steps;
  int i = store_step;
  // One preview per sampler step: index by the model step this store step captured.
  if (n != int(steps.size()) && store_step >= 0 && store_step < int(steps.size())) i = steps[size_t(store_step)];
  return std::clamp(i, 0, n - 1);
}

int Backdrops::preview_image(int store_step, int video_frame) const {
  // Latent frame 0 is video frame 0; each later latent frame makes 4 video frames.
  const int latent = video_frame <= 0 ? 0 : std::min((video_frame - 1) / 4 + 1, preview_frames_ - 1);
  return preview_index(store_step) * preview_frames_ + latent;
}

cv::Mat Backdrops::preview(int store_step, cv::Size size, int video_frame) const {
  if (!previews_) return {};
  return image(*previews_, preview_image(store_step, video_frame), size);
}

void Backdrops::pick(Backdrop b, int store_step, int video_frame, cv::Size size, cv::Mat& out) const {
  const MappedNpy* source = nullptr;
  int i = 0;
  if (b == Backdrop::Frame && frames_) {
    source = &*frames_;
    i = std::clamp(video_frame, 0, int(frames_->header().shape[0]) - 1);
  } else if (b != Backdrop::None && previews_) {
    source = &*previews_;
    i = preview_image(store_step, video_frame);
  }
  if (source)
    image(*source, i, size, out);
  else
    out.release();
}

cv::Mat Backdrops::pick(Backdrop b, int store_step, int video_frame, cv::Size size) const {
  cv::Mat out;
  pick(b, store_step, video_frame, size, out);
  return out;
}

}  // namespace wanattn::render
