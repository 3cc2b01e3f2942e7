#include "core/render/mp4_writer.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <mutex>
#include <opencv2/core.hpp>

#include "core/render/output_file.h"
#include "core/render/render_error.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace wanattn::render {
namespace {

std::string av_error(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

// The x264 banner and per-file statistics are noise on a CLI and in the studio's log.
void quiet_ffmpeg() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_ERROR); });
}

const AVCodec* pick_encoder(const std::string& wanted, const std::string& path) {
  if (wanted.empty() || wanted == "h264") {
    if (const AVCodec* c = avcodec_find_encoder_by_name("libx264")) return c;
    if (wanted == "h264")
      throw RenderError(RenderErrorKind::Encode,
                        fmt::format("cannot write '{}': this FFmpeg has no H.264 encoder (libx264); use --codec mpeg4", path));
  } else if (wanted != "mpeg4") {
    throw RenderError(RenderErrorKind::BadSelection, fmt::format("unknown codec '{}' (h264, mpeg4)", wanted));
  }
  if (const AVCodec* c = avcodec_find_encoder(AV_CODEC_ID_MPEG4)) return c;
  throw RenderError(RenderErrorKind::Encode, fmt::format("cannot write '{}': this FFmpeg has no MPEG-4 encoder", path));
}

}  // namespace

bool have_h264_encoder() { return avcodec_find_encoder_by_name("libx264") != nullptr; }

struct Mp4Writer::Impl {
  std::string path;
  OutputFile out;
  cv::Size size, encoded;
  int fps = 16;
  int count = 0;
  std::string codec;
  std::string io_error;  // set by the I/O callbacks, which cannot throw through FFmpeg
  AVFormatContext* fmt = nullptr;
  AVCodecContext* enc = nullptr;
  AVStream* stream = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* packet = nullptr;
  SwsContext* sws = nullptr;
  bool header_written = false, finished = false;

  explicit Impl(const std::string& p) : path(p), out(p) {}

  ~Impl() {
    sws_freeContext(sws);
    av_packet_free(&packet);
    av_frame_free(&frame);
    avcodec_free_context(&enc);
    if (fmt) {
      if (fmt->pb) {
        av_freep(&fmt->pb->buffer);
        avio_context_free(&fmt->pb);
      }
      avformat_free_context(fmt);
    }
  }

