#include "text.h"

#include <opencv2/imgproc.hpp>

namespace wanattn::render::text {
namespace {
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
int thickness(double scale) { return scale >= 0.6 ? 2 : 1; }
}  // namespace

std::string printable(const std::string& utf8) {
  std::string out;
  for (unsigned char c : utf8) {
    if (c < 0x80)
      out += (c >= 0x20 ? char(c) : ' ');
    else if ((c & 0xC0) != 0x80)  // the first byte of a multi-byte character
      out += '?';
  }
  return out;
}

cv::Size size(const std::string& s, double scale) {
  int baseline = 0;
  cv::Size sz = cv::getTextSize(printable(s), kFont, scale, thickness(scale), &baseline);
  return {sz.width, sz.height + baseline};
}

void draw(cv::Mat& img, const std::string& s, cv::Point origin, double scale, cv::Scalar colour) {
  int baseline = 0;
  const cv::Size sz = cv::getTextSize(printable(s), kFont, scale, thickness(scale), &baseline);
  cv::putText(img, printable(s), origin + cv::Point(0, sz.height), kFont, scale, colour, thickness(scale), cv::LINE_AA);
}

void draw_caption(cv::Mat& img, const std::string& s, cv::Point origin, double scale) {
  const cv::Size sz = size(s, scale);
  const cv::Rect box = cv::Rect(origin, sz + cv::Size(8, 6)) & cv::Rect(0, 0, img.cols, img.rows);
  if (box.area() > 0) img(box) *= 0.35;  // darken, keep the picture faintly visible
  draw(img, s, origin + cv::Point(4, 3), scale, cv::Scalar(255, 255, 255));
}

}  // namespace wanattn::render::text
