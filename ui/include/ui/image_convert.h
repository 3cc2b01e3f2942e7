// OpenCV images (what the render layer draws) as Qt images (what widgets paint), copied
// so the QImage owns its pixels and can cross threads in a queued signal.
#pragma once
#include <QImage>
#include <opencv2/core.hpp>

namespace wanattn {

QImage to_qimage(const cv::Mat& bgr_or_grey);  // CV_8UC3 BGR or CV_8UC1; empty Mat -> null image
cv::Mat to_bgr(const QImage& image);           // any QImage -> CV_8UC3 BGR copy

}  // namespace wanattn
