// Normalisation ranges, colormaps, and the golden check: after temporal mapping and
// upsampling the overlay's peak lands where the synthetic blob is.
#include <opencv2/imgproc.hpp>

#include "core/render/colormap.h"
#include "core/render/heatmap.h"
#include "core/render/overlay.h"
#include "core/render/render_error.h"
#include "render/render_fixture.h"
#include "support/temp_dir.h"
#include "catch_compat.h"

using namespace wanattn;
using namespace wanattn::render;

namespace {

struct Fixture {
  test::TempDir dir{"render-heat"};
  test::SyntheticSpec spec;
  Fixture() {
    spec.width = 12;
    spec.height = 9;
    spec.frames = 4;
    test::write_render_run(dir.str(), {spec});
  }
  RunReader run() const { return RunReader::open(dir.str()); }
};

// Centroid of the brightest pixels (with nearest upsampling the maximum is a whole cell).
cv::Point2f peak(const cv::Mat& unit) {
  double hi = 0;
  cv::minMaxLoc(unit, nullptr, &hi);
  const cv::Mat top = unit >= hi - 2;
  const cv::Moments mo = cv::moments(top, true);
  return {float(mo.m10 / mo.m00), float(mo.m01 / mo.m00)};
}

}  // namespace

TEST_CASE("normalisation modes give their documented ranges", "[fast][render]") {
  const std::vector<float> v = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 5.0f};
  const ValueRange map = value_range(v.data(), v.size(), {NormMode::PerMap});
  CHECK(map.lo == 0.1f);
  CHECK(map.hi == 5.0f);
  const ValueRange clip = value_range(v.data(), v.size(), {NormMode::Percentile, 10, 90});
  CHECK(clip.lo == 0.2f);
  CHECK(clip.hi == 0.9f);  // the outlier is clipped
  CHECK(value_range(v.data(), v.size(), {NormMode::Absolute}).lo == 0.0f);
  CHECK(value_range(v.data(), v.size(), {NormMode::Absolute}).hi == 5.0f);
  CHECK(value_range(v.data(), v.size(), {NormMode::Absolute, 1, 99, 0.25f}).hi == 0.25f);
  CHECK_THROWS_AS(value_range(v.data(), v.size(), {NormMode::Percentile, 90, 10}), RenderError);
  CHECK(norm_mode_from_string("percentile") == NormMode::Percentile);
  CHECK_THROWS_AS(norm_mode_from_string("loud"), RenderError);

  Fixture fx;
  const RunReader run = fx.run();
  const MapSelection sel{resolve_token(run.manifest(), "circle", true), {1}, {2}, {}};
  const LatentMap m = compute_map(run, sel);
  const cv::Size size(fx.spec.width * 16, fx.spec.height * 16);
  Look look;
  look.upsample = Upsample::Nearest;  // nearest keeps the exact extremes
  look.temporal = TemporalMode::Nearest;
  SECTION("per map spans the map's full range over its frames: 0 and 255 both occur") {
    const auto [mn, mx] = std::minmax_element(m.values.begin(), m.values.end());
    double lowest = 255, highest = 0;
    for (int f = 0; f < fx.spec.frames; ++f) {
      const Heatmap h = render_heatmap(m, first_frame_of(f), size, look);
      CHECK(h.range.lo == *mn);
      CHECK(h.range.hi == *mx);
      double lo = 0, hi = 0;
      cv::minMaxLoc(h.unit, &lo, &hi);
      lowest = std::min(lowest, lo);
      highest = std::max(highest, hi);
    }
    CHECK(lowest == 0);
    CHECK(highest == 255);
  }
  SECTION("per frame: every frame reaches 255") {
    look.norm.mode = NormMode::PerFrame;
    for (int frame : {0, 5, 12}) {
      double hi = 0;
      cv::minMaxLoc(render_heatmap(m, frame, size, look).unit, nullptr, &hi);
      CHECK(hi == 255);
    }
  }
  SECTION("per token spans every slice of the token: no slice exceeds it") {
    const ValueRange r = token_range(run, sel);
    for (int s = 0; s < run.steps(); ++s)
      for (int b = 0; b < run.blocks(); ++b) {
        const LatentMap one = compute_map(run, {sel.token, {s}, {b}, {}});
        const auto [mn, mx] = std::minmax_element(one.values.begin(), one.values.end());
        CHECK(*mn >= r.lo);
        CHECK(*mx <= r.hi);
      }
    look.norm.mode = NormMode::PerToken;
    const OverlayRenderer o(run, sel, look);
    CHECK(o.range(0).hi == r.hi);
  }
  SECTION("absolute with vmax above the data never reaches 255") {
    look.norm = {NormMode::Absolute, 1, 99, 10.0f};
    double hi = 0;
    cv::minMaxLoc(render_heatmap(m, 0, size, look).unit, nullptr, &hi);
    CHECK(hi < 255 * 0.1);
  }
}

