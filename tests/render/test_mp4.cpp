// MP4 exports, decoded back with libavformat/libavcodec: frame count, size, frame rate,
// fast start and content; failures (cancel, disk full, bad path) leave no half file.
#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>

#include "core/render/output_file.h"
#include "core/render/render_error.h"
#include "core/render/video_export.h"
#include "render/decode_mp4.h"
#include "render/render_fixture.h"
#include "support/temp_dir.h"
#include "catch_compat.h"

using namespace wanattn;
using namespace wanattn::render;
namespace fs = std::filesystem;

namespace {

// Smooth synthetic frames (codecs keep them well): a colour that changes with i, and a bar.
cv::Mat pattern(cv::Size size, int i) {
  cv::Mat img(size, CV_8UC3, cv::Scalar(20 + 9 * i, 200 - 7 * i, 90));
  cv::rectangle(img, cv::Rect(size.width / 4, size.height / 4, size.width / 2, size.height / 4), cv::Scalar(240, 240, 240),
                cv::FILLED);
  return img;
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  const cv::Scalar m = cv::mean(d);
  return (m[0] + m[1] + m[2]) / 3;
}

bool no_part_files(const std::string& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".part") != std::string::npos) return false;
  return true;
}

}  // namespace

TEST_CASE("Mp4Writer: frames, size, fps and pixels survive a round trip", "[fast][render][mp4]") {
  test::TempDir dir("render-mp4");
  const std::vector<std::string> codecs = have_h264_encoder() ? std::vector<std::string>{"h264", "mpeg4"}
                                                              : std::vector<std::string>{"mpeg4"};
  for (const auto& codec : codecs) {
    INFO("codec " << codec);
    const std::string path = dir.sub(codec + ".mp4");
    const cv::Size size(160, 96);
    Mp4Writer w(path, size, {12, 18, codec});
    for (int i = 0; i < 10; ++i) w.add(pattern(size, i));
    w.finish();
    CHECK(w.frames() == 10);
    const auto v = test::decode_mp4(path);
    CHECK(v.codec == (codec == "h264" ? "h264" : "mpeg4"));
    CHECK(v.frames.size() == 10);
    CHECK(v.width == 160);
    CHECK(v.height == 96);
    CHECK(v.fps == Approx(12));
    CHECK(v.moov_first);
    for (int i = 0; i < 10; ++i) CHECK(mean_abs_diff(v.frames[size_t(i)], pattern(size, i)) < 6);
  }
  // Odd sizes are padded to even for yuv420p.
  Mp4Writer odd(dir.sub("odd.mp4"), {33, 21}, {});
  odd.add(pattern({33, 21}, 0));
  odd.finish();
  CHECK(test::decode_mp4(dir.sub("odd.mp4")).width == 34);
  CHECK_THROWS_AS(Mp4Writer(dir.sub("x.mp4"), {32, 32}, {16, 18, "vp9"}), RenderError);
  Mp4Writer wrong(dir.sub("wrong.mp4"), {32, 32}, {});
  CHECK_THROWS_AS(wrong.add(pattern({64, 32}, 0)), RenderError);
}

