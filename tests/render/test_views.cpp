// The paper's views as grids, written to PNG and read back with OpenCV.
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/render/composite.h"
#include "core/render/inverse_query.h"
#include "core/render/output_file.h"
#include "core/render/png_export.h"
#include "core/render/render_error.h"
#include "core/render/views.h"
#include "render/render_fixture.h"
#include "support/temp_dir.h"
#include "catch_compat.h"

using namespace wanattn;
using namespace wanattn::render;

namespace {

// A cell is "drawn" when it is not the flat grey of a missing cell.
bool looks_missing(const cv::Mat& cell) {
  cv::Scalar mean, dev;
  cv::meanStdDev(cell, mean, dev);
  return std::abs(mean[0] - 200) < 12 && std::abs(mean[2] - 200) < 12 && dev[1] < 25;
}

void check_png_round_trip(const test::TempDir& dir, const View& v, const std::string& name) {
  const std::string path = dir.sub(name);
  write_png(path, v.grid.image);
  const cv::Mat back = cv::imread(path, cv::IMREAD_COLOR);
  REQUIRE(back.size() == v.grid.image.size());
  CHECK(cv::norm(back, v.grid.image, cv::NORM_INF) == 0);  // PNG is lossless
}

}  // namespace

TEST_CASE("grids place every cell inside the image without overlap", "[fast][render]") {
  GridSpec spec;
  spec.title = "title";
  spec.rows = 2;
  spec.cols = 3;
  spec.row_labels = {"step 0", "step 24"};
  spec.col_labels = {"a", "b", "c"};
  for (int i = 0; i < 6; ++i) spec.cells.push_back({cv::Mat(40, 60, CV_8UC3, cv::Scalar(0, 40.0 * i, 0)), false});
  spec.bar = ColourBar{Colormap::Inferno, {0.0f, 0.5f}, ""};
  const ComposedGrid g = compose_grid(spec);
  REQUIRE(g.cells.size() == 6);
  const cv::Rect all(0, 0, g.image.cols, g.image.rows);
  for (size_t i = 0; i < g.cells.size(); ++i) {
    CHECK((g.cells[i] & all) == g.cells[i]);
    CHECK(cv::norm(g.image(g.cells[i]), spec.cells[i].image, cv::NORM_INF) == 0);
    for (size_t j = i + 1; j < g.cells.size(); ++j) CHECK((g.cells[i] & g.cells[j]).area() == 0);
  }
  CHECK(g.cells[1].x > g.cells[0].x);  // row-major
  CHECK(g.cells[3].y > g.cells[0].y);
  CHECK(g.bar.x > g.cells[2].br().x);
  // The bar runs from the brightest colour at the top to the darkest at the bottom.
  const cv::Vec3b top = g.image.at<cv::Vec3b>(g.bar.y + 2, g.bar.x + g.bar.width / 2);
  const cv::Vec3b bottom = g.image.at<cv::Vec3b>(g.bar.br().y - 3, g.bar.x + g.bar.width / 2);
  CHECK(top[0] + top[1] + top[2] > bottom[0] + bottom[1] + bottom[2]);
  spec.cells.pop_back();
  CHECK_THROWS_AS(compose_grid(spec), RenderError);
}

TEST_CASE("every grid view of VIEWS.md renders with the expected cells", "[fast][render]") {
  test::TempDir dir("render-views");
  test::RenderFixture fx;
  fx.spec.steps = 3;
  fx.spec.blocks = 4;
  fx.spec.heads = 2;
  test::write_render_run(dir.sub("run"), fx);
  const RunReader run = RunReader::open(dir.sub("run"));
  const auto& m = run.manifest();
  const TokenSet circle = resolve_token(m, "circle", true);
  ViewOptions o;

  const View blocks = blocks_view(run, circle, {0, 1, 2}, {}, o);
  CHECK(blocks.grid.cells.size() == 3 * 4);
  CHECK(blocks.missing.empty());
  check_png_round_trip(dir, blocks, "blocks.png");

  const View bs = block_steps_view(run, circle, 1, {}, o);
  CHECK(bs.grid.cells.size() == 3 * 3);  // previews, first frame, last frame x 3 steps
  check_png_round_trip(dir, bs, "block_steps.png");

  const View hs = heads_steps_view(run, circle, 2, o);
  CHECK(hs.grid.cells.size() == 3 * 2);
  const View mean = mean_view(run, circle, o);
  CHECK(mean.grid.cells.size() == 3);
  const View tokens = tokens_view(run, resolve_tokens(m, {"red", "circle", "moves"}, true), {circle, {2}, {}, {}}, o);
  CHECK(tokens.grid.cells.size() == 3);
  const View one = token_view(run, {circle, {2}, {1}, {0}}, o);
  CHECK(one.grid.cells.size() == 1);
  CHECK(one.grid.cells[0].size() == cv::Size(m.width, m.height));
  const View comp = composite_view(run, resolve_tokens(m, {"red", "circle"}, true), {circle, {2}, {}, {}}, o);
  CHECK(comp.grid.cells.size() == 1);
  for (const View* v : {&hs, &mean, &tokens, &one, &comp})
    for (const auto& r : v->grid.cells) CHECK_FALSE(looks_missing(v->grid.image(r)));

  o.shared_range = false;
  o.cell_width = 64;
  const View small = blocks_view(run, circle, {2}, {1}, o);
  CHECK(small.grid.cells[0].width == 64);
  CHECK_THROWS_AS(blocks_view(run, circle, {7}, {}, o), RenderError);
  CHECK_THROWS_AS(heads_steps_view(run, circle, 9, o), RenderError);
  o.frame = m.frames;  // one past the last video frame
  CHECK_THROWS_WITH(token_view(run, {circle, {}, {}, {}}, o), ContainsSubstring("frame 9 is outside"));
  CHECK_THROWS_AS(composite_view(run, resolve_tokens(m, {"a", "red", "circle", "left"}, true), {circle, {}, {}, {}}, o),
                  RenderError);
}

