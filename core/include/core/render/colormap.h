// Colormaps: OpenCV's perceptual maps (inferno is the default: dark = little attention,
// bright = much, readable in grayscale print too).
#pragma once
#include <opencv2/core.hpp>
#include <string_view>

namespace wanattn::render {

enum class Colormap { Inferno, Magma, Viridis, Turbo, Jet, Gray };

// 8-bit values (CV_8UC1) -> BGR colours (CV_8UC3).
cv::Mat apply_colormap(const cv::Mat& unit_u8, Colormap c);
// The same into `bgr`, reusing its buffer (video loops, the studio's frame buffer).
void apply_colormap(const cv::Mat& unit_u8, Colormap c, cv::Mat& bgr);
// The colour of value v in 0..255 (colour bars, legends).
cv::Vec3b colormap_color(Colormap c, int v);

const char* to_string(Colormap c);
Colormap colormap_from_string(std::string_view s);

}  // namespace wanattn::render
