#include "render/decode_mp4.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

namespace wanattn::test {
namespace {

void check(int ret, const std::string& what) {
  if (ret >= 0) return;
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(ret, buf, sizeof buf);
  throw std::runtime_error(what + ": " + buf);
}

// Top-level MP4 boxes in file order: is "moov" before "mdat"?
bool moov_before_mdat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint8_t head[8];
  while (in.read(reinterpret_cast<char*>(head), 8)) {
    uint64_t size = (uint64_t(head[0]) << 24) | (uint64_t(head[1]) << 16) | (uint64_t(head[2]) << 8) | head[3];
    const std::string type(reinterpret_cast<char*>(head + 4), 4);
    if (type == "moov") return true;
    if (type == "mdat") return false;
    if (size == 1) {
      uint8_t big[8];
      in.read(reinterpret_cast<char*>(big), 8);
      size = 0;
      for (uint8_t b : big) size = (size << 8) | b;
      in.seekg(std::streamoff(size - 16), std::ios::cur);
    } else {
      if (size < 8) return false;
      in.seekg(std::streamoff(size - 8), std::ios::cur);
    }
  }
  return false;
}

}  // namespace

DecodedVideo decode_mp4(const std::string& path) {
  DecodedVideo out;
  AVFormatContext* fmt = nullptr;
  check(avformat_open_input(&fmt, path.c_str(), nullptr, nullptr), "open " + path);
  struct Closer {
    AVFormatContext** f;
    ~Closer() { avformat_close_input(f); }
  } closer{&fmt};
  check(avformat_find_stream_info(fmt, nullptr), "stream info");
  const int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  check(si, "video stream");
  AVStream* st = fmt->streams[si];
  const AVCodec* dec = avcodec_find_decoder(st->codecpar->codec_id);
  if (!dec) throw std::runtime_error("no decoder");
  AVCodecContext* ctx = avcodec_alloc_context3(dec);
  avcodec_parameters_to_context(ctx, st->codecpar);
  check(avcodec_open2(ctx, dec, nullptr), "open decoder");
  out.codec = dec->name;
  out.fps = av_q2d(st->avg_frame_rate);
  out.width = ctx->width;
  out.height = ctx->height;
  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  SwsContext* sws = nullptr;
  auto receive = [&] {
    while (avcodec_receive_frame(ctx, frame) == 0) {
      sws = sws_getCachedContext(sws, frame->width, frame->height, AVPixelFormat(frame->format), frame->width,
                                 frame->height, AV_PIX_FMT_BGR24, SWS_BICUBIC, nullptr, nullptr, nullptr);
      cv::Mat bgr(frame->height, frame->width, CV_8UC3);
      uint8_t* dst[1] = {bgr.data};
      const int stride[1] = {int(bgr.step[0])};
      sws_scale(sws, frame->data, frame->linesize, 0, frame->height, dst, stride);
      out.frames.push_back(bgr);
    }
  };
  while (av_read_frame(fmt, pkt) >= 0) {
    if (pkt->stream_index == si) {
      avcodec_send_packet(ctx, pkt);
      receive();
    }
    av_packet_unref(pkt);
  }
  avcodec_send_packet(ctx, nullptr);
  receive();
  sws_freeContext(sws);
  av_frame_free(&frame);
  av_packet_free(&pkt);
  avcodec_free_context(&ctx);
  out.moov_first = moov_before_mdat(path);
  return out;
}

}  // namespace wanattn::test
