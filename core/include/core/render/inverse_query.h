// The inverse query: for a pixel or a region of a frame, which prompt words the video
// attended to there, ranked. Each word's value is its mean attention (its pieces summed)
// over the latent cells under the region, weighted by how much of each cell the region covers.
#pragma once
#include <opencv2/core.hpp>
#include <vector>

#include "core/render/look.h"
#include "core/render/map_select.h"

namespace wanattn::render {

struct WordScore {
  TokenSet token;
  float value = 0.0f;  // mean attention probability under the region
  float share = 0.0f;  // value / the sum over all candidates (0..1)
};

// `region` in video pixels (a 1x1 rect for a pixel); `base` gives steps/blocks/heads.
// Candidates: every word, EOS, and the padding mass when stored. Sorted, highest first.
// Throws BadSelection when the region lies outside the frame.
std::vector<WordScore> rank_words(const RunReader& run, const MapSelection& base, int video_frame, cv::Rect region,
                                  TemporalMode temporal = TemporalMode::Linear);

}  // namespace wanattn::render
