// How a map is drawn: the settings an artist picks in the viewer or on the CLI.
#pragma once
#include <string_view>

#include "core/render/colormap.h"
#include "core/render/normalize.h"
#include "core/render/temporal.h"

namespace wanattn::render {

enum class Upsample { Nearest, Bilinear, Bicubic };  // latent patch grid -> pixels

enum class Backdrop {
  Frame,    // the decoded video frame (frames.npy); the step's preview when not decoded yet
  Preview,  // the step's x0 preview (previews.npy), upscaled
  None,     // the heatmap alone
};

struct Look {
  Colormap colormap = Colormap::Inferno;
  NormOptions norm;
  Upsample upsample = Upsample::Bilinear;
  TemporalMode temporal = TemporalMode::Linear;
  Backdrop backdrop = Backdrop::Frame;
  float opacity = 0.6f;   // heatmap weight over the backdrop, 0..1
  bool fade_low = false;  // opacity grows with the value: little attention shows the frame
};

const char* to_string(Upsample u);
Upsample upsample_from_string(std::string_view s);
const char* to_string(Backdrop b);
Backdrop backdrop_from_string(std::string_view s);

}  // namespace wanattn::render
