#include "core/render/colormap.h"

#include <fmt/format.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "core/render/render_error.h"

namespace wanattn::render {
namespace {

int cv_code(Colormap c) {
  switch (c) {
    case Colormap::Inferno: return cv::COLORMAP_INFERNO;
    case Colormap::Magma: return cv::COLORMAP_MAGMA;
    case Colormap::Viridis: return cv::COLORMAP_VIRIDIS;
    case Colormap::Turbo: return cv::COLORMAP_TURBO;
    case Colormap::Jet: return cv::COLORMAP_JET;
    case Colormap::Gray: break;
  }
  return -1;
}

}  // namespace

cv::Mat apply_colormap(const cv::Mat& unit_u8, Colormap c) {
  cv::Mat out;
  if (c == Colormap::Gray)
    cv::cvtColor(unit_u8, out, cv::COLOR_GRAY2BGR);
  else
    cv::applyColorMap(unit_u8, out, cv_code(c));
  return out;
}

cv::Vec3b colormap_color(Colormap c, int v) {
  cv::Mat one(1, 1, CV_8UC1, cv::Scalar(std::clamp(v, 0, 255)));
  return apply_colormap(one, c).at<cv::Vec3b>(0, 0);
}

const char* to_string(Colormap c) {
  switch (c) {
    case Colormap::Inferno: return "inferno";
    case Colormap::Magma: return "magma";
    case Colormap::Viridis: return "viridis";
    case Colormap::Turbo: return "turbo";
    case Colormap::Jet: return "jet";
    case Colormap::Gray: return "gray";
  }
  return "?";
}

Colormap colormap_from_string(std::string_view s) {
  for (auto c : {Colormap::Inferno, Colormap::Magma, Colormap::Viridis, Colormap::Turbo, Colormap::Jet, Colormap::Gray})
    if (s == to_string(c)) return c;
  if (s == "grey") return Colormap::Gray;
  throw RenderError(RenderErrorKind::BadSelection,
                    fmt::format("unknown colormap '{}' (inferno, magma, viridis, turbo, jet, gray)", s));
}

}  // namespace wanattn::render
