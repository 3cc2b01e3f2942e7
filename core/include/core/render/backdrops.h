// What heatmaps are drawn over: the decoded frames (frames.npy) and the per-step x0
// previews (previews.npy), read zero-copy from the run and converted to BGR at the size
// asked for. Either may be absent (a run still generating has no frames yet).
#pragma once
#include <optional>
#include <opencv2/core.hpp>

#include "core/render/look.h"
#include "core/run_reader.h"

namespace wanattn::render {

class Backdrops {
 public:
  // Throws RenderError(MissingData) naming the file when frames.npy or previews.npy is
  // present but not uint8 [n, H, W, 3].
  explicit Backdrops(const RunReader& run);

  bool has_frames() const { return frames_.has_value(); }
  bool has_previews() const { return previews_.has_value(); }
  int frame_count() const;
  // Pixel size of the video: frames.npy when present, else the manifest's.
  cv::Size video_size() const { return video_size_; }

  cv::Mat frame(int video_frame, cv::Size size) const;  // BGR; empty when absent
  // Preview of a store step (previews.npy holds one per captured step, or one per sampler
  // step; both layouts are read), at the latent frame that makes `video_frame` when the
  // previews have a frame axis ([steps, F', h, w, 3], as the pipeline writes). BGR; empty when absent.
  cv::Mat preview(int store_step, cv::Size size, int video_frame = 0) const;
  // The backdrop `b` at (store step, video frame); Frame falls back to the preview while the
  // video is not decoded yet, and both to none.
  cv::Mat pick(Backdrop b, int store_step, int video_frame, cv::Size size) const;
  // The same into `out`, reusing its buffer (left empty when there is no backdrop).
  void pick(Backdrop b, int store_step, int video_frame, cv::Size size, cv::Mat& out) const;

 private:
  int preview_index(int store_step) const;  // requires previews
  int preview_image(int store_step, int video_frame) const;  // flat image index


  const RunManifest* manifest_ = nullptr;
  std::optional<MappedNpy> frames_, previews_;
  cv::Size video_size_;
  int preview_frames_ = 1;  // latent frames per step in previews.npy (1: one image per step)
};

}  // namespace wanattn::render
