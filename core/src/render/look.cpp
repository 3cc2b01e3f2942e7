#include "core/render/look.h"

#include <fmt/format.h>

#include "core/render/render_error.h"

namespace wanattn::render {

const char* to_string(Upsample u) {
  switch (u) {
    case Upsample::Nearest: return "nearest";
    case Upsample::Bilinear: return "bilinear";
    case Upsample::Bicubic: return "bicubic";
  }
  return "?";
}

Upsample upsample_from_string(std::string_view s) {
  for (auto u : {Upsample::Nearest, Upsample::Bilinear, Upsample::Bicubic})
    if (s == to_string(u)) return u;
  throw RenderError(RenderErrorKind::BadSelection, fmt::format("unknown upsampling '{}' (nearest, bilinear, bicubic)", s));
}

const char* to_string(Backdrop b) {
  switch (b) {
    case Backdrop::Frame: return "frame";
    case Backdrop::Preview: return "preview";
    case Backdrop::None: return "none";
  }
  return "?";
}

Backdrop backdrop_from_string(std::string_view s) {
  for (auto b : {Backdrop::Frame, Backdrop::Preview, Backdrop::None})
    if (s == to_string(b)) return b;
  throw RenderError(RenderErrorKind::BadSelection, fmt::format("unknown backdrop '{}' (frame, preview, none)", s));
}

}  // namespace wanattn::render