TEST_CASE("a partial run renders what exists and crosses out the rest", "[fast][render]") {
  test::TempDir dir("render-partial-views");
  test::RenderFixture fx;
  fx.state = RunState::Cancelled;
  fx.keep = [](int step, int block) { return step < 2 && block != 1; };
  test::write_render_run(dir.str(), fx);
  const RunReader run = RunReader::open(dir.str());
  const TokenSet circle = resolve_token(run.manifest(), "circle", true);
  const View v = blocks_view(run, circle, {0, 2}, {}, ViewOptions{});
  REQUIRE(v.grid.cells.size() == 2 * 4);
  for (int b = 0; b < 4; ++b) {
    INFO("block " << b);
    CHECK(looks_missing(v.grid.image(v.grid.cells[size_t(b)])) == (b == 1));  // step 0 row
    CHECK(looks_missing(v.grid.image(v.grid.cells[size_t(4 + b)])));         // step 2 row: nothing written
  }
  CHECK(v.missing.size() == 1 + 4);
  CHECK_THROWS_AS(blocks_view(run, circle, {2}, {}, ViewOptions{}), RenderError);  // nothing to show at all
}

TEST_CASE("inverse query ranks the word whose blob is under the pixel first", "[fast][render]") {
  test::TempDir dir("render-query");
  test::RenderFixture fx;
  fx.spec.tokens = 5;
  fx.spec.width = 16;
  fx.spec.height = 10;
  test::write_render_run(dir.str(), fx);
  const RunReader run = RunReader::open(dir.str());
  for (int token : {0, 1, 2}) {
    const cv::Point2f c = test::blob_centre(fx.spec, 2, token, 0);
    const cv::Rect px(int(c.x * 16 + 8), int(c.y * 16 + 8), 1, 1);
    auto ranked = rank_words(run, {{}, {2}, {}, {}}, 0, px);
    REQUIRE(ranked.size() == 6);  // 4 words, EOS, padding
    std::erase_if(ranked, [](const WordScore& w) { return w.token.padding; });
    CHECK(ranked.front().token.tokens == std::vector<int>{token});
    CHECK(ranked.front().share > ranked[1].share);
  }
  CHECK_THROWS_AS(rank_words(run, {{}, {}, {}, {}}, 0, cv::Rect(5000, 5000, 4, 4)), RenderError);
}

TEST_CASE("PNG output: bad paths fail naming the path, a failed write keeps the old file", "[fast][render]") {
  test::TempDir dir("render-png");
  const cv::Mat img(20, 30, CV_8UC3, cv::Scalar(10, 200, 30));
  try {
    write_png(dir.sub("no/such/dir/x.png"), img);
    FAIL("must throw");
  } catch (const RenderError& e) {
    CHECK(e.kind() == RenderErrorKind::Output);
    CHECK_THAT(std::string(e.what()), ContainsSubstring("no/such/dir") && ContainsSubstring("does not exist"));
  }
  write_png(dir.sub("file"), img);
  CHECK_THROWS_WITH(write_png(dir.sub("file/x.png"), img), ContainsSubstring("not a directory"));
  CHECK_THROWS_WITH(write_png(dir.str(), img), ContainsSubstring("is a directory"));

  const std::string path = dir.sub("keep.png");
  write_png(path, img);
  render::testing::inject_output_failure(ENOSPC, 100);
  try {
    write_png(path, cv::Mat(200, 300, CV_8UC3, cv::Scalar(1, 2, 3)));
    FAIL("must throw");
  } catch (const RenderError& e) {
    CHECK_THAT(std::string(e.what()), ContainsSubstring("disk full") && ContainsSubstring(path));
  }
  render::testing::inject_output_failure(0, 0);
  CHECK(cv::norm(cv::imread(path), img, cv::NORM_INF) == 0);  // the earlier file is intact
  for (const auto& e : std::filesystem::directory_iterator(dir.str()))
    CHECK(e.path().filename().string().find(".part") == std::string::npos);
}