  // An FFmpeg return code -> exception; a write failure recorded by the callbacks wins,
  // since it says what really happened (disk full, ...).
  void check(int ret, const char* what) {
    if (ret >= 0) return;
    if (!io_error.empty()) throw RenderError(RenderErrorKind::Output, io_error);
    throw RenderError(RenderErrorKind::Encode, fmt::format("FFmpeg {} failed for '{}': {}", what, path, av_error(ret)));
  }

#if LIBAVFORMAT_VERSION_MAJOR >= 61
  static int write_cb(void* opaque, const uint8_t* buf, int size) {
#else
  static int write_cb(void* opaque, uint8_t* buf, int size) {
#endif
    auto* self = static_cast<Impl*>(opaque);
    try {
      self->out.write(buf, size_t(size));
      return size;
    } catch (const RenderError& e) {
      self->io_error = e.what();
      return AVERROR(EIO);
    }
  }

  static int64_t seek_cb(void* opaque, int64_t offset, int whence) {
    auto* self = static_cast<Impl*>(opaque);
    if (whence & AVSEEK_SIZE) {
      struct stat st {};
      return ::fstat(self->out.fd(), &st) == 0 ? int64_t(st.st_size) : AVERROR(errno);
    }
    const int64_t r = self->out.seek(offset, whence & ~AVSEEK_FORCE);
    return r < 0 ? AVERROR(int(-r)) : r;
  }

  void open(const Mp4Options& o) {
    quiet_ffmpeg();
    if (o.fps <= 0 || o.fps > 240)
      throw RenderError(RenderErrorKind::BadSelection, fmt::format("frame rate {} is outside 1..240", o.fps));
    if (size.width <= 0 || size.height <= 0)
      throw RenderError(RenderErrorKind::BadSelection, fmt::format("cannot encode {}x{} frames", size.width, size.height));
    fps = o.fps;
    encoded = cv::Size(size.width + size.width % 2, size.height + size.height % 2);
    const AVCodec* c = pick_encoder(o.codec, path);
    codec = c->name;

    check(avformat_alloc_output_context2(&fmt, nullptr, "mp4", nullptr), "allocating the MP4 muxer");
    // Our own I/O on the temporary file; the muxer re-opens the file by its name (url) for
    // the fast-start pass, which reads back what we wrote.
    constexpr int kBuffer = 1 << 16;
    auto* buffer = static_cast<unsigned char*>(av_malloc(kBuffer));
    fmt->pb = avio_alloc_context(buffer, kBuffer, 1, this, nullptr, &write_cb, &seek_cb);
    if (!fmt->pb) throw RenderError(RenderErrorKind::Encode, "FFmpeg could not allocate an I/O context");
    fmt->url = av_strdup(out.temp_path().c_str());

    stream = avformat_new_stream(fmt, nullptr);
    enc = avcodec_alloc_context3(c);
    if (!stream || !enc) throw RenderError(RenderErrorKind::Encode, "FFmpeg could not allocate the encoder");
    enc->width = encoded.width;
    enc->height = encoded.height;
    enc->pix_fmt = AV_PIX_FMT_YUV420P;
    enc->time_base = AVRational{1, fps};
    enc->framerate = AVRational{fps, 1};
    enc->gop_size = fps * 2;
    enc->color_range = AVCOL_RANGE_MPEG;
    enc->colorspace = AVCOL_SPC_SMPTE170M;  // what swscale's default coefficients produce (BT.601)
    enc->color_primaries = AVCOL_PRI_SMPTE170M;
    enc->color_trc = AVCOL_TRC_SMPTE170M;
    if (fmt->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary* opts = nullptr;
    if (codec == "libx264") {
      av_dict_set(&opts, "preset", "medium", 0);
      av_dict_set_int(&opts, "crf", o.crf, 0);
    } else {
      // MPEG-4 has no CRF: a fixed quantiser, from CRF 18 -> q 3 (fine) up to 51 -> q 31.
      enc->flags |= AV_CODEC_FLAG_QSCALE;
      enc->global_quality = FF_QP2LAMBDA * std::clamp(2 + (o.crf - 14) / 4, 2, 31);
    }
    const int ret = avcodec_open2(enc, c, &opts);
    av_dict_free(&opts);
    check(ret, "opening the encoder");
    check(avcodec_parameters_from_context(stream->codecpar, enc), "copying the encoder parameters");
    stream->time_base = enc->time_base;
    stream->avg_frame_rate = enc->framerate;

    AVDictionary* mux = nullptr;
    av_dict_set(&mux, "movflags", "+faststart", 0);
    const int hr = avformat_write_header(fmt, &mux);
    av_dict_free(&mux);
    check(hr, "writing the MP4 header");
    header_written = true;

    frame = av_frame_alloc();
    packet = av_packet_alloc();
    frame->format = enc->pix_fmt;
    frame->width = encoded.width;
    frame->height = encoded.height;
    check(av_frame_get_buffer(frame, 0), "allocating a frame");
    sws = sws_getContext(encoded.width, encoded.height, AV_PIX_FMT_BGR24, encoded.width, encoded.height,
                         AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr);
    if (!sws) throw RenderError(RenderErrorKind::Encode, "FFmpeg could not set up the BGR -> YUV conversion");
  }

  void drain() {
    for (;;) {
      const int r = avcodec_receive_packet(enc, packet);
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      check(r, "encoding");
      av_packet_rescale_ts(packet, enc->time_base, stream->time_base);
      packet->stream_index = stream->index;
      check(av_interleaved_write_frame(fmt, packet), "writing a packet");
    }
  }

  void add(const cv::Mat& bgr) {
    if (finished) throw RenderError(RenderErrorKind::Encode, fmt::format("'{}' is already finished", path));
    if (bgr.type() != CV_8UC3 || bgr.size() != size)
      throw RenderError(RenderErrorKind::Encode,
                        fmt::format("frame {} for '{}' is {}x{} (type {}), the video is {}x{} BGR", count, path, bgr.cols,
                                    bgr.rows, bgr.type(), size.width, size.height));
    cv::Mat src = bgr;
    if (encoded != size)
      cv::copyMakeBorder(bgr, src, 0, encoded.height - size.height, 0, encoded.width - size.width, cv::BORDER_REPLICATE);
    if (!src.isContinuous()) src = src.clone();
    check(av_frame_make_writable(frame), "preparing a frame");
    const uint8_t* planes[1] = {src.data};
    const int strides[1] = {int(src.step[0])};
    sws_scale(sws, planes, strides, 0, encoded.height, frame->data, frame->linesize);
    frame->pts = count++;
    check(avcodec_send_frame(enc, frame), "sending a frame to the encoder");
    drain();
  }

  void finish() {
    check(avcodec_send_frame(enc, nullptr), "flushing the encoder");
    drain();
    check(av_write_trailer(fmt), "writing the MP4 index");
    avio_flush(fmt->pb);
    if (!io_error.empty() || fmt->pb->error < 0) check(fmt->pb->error < 0 ? fmt->pb->error : AVERROR(EIO), "writing");
    finished = true;
    out.commit();
  }
};

Mp4Writer::Mp4Writer(const std::string& path, cv::Size size, const Mp4Options& options)
    : impl_(std::make_unique<Impl>(path)) {
  impl_->size = size;
  impl_->open(options);
}

Mp4Writer::~Mp4Writer() = default;

void Mp4Writer::add(const cv::Mat& bgr) { impl_->add(bgr); }
void Mp4Writer::finish() { impl_->finish(); }
const std::string& Mp4Writer::codec_name() const { return impl_->codec; }
int Mp4Writer::frames() const { return impl_->count; }
cv::Size Mp4Writer::encoded_size() const { return impl_->encoded; }

}  // namespace wanattn::render
