#include "core/render/video_export.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/render/backdrops.h"
#include "core/render/output_file.h"
#include "core/render/overlay.h"
#include "core/render/render_error.h"
#include "text.h"

namespace wanattn::render {
namespace {

void report(const Progress& progress, double fraction, const std::string& path) {
  if (progress && !progress(fraction))
    throw RenderError(RenderErrorKind::Cancelled, fmt::format("export to '{}' was cancelled; nothing was written", path));
}

void caption(cv::Mat& img, const std::string& top, const std::string& bottom) {
  const double scale = img.cols >= 640 ? 0.6 : 0.4;
  text::draw_caption(img, top, {6, 6}, scale);
  const int h = text::size(bottom, scale).height;
  text::draw_caption(img, bottom, {6, img.rows - h - 12}, scale);
}

}  // namespace

VideoResult export_generated_mp4(const RunReader& run, const std::string& path, const Mp4Options& mp4,
                                 const Progress& progress) {
  const Backdrops video(run);
  if (!video.has_frames())
    throw RenderError(RenderErrorKind::MissingData,
                      fmt::format("run '{}' has no decoded video (frames.npy is missing; the run is {})", run.dir(),
                                  to_string(run.health())));
  Mp4Writer writer(path, video.video_size(), mp4);
  const int n = video.frame_count();
  cv::Mat img;
  for (int i = 0; i < n; ++i) {
    video.pick(Backdrop::Frame, 0, i, video.video_size(), img);
    writer.add(img);
    report(progress, double(i + 1) / n, path);
  }
  writer.finish();
  return {writer.frames(), writer.codec_name(), {}};
}

VideoResult export_overlay_mp4(const RunReader& run, const MapSelection& sel, const Look& look, const std::string& path,
                               const Mp4Options& mp4, bool captions, const Progress& progress) {
  check_output_path(path);  // before the map is computed: fail fast on a bad path
  const OverlayRenderer overlay(run, sel, look);
  Mp4Writer writer(path, overlay.size(), mp4);
  const int n = overlay.video_frames();
  const std::string what = describe(run.manifest(), sel);
  cv::Mat img;  // one buffer for every frame
  for (int i = 0; i < n; ++i) {
    overlay.render(i, img);
    if (captions) caption(img, what, fmt::format("frame {}/{}", i, n - 1));
    writer.add(img);
    report(progress, double(i + 1) / n, path);
  }
  writer.finish();
  return {writer.frames(), writer.codec_name(), overlay.map().missing};
}

VideoResult export_evolution_mp4(const RunReader& run, const TokenSet& token, const EvolutionOptions& evo,
                                 const Look& look, const std::string& path, const Mp4Options& mp4,
                                 const Progress& progress) {
  check_output_path(path);
  if (evo.frames_per_step < 1)
    throw RenderError(RenderErrorKind::BadSelection, fmt::format("frames per step must be at least 1, got {}", evo.frames_per_step));
  // The steps that have at least one written slice among the chosen blocks.
  std::vector<int> steps;
  VideoResult result;
  for (int s = 0; s < run.steps(); ++s) {
    bool any = false;
    for (int b = 0; b < run.blocks(); ++b) {
      const bool chosen = evo.blocks.empty() || std::count(evo.blocks.begin(), evo.blocks.end(), b);
      if (!chosen) continue;
      if (run.ready(s, b))
        any = true;
      else
        result.missing.push_back({s, b});
    }
    if (any) steps.push_back(s);
  }
  if (steps.empty())
    throw RenderError(RenderErrorKind::MissingData,
                      fmt::format("run '{}' has no written slice for '{}' yet", run.dir(), token.label));

  const Backdrops backdrops(run);
  const cv::Size size = backdrops.video_size();
  const int video_frames = backdrops.frame_count();
  if (evo.frame < 0 || evo.frame >= video_frames)
    throw RenderError(RenderErrorKind::BadSelection, fmt::format("frame {} is outside run '{}' (video frames 0..{})",
                                                                 evo.frame, run.dir(), video_frames - 1));
  Mp4Writer writer(path, size, mp4);
  const int total = int(steps.size()) * evo.frames_per_step + video_frames;
  int done = 0;
  const auto& m = run.manifest();
  for (int s : steps) {  // Phase 1: the diffusion steps at one frame.
    const OverlayRenderer overlay(run, {token, {s}, evo.blocks, evo.heads}, look, size);
    cv::Mat img = overlay.render(evo.frame);
    if (evo.captions)
      caption(img, fmt::format("'{}' while denoising", token.label),
              fmt::format("step {} of {} | frame {}", m.capture.steps[size_t(s)],
                          m.generation.value("steps", m.capture.steps.back() + 1) - 1, evo.frame));
    for (int k = 0; k < evo.frames_per_step; ++k) {
      writer.add(img);
      report(progress, double(++done) / total, path);
    }
  }
  // Phase 2: the final map across the video.
  const OverlayRenderer last(run, {token, {steps.back()}, evo.blocks, evo.heads}, look, size);
  cv::Mat img;
  for (int i = 0; i < video_frames; ++i) {
    last.render(i, img);
    if (evo.captions)
      caption(img, fmt::format("'{}' across the video", token.label),
              fmt::format("step {} | frame {}/{}", m.capture.steps[size_t(steps.back())], i, video_frames - 1));
    writer.add(img);
    report(progress, double(++done) / total, path);
  }
  writer.finish();
  result.frames = writer.frames();
  result.codec = writer.codec_name();
  return result;
}

}  // namespace wanattn::render
