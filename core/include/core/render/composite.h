// Up to three tokens in one picture: token 1 drives red, token 2 green, token 3 blue, each
// normalised on its own (Look::norm), over a grey copy of the backdrop so the colours read.
#pragma once
#include <opencv2/core.hpp>
#include <vector>

#include "core/render/look.h"
#include "core/render/map_select.h"

namespace wanattn::render {

struct Composite {
  cv::Mat image;                    // BGR
  std::vector<ValueRange> ranges;   // per token, in the order given
  std::vector<SliceId> missing;
};

// Throws RenderError(BadSelection) for no token or more than three.
Composite render_composite(const RunReader& run, const std::vector<TokenSet>& tokens, const MapSelection& base,
                           int video_frame, cv::Size size, const Look& look);

// "red" "green" "blue" for composite channel i.
const char* composite_channel_name(int i);

}  // namespace wanattn::render
