#include "core/render/inverse_query.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/render/backdrops.h"
#include "core/render/heatmap.h"
#include "core/render/render_error.h"

namespace wanattn::render {
namespace {

// Weights of the latent cells under `region` (pixels of a `video`-sized frame): the area of
// each cell the region covers.
cv::Mat cell_weights(const LatentGrid& g, cv::Size video, cv::Rect2d region) {
  cv::Mat w = cv::Mat::zeros(g.height, g.width, CV_32F);
  const double sx = double(video.width) / g.width, sy = double(video.height) / g.height;
  for (int y = 0; y < g.height; ++y)
    for (int x = 0; x < g.width; ++x) {
      const cv::Rect2d cell(x * sx, y * sy, sx, sy);
      w.at<float>(y, x) = float((cell & region).area());
    }
  return w;
}

}  // namespace

std::vector<WordScore> rank_words(const RunReader& run, const MapSelection& base, int video_frame, cv::Rect region,
                                  TemporalMode temporal) {
  const Backdrops backdrops(run);
  const cv::Size video = backdrops.video_size();
  if (video_frame < 0 || video_frame >= backdrops.frame_count())
    throw RenderError(RenderErrorKind::BadSelection, fmt::format("frame {} is outside run '{}' (video frames 0..{})",
                                                                 video_frame, run.dir(), backdrops.frame_count() - 1));
  const cv::Rect clipped = region & cv::Rect(0, 0, video.width, video.height);
  if (clipped.area() <= 0)
    throw RenderError(RenderErrorKind::BadSelection,
                      fmt::format("region {}x{} at ({}, {}) lies outside the {}x{} frame of run '{}'", region.width,
                                  region.height, region.x, region.y, video.width, video.height, run.dir()));
  const cv::Mat weights = cell_weights(run.grid(), video, cv::Rect2d(clipped));
  const double total_weight = cv::sum(weights)[0];

  std::vector<TokenSet> candidates = word_sets(run.manifest());
  if (run.has_padding()) candidates.push_back({"padding", {}, true, -1});
  std::vector<WordScore> out;
  double sum = 0.0;
  for (auto& t : candidates) {
    MapSelection sel = base;
    sel.token = t;
    const LatentMap map = compute_map(run, sel);
    const cv::Mat at = map_at_frame(map, video_frame, temporal);
    const float v = float(at.dot(weights) / total_weight);
    sum += v;
    out.push_back({std::move(t), v, 0.0f});
  }
  for (auto& s : out) s.share = sum > 0 ? float(s.value / sum) : 0.0f;
  std::stable_sort(out.begin(), out.end(), [](const WordScore& a, const WordScore& b) { return a.value > b.value; });
  return out;
}

}  // namespace wanattn::render
