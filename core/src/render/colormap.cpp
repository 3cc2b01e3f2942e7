#include "core/render/colormap.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
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

// The 256 colours of a map, taken once from OpenCV (applyColorMap on a ramp).
const cv::Vec3b* colour_table(Colormap c) {
  static const std::array<cv::Mat, 6> tables = [] {
    std::array<cv::Mat, 6> t;
    cv::Mat ramp(1, 256, CV_8UC1);
    for (int i = 0; i < 256; ++i) ramp.at<uint8_t>(0, i) = uint8_t(i);
    for (int k = 0; k < 6; ++k) {
      if (Colormap(k) == Colormap::Gray)
        cv::cvtColor(ramp, t[size_t(k)], cv::COLOR_GRAY2BGR);
      else
        cv::applyColorMap(ramp, t[size_t(k)], cv_code(Colormap(k)));
    }
    return t;
  }();
  return tables[size_t(c)].ptr<cv::Vec3b>(0);
}

void apply_colormap(const cv::Mat& unit_u8, Colormap c, cv::Mat& bgr) {
  // A table lookup into a buffer the caller keeps: applyColorMap would first expand the
  // input to three channels and allocate its result on every frame of a video.
  CV_Assert(unit_u8.type() == CV_8UC1);
  bgr.create(unit_u8.size(), CV_8UC3);
  const cv::Vec3b* table = colour_table(c);
  for (int y = 0; y < unit_u8.rows; ++y) {
    const uint8_t* src = unit_u8.ptr<uint8_t>(y);
    cv::Vec3b* dst = bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < unit_u8.cols; ++x) dst[x] = table[src[x]];
  }
}

cv::Mat apply_colormap(const cv::Mat& unit_u8, Colormap c) {
  cv::Mat out;
  apply_colormap(unit_u8, c, out);
  return out;
}

cv::Vec3b colormap_color(Colormap c, int v) { return colour_table(c)[std::clamp(v, 0, 255)]; }

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
