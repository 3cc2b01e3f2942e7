#include "core/render/png_export.h"

#include <fmt/format.h>

#include <opencv2/imgcodecs.hpp>
#include <vector>

#include "core/render/output_file.h"
#include "core/render/render_error.h"

namespace wanattn::render {

void write_png(const std::string& path, const cv::Mat& image) {
  if (image.empty()) throw RenderError(RenderErrorKind::Output, fmt::format("nothing to write to '{}' (empty image)", path));
  OutputFile out(path);
  // Encode in memory, then write ourselves: imwrite reports a failure as one bool, and a
  // disk-full error must name itself and leave the earlier file alone.
  std::vector<uchar> bytes;
  if (!cv::imencode(".png", image, bytes, {cv::IMWRITE_PNG_COMPRESSION, 3}))
    throw RenderError(RenderErrorKind::Encode, fmt::format("OpenCV could not encode the PNG for '{}'", path));
  out.write(bytes.data(), bytes.size());
  out.commit();
}

}  // namespace wanattn::render
