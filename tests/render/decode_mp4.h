// Reads an MP4 back with libavformat/libavcodec, for checking what the exporters wrote.
#pragma once
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace wanattn::test {

struct DecodedVideo {
  std::vector<cv::Mat> frames;  // BGR
  double fps = 0.0;
  int width = 0, height = 0;
  std::string codec;            // decoder name: "h264", "mpeg4"
  bool moov_first = false;      // the index precedes the media data ("fast start")
};

// Throws std::runtime_error with FFmpeg's message when the file cannot be decoded.
DecodedVideo decode_mp4(const std::string& path);

}  // namespace wanattn::test
