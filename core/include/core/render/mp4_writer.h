// MP4 files through FFmpeg's libraries (libavformat/libavcodec/libswscale).
// Codec: H.264 (libx264) in yuv420p when the installed FFmpeg has it, else MPEG-4 Part 2
// (FFmpeg's built-in encoder, always present; larger files, plays everywhere too).
// The moov atom is moved to the front ("fast start") so players can start before the
// whole file is read. Written through OutputFile: a failed or cancelled export leaves no
// half file and an earlier file of the same name intact. One thread per writer.
#pragma once
#include <memory>
#include <opencv2/core.hpp>
#include <string>

namespace wanattn::render {

struct Mp4Options {
  int fps = 16;           // Wan2.1 generates 16 fps video
  int crf = 18;           // H.264 quality (0 best .. 51 worst); MPEG-4 uses an equivalent q-scale
  std::string codec;      // "" = H.264 if available, else MPEG-4; or "h264", "mpeg4" to insist
};

class Mp4Writer {
 public:
  // Opens the encoder and the temporary output. Odd sizes are padded to even (yuv420p
  // needs even sizes). Throws RenderError(Output / Encode) naming the path.
  Mp4Writer(const std::string& path, cv::Size size, const Mp4Options& options = {});
  ~Mp4Writer();  // without finish(): the temporary file is removed
  Mp4Writer(const Mp4Writer&) = delete;
  Mp4Writer& operator=(const Mp4Writer&) = delete;

  void add(const cv::Mat& bgr);  // CV_8UC3 of the size given at construction
  void finish();                 // flushes the encoder, writes the index, moves into place

  const std::string& codec_name() const;  // "libx264" or "mpeg4"
  int frames() const;
  cv::Size encoded_size() const;  // the size in the file (even)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether this FFmpeg build can encode H.264 (libx264).
bool have_h264_encoder();

}  // namespace wanattn::render