TEST_CASE("the overlay's peak lands on the blob after upsampling and temporal mapping", "[fast][render]") {
  Fixture fx;
  const RunReader run = fx.run();
  const cv::Size size(fx.spec.width * 16, fx.spec.height * 16);
  for (int token : {0, 2}) {
    for (int step : {0, 2}) {
      const MapSelection sel{resolve_token(run.manifest(), "#" + std::to_string(token), true), {step}, {1}, {0}};
      const LatentMap m = compute_map(run, sel);
      for (auto up : {Upsample::Nearest, Upsample::Bilinear, Upsample::Bicubic}) {
        Look look;
        look.upsample = up;
        look.temporal = TemporalMode::Nearest;
        for (int frame : {0, 1, 4, 5, 9, 12}) {
          const int f = frame == 0 ? 0 : (frame + 3) / 4;
          const cv::Point2f c = test::blob_centre(fx.spec, step, token, f);
          // The blob's centre cell covers pixels [16 cx, 16 cx + 16); its middle is 16 cx + 8.
          const cv::Point2f expect(c.x * 16 + 8, c.y * 16 + 8);
          const cv::Point2f got = peak(render_heatmap(m, frame, size, look).unit);
          INFO("token " << token << " step " << step << " frame " << frame << " upsample " << to_string(up));
          CHECK(std::abs(got.x - expect.x) <= 10);  // within the blob's cell
          CHECK(std::abs(got.y - expect.y) <= 10);
        }
      }
    }
  }
  // The hover readout: the value of the cell under a pixel.
  {
    const MapSelection one{resolve_token(run.manifest(), "#2", true), {1}, {3}, {1}};
    const LatentMap m = compute_map(run, one);
    CHECK(value_at(m, 5, {5 * 16 + 3, 4 * 16 + 15}, size, TemporalMode::Nearest) == m.frame(2)[4 * fx.spec.width + 5]);
    CHECK(std::isnan(value_at(m, 5, {-1, 0}, size, TemporalMode::Nearest)));
  }
  // Linear in time: between two latent frames the peak lies between their blobs.
  const MapSelection sel{resolve_token(run.manifest(), "#0", true), {0}, {0}, {0}};
  const LatentMap m = compute_map(run, sel);
  Look look;
  look.temporal = TemporalMode::Linear;
  look.norm.mode = NormMode::PerFrame;
  const float a = test::blob_centre(fx.spec, 0, 0, 1).x * 16 + 8, b = test::blob_centre(fx.spec, 0, 0, 2).x * 16 + 8;
  const cv::Mat unit = render_heatmap(m, 4, size, look).unit;  // between centres 2.5 and 6.5
  cv::Mat row;
  cv::reduce(unit, row, 0, cv::REDUCE_MAX);
  cv::Point at;
  cv::minMaxLoc(row, nullptr, nullptr, nullptr, &at);
  CHECK(at.x >= std::min(a, b) - 8);
  CHECK(at.x <= std::max(a, b) + 8);
}

TEST_CASE("colormaps: names round-trip, inferno runs dark to bright, gray is grey", "[fast][render]") {
  for (auto c : {Colormap::Inferno, Colormap::Magma, Colormap::Viridis, Colormap::Turbo, Colormap::Jet, Colormap::Gray})
    CHECK(colormap_from_string(to_string(c)) == c);
  CHECK_THROWS_AS(colormap_from_string("rainbow"), RenderError);
  const auto dark = colormap_color(Colormap::Inferno, 0), bright = colormap_color(Colormap::Inferno, 255);
  CHECK(dark[0] + dark[1] + dark[2] < 60);
  CHECK(bright[0] + bright[1] + bright[2] > 500);
  CHECK(colormap_color(Colormap::Gray, 128) == cv::Vec3b(128, 128, 128));
}

TEST_CASE("overlays blend with the opacity, and fade-low keeps quiet regions as the frame", "[fast][render]") {
  Fixture fx;
  const RunReader run = fx.run();
  const MapSelection sel{resolve_token(run.manifest(), "circle", true), {2}, {}, {}};
  Look look;
  look.opacity = 0.0f;
  const OverlayRenderer clear(run, sel, look);
  const cv::Mat frame = test::fixture_frame(fx.spec, 3);
  CHECK(cv::norm(clear.render(3), frame, cv::NORM_INF) <= 1);
  look.opacity = 1.0f;
  const OverlayRenderer full(run, sel, look);
  CHECK(cv::norm(full.render(3), full.heatmap(3).colour, cv::NORM_INF) <= 1);
  look.fade_low = true;
  const OverlayRenderer fade(run, sel, look);
  const Heatmap h = fade.heatmap(3);
  cv::Point lo;
  cv::minMaxLoc(h.unit, nullptr, nullptr, &lo, nullptr);
  const cv::Mat out = fade.render(3);
  CHECK(cv::norm(out.at<cv::Vec3b>(lo), frame.at<cv::Vec3b>(lo), cv::NORM_INF) <= 2);
  // Without frames.npy the step's preview is the backdrop.
  test::TempDir nf("render-noframes");
  test::RenderFixture no_frames{fx.spec};
  no_frames.frames = false;
  test::write_render_run(nf.str(), no_frames);
  const RunReader run2 = RunReader::open(nf.str());
  look = Look{};
  look.opacity = 0.0f;
  const OverlayRenderer prev(run2, {sel.token, {1}, {}, {}}, look);
  CHECK(prev.size() == cv::Size(fx.spec.width * 16, fx.spec.height * 16));
  CHECK(cv::norm(prev.render(0), cv::NORM_L1) > 0);
}
