// What the studio shows: the selection every panel reads and writes (tokens, step, block,
// head, frame) and the look (colormap, opacity, normalisation). Plain data: copied into
// render jobs on other threads, never shared by reference across threads.
#pragma once
#include <vector>

#include "core/render/look.h"
#include "core/render/map_select.h"

namespace wanattn {

inline constexpr int kMean = -1;  // an axis averaged instead of one index

struct ViewState {
  std::vector<render::TokenSet> tokens;  // 1..3 (ctrl-click adds, for the composite); empty: none yet
  int step = kMean;   // store step index, or kMean
  int block = kMean;  // store block index, or kMean
  int head = kMean;   // stored head, or kMean
  int frame = 0;      // video frame
  render::Look look;

  // The selection of the `i`-th chosen token with this state's step/block/head.
  render::MapSelection selection(size_t i = 0) const;
  bool has_token() const { return !tokens.empty(); }
};

}  // namespace wanattn
