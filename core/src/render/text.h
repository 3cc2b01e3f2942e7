// Label drawing for grids, colour bars and video captions (internal to the render target).
// OpenCV's Hershey fonts are built in (no font files to ship or find) but only cover
// ASCII: other characters are drawn as '?'.
#pragma once
#include <opencv2/core.hpp>
#include <string>

namespace wanattn::render::text {

inline constexpr double kLabelScale = 0.45;
inline constexpr double kTitleScale = 0.6;

std::string printable(const std::string& utf8);
cv::Size size(const std::string& s, double scale);
// Draws `s` with its top-left corner at `origin`.
void draw(cv::Mat& img, const std::string& s, cv::Point origin, double scale, cv::Scalar colour);
// Light text on a dark box, for captions over images (evolution video, overlays).
void draw_caption(cv::Mat& img, const std::string& s, cv::Point origin, double scale);

}  // namespace wanattn::render::text
