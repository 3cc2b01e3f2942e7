// PNG files of any view or grid (OpenCV's encoder, lossless), written through OutputFile:
// an earlier file of the same name survives a failure.
#pragma once
#include <opencv2/core.hpp>
#include <string>

namespace wanattn::render {

// `image` BGR (CV_8UC3) or grey (CV_8UC1). Throws RenderError(Output) naming the path.
void write_png(const std::string& path, const cv::Mat& image);

}  // namespace wanattn::render
