#include "core/render/render_error.h"

namespace wanattn::render {

const char* to_string(RenderErrorKind kind) {
  switch (kind) {
    case RenderErrorKind::BadSelection: return "bad selection";
    case RenderErrorKind::MissingData: return "missing data";
    case RenderErrorKind::Output: return "output error";
    case RenderErrorKind::Encode: return "encoder error";
    case RenderErrorKind::Cancelled: return "cancelled";
  }
  return "?";
}

}  // namespace wanattn::render
