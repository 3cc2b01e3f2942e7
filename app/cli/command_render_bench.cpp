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
#include "core/half.h"
#include "core/render/overlay.h"
#include "core/render/views.h"
#include "core/run_writer.h"

namespace fs = std::filesystem;

namespace wanattn::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct RenderBenchArgs {
  std::string dir = "bench-render.tmp", run;
  int repeats = 30;
  bool keep = false;
};

// Two steps of a run at the reference shape, heads 2 (head_mean.npy stored, as with 12),
// 8 tokens; maps are moving blobs, frames a gradient.
void write_bench_run(const std::string& dir) {
  RunManifest m;
  m.prompt = "a cat with a ball";
  m.frames = 61;
  m.height = 480;
  m.width = 832;
  m.grid = {16, 30, 52};
  for (int t = 0; t < 8; ++t) m.tokens.push_back({100 + t, fmt::format("tok{}", t), -1, 0, 0});
  m.capture.steps = {0, 24};
  for (int b = 0; b < 30; ++b) m.capture.blocks.push_back(b);
  m.capture.heads = m.capture.model_heads = 2;
  m.capture.tokens = 8;
  m.capture.padding_mass = false;
  auto w = RunWriter::create(dir, m);
  const size_t L = size_t(m.grid.size());
  std::vector<uint16_t> slice(2 * 8 * L);
  for (int s = 0; s < 2; ++s)
    for (int b = 0; b < 30; ++b) {
      for (int h = 0; h < 2; ++h)
        for (int t = 0; t < 8; ++t)
          for (size_t i = 0; i < L; ++i) {
            const int x = int(i % 52), y = int(i / 52 % 30), f = int(i / (52 * 30));
            const float cx = float((5 * t + 3 * f + b) % 52), cy = float((4 * t + 7 * s) % 30);
            const float d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            slice[(size_t(h) * 8 + t) * L + i] = float_to_half(0.3f * std::exp(-d2 / 20.0f) / float(1 + h));
          }
      w->write_slice(s, b, slice.data());
    }
  std::vector<uint8_t> frames(size_t(61) * 480 * 832 * 3);
  for (size_t i = 0; i < frames.size(); ++i) frames[i] = uint8_t((i / 3 / 832 + i % 3 * 40) % 256);
  w->write_array("frames.npy", DType::U8, {61, 480, 832, 3}, frames.data());
  w->finish(RunState::Complete);
}

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
    write_bench_run(dir);
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
