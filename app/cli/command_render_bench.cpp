// `wanattn bench render`: the render layer's speed at the reference run's shape (480 x 832,
// 61 frames, a 16 x 30 x 52 latent grid, 30 blocks): one overlay frame, a token click
// (map from the store + overlay), and the 30-block grid. Medians over repeats; results go
// to docs/benchmarks.md by hand. Uses a run it writes itself (or --run an existing one).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "shared/bench_run.h"
#include "core/render/overlay.h"
#include "core/render/views.h"
#include "core/run_reader.h"

namespace fs = std::filesystem;

namespace wanattn::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct RenderBenchArgs {
  std::string dir = "bench-render.tmp", run;
  int repeats = 30;
  bool keep = false;
};

// "median X ms (best Y ms)": the best run shows the cost on an idle machine, the median
// what a busy one (a compile next to it) gives.
template <class F>
std::string median_ms(int repeats, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = Clock::now();
    f(i);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return fmt::format("median {:.2f} ms (best {:.2f} ms, {} runs)", ms[ms.size() / 2], ms.front(), ms.size());
}

void run_bench(const RenderBenchArgs& a) {
  std::string dir = a.run;
  if (dir.empty()) {
    dir = a.dir;
    fs::remove_all(dir);
    fmt::print("writing a reference-shape run to {} ...\n", dir);
    bench::write_bench_run(dir);
  }
  const RunReader run = RunReader::open(dir);
  const auto& m = run.manifest();
  const render::TokenSet token{m.tokens[1].piece, {1}, false, -1};
  const int frames = std::max(m.frames, 1);
  fmt::print("run: {} ({}x{}, {} frames, latent {}x{}x{}, {} steps x {} blocks x {} heads)\n", dir, m.width, m.height,
             m.frames, m.grid.frames, m.grid.height, m.grid.width, run.steps(), run.blocks(), run.heads());

  render::Look look;  // inferno, per map, bilinear, linear in time, over the frame, opacity 0.6
  const render::OverlayRenderer overlay(run, {token, {run.steps() - 1}, {run.blocks() / 2}, {}}, look);
  cv::Mat out;  // the viewer's frame buffer, reused
  const std::string frame_ms = median_ms(a.repeats, [&](int i) { overlay.render(i % frames, out); });
  fmt::print("overlay frame {}x{} (upsample, colormap, blend over the decoded frame): {}\n", overlay.size().width,
             overlay.size().height, frame_ms);
  const std::string fresh_ms = median_ms(a.repeats, [&](int i) { overlay.render(i % frames); });
  fmt::print("overlay frame into a new image each time: {}\n", fresh_ms);

  const std::string click_ms = median_ms(a.repeats, [&](int i) {
    const render::OverlayRenderer o(run, {token, {i % run.steps()}, {i % run.blocks()}, {}}, look);
    o.render(i % frames, out);
  });
  fmt::print("token click (head-mean map from the store + overlay frame): {}\n", click_ms);

  const std::string mean_ms = median_ms(std::max(a.repeats / 5, 3), [&](int i) {
    const render::OverlayRenderer o(run, {token, {}, {}, {}}, look);
    o.render(i % frames, out);
  });
  fmt::print("global mean map (every step, block, head) + overlay frame: {}\n", mean_ms);

  render::ViewOptions vo;
  const std::string grid_ms = median_ms(std::max(a.repeats / 3, 3), [&](int i) {
    render::blocks_view(run, token, {run.steps() - 1}, {}, vo);
  });
  const auto grid = render::blocks_view(run, token, {run.steps() - 1}, {}, vo);
  fmt::print("{}-block grid, one step ({}x{} image, {}-pixel cells, labels, colour bar): {}\n", run.blocks(),
             grid.grid.image.cols, grid.grid.image.rows, grid.grid.cells[0].width, grid_ms);
  if (a.run.empty() && !a.keep) fs::remove_all(dir);
}

}  // namespace

void add_render_bench(CLI::App& app) {
  auto* bench = app.get_subcommand("bench");
  auto* cmd = bench->add_subcommand("render", "Render speed: overlay frame, token click, 30-block grid");
  auto a = std::make_shared<RenderBenchArgs>();
  cmd->add_option("--dir", a->dir, "Where to write the temporary run")->capture_default_str();
  cmd->add_option("--run", a->run, "Benchmark an existing run instead");
  cmd->add_option("--repeats", a->repeats, "Repeats per measurement (median reported)")->capture_default_str();
  cmd->add_flag("--keep", a->keep, "Keep the temporary run");
  cmd->callback([a] { run_bench(*a); });
}

}  // namespace wanattn::cli