TEST_CASE("the generated, overlay and evolution videos of a run", "[fast][render][mp4]") {
  test::TempDir dir("render-videos");
  test::RenderFixture fx;
  fx.spec.frames = 3;  // 9 video frames
  fx.spec.steps = 3;
  test::write_render_run(dir.sub("run"), fx);
  const RunReader run = RunReader::open(dir.sub("run"));
  const auto& m = run.manifest();

  std::vector<double> seen;
  const auto gen = export_generated_mp4(run, dir.sub("video.mp4"), {}, [&](double f) {
    seen.push_back(f);
    return true;
  });
  CHECK(gen.frames == m.frames);
  CHECK(seen.back() == Approx(1.0));
  const auto video = test::decode_mp4(dir.sub("video.mp4"));
  REQUIRE(video.frames.size() == size_t(m.frames));
  CHECK(video.fps == Approx(16));
  CHECK(video.width == m.width);
  for (int i = 0; i < m.frames; ++i) CHECK(mean_abs_diff(video.frames[size_t(i)], test::fixture_frame(fx.spec, i)) < 8);

  const TokenSet circle = resolve_token(m, "circle", true);
  Look look;
  look.opacity = 1.0f;
  look.backdrop = Backdrop::None;
  const auto ov = export_overlay_mp4(run, {circle, {2}, {}, {}}, look, dir.sub("overlay.mp4"), {}, false);
  const auto overlay = test::decode_mp4(dir.sub("overlay.mp4"));
  REQUIRE(overlay.frames.size() == size_t(m.frames));
  CHECK(ov.missing.empty());
  // The brightest spot of each decoded frame follows the blob.
  for (int i : {0, 4, 8}) {
    cv::Mat grey;
    cv::cvtColor(overlay.frames[size_t(i)], grey, cv::COLOR_BGR2GRAY);
    cv::GaussianBlur(grey, grey, {9, 9}, 0);
    cv::Point at;
    cv::minMaxLoc(grey, nullptr, nullptr, nullptr, &at);
    const cv::Point2f c = test::blob_centre(fx.spec, 2, 2, i == 0 ? 0 : (i + 3) / 4);
    CHECK(std::abs(at.x - (c.x * 16 + 8)) <= 20);
    CHECK(std::abs(at.y - (c.y * 16 + 8)) <= 20);
  }

  EvolutionOptions evo;
  evo.frames_per_step = 2;
  const auto ev = export_evolution_mp4(run, circle, evo, Look{}, dir.sub("evolution.mp4"), {8, 18, ""});
  const auto evolution = test::decode_mp4(dir.sub("evolution.mp4"));
  CHECK(ev.frames == 3 * 2 + m.frames);
  CHECK(evolution.frames.size() == size_t(3 * 2 + m.frames));
  CHECK(evolution.fps == Approx(8));
  CHECK(no_part_files(dir.str()));
}

TEST_CASE("video exports fail cleanly: cancel, disk full, bad path, no video, partial run", "[fast][render][mp4]") {
  test::TempDir dir("render-video-errors");
  test::RenderFixture fx;
  test::write_render_run(dir.sub("run"), fx);
  const RunReader run = RunReader::open(dir.sub("run"));
  const TokenSet circle = resolve_token(run.manifest(), "circle", true);
  const std::string out = dir.sub("keep.mp4");
  { std::ofstream(out) << "an earlier export"; }
  const auto earlier_is_intact = [&] {
    std::ifstream in(out);
    std::string s;
    std::getline(in, s);
    return s == "an earlier export";
  };

  int calls = 0;
  try {
    export_overlay_mp4(run, {circle, {}, {}, {}}, Look{}, out, {}, true, [&](double) { return ++calls < 3; });
    FAIL("cancel must throw");
  } catch (const RenderError& e) {
    CHECK(e.kind() == RenderErrorKind::Cancelled);
  }
  CHECK(earlier_is_intact());
  CHECK(no_part_files(dir.str()));

  render::testing::inject_output_failure(ENOSPC, 2000);
  try {
    export_generated_mp4(run, out, {});
    FAIL("disk full must throw");
  } catch (const RenderError& e) {
    CHECK(e.kind() == RenderErrorKind::Output);
    CHECK_THAT(std::string(e.what()), ContainsSubstring("disk full") && ContainsSubstring(out));
  }
  render::testing::inject_output_failure(0, 0);
  CHECK(earlier_is_intact());
  CHECK(no_part_files(dir.str()));

  CHECK_THROWS_WITH(export_generated_mp4(run, dir.sub("missing/x.mp4"), {}), ContainsSubstring("does not exist"));

  test::RenderFixture partial;
  partial.frames = false;
  partial.state = RunState::Cancelled;
  partial.keep = [](int step, int) { return step == 0; };
  test::write_render_run(dir.sub("partial"), partial);
  const RunReader p = RunReader::open(dir.sub("partial"));
  CHECK_THROWS_WITH(export_generated_mp4(p, dir.sub("none.mp4"), {}), ContainsSubstring("frames.npy"));
  // The overlay of a step that exists renders (over the previews); a missing step names itself.
  const auto ok = export_overlay_mp4(p, {circle, {0}, {}, {}}, Look{}, dir.sub("p.mp4"), {}, true);
  CHECK(ok.frames == p.manifest().frames);
  CHECK_THROWS_WITH(export_overlay_mp4(p, {circle, {1}, {}, {}}, Look{}, dir.sub("q.mp4"), {}, true),
                    ContainsSubstring("step 2 block 0"));
  const auto ev = export_evolution_mp4(p, circle, {}, Look{}, dir.sub("e.mp4"), {});
  CHECK(ev.frames == 1 * 4 + p.manifest().frames);
  CHECK(ev.missing.size() == size_t(2 * fx.spec.blocks));
}
