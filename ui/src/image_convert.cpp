#include "ui/image_convert.h"

#include <opencv2/imgproc.hpp>

namespace wanattn {

QImage to_qimage(const cv::Mat& m) {
  if (m.empty()) return {};
  if (m.type() == CV_8UC1)
    return QImage(m.data, m.cols, m.rows, int(m.step), QImage::Format_Grayscale8).copy();
  if (m.type() == CV_8UC3) return QImage(m.data, m.cols, m.rows, int(m.step), QImage::Format_BGR888).copy();
  cv::Mat bgr;
  m.convertTo(bgr, CV_8UC3);
  return to_qimage(bgr);
}

cv::Mat to_bgr(const QImage& image) {
  if (image.isNull()) return {};
  const QImage rgb = image.convertToFormat(QImage::Format_BGR888);
  return cv::Mat(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()), size_t(rgb.bytesPerLine()))
      .clone();
}

}  // namespace wanattn
