#include "demo_evaluation.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <tuple>

#include "core/half.h"
#include "core/run_reader.h"
#include "model/demo_detector.h"
#include "model/demo_scene.h"
#include "model/wan_pipeline.h"

namespace fs = std::filesystem;

namespace wanattn::train {
namespace {

// A word's map, head mean, mean over blocks [b0, b1) and the last third of the steps: [F', h, w].
std::vector<float> word_map(const RunReader& run, int token, int b0, int b1) {
  const int S = run.steps();
  const LatentGrid g = run.grid();
  std::vector<float> acc(size_t(g.size()), 0.0f);
  int n = 0;
  for (int s = 2 * S / 3; s < S; ++s)
    for (int b = b0; b < b1; ++b, ++n) {
      const MapView v = run.head_mean(s, b, token);
      accumulate_halves(v.data, acc.data(), v.size());
    }
  for (float& x : acc) x /= float(std::max(1, n));
  return acc;
}

// The shape word's map as the tests take it: the middle third of the blocks.
std::vector<float> shape_map(const RunReader& run, int token) {
  const int B = run.blocks();
  return word_map(run, token, B / 3, std::max(B / 3 + 1, 2 * B / 3));
}

int token_of(const RunReader& run, const char* piece) {
  for (size_t t = 0; t < run.manifest().tokens.size(); ++t)
    if (run.manifest().tokens[t].piece == piece) return int(t);
  return -1;
}

// Bilinear (half-pixel centres) value of latent map frame `lf` at pixel (x, y).
float sample(const std::vector<float>& m, const LatentGrid& g, int lf, double x, double y, int H, int W) {
  const double u = std::clamp((x + 0.5) * g.width / W - 0.5, 0.0, g.width - 1.0);
  const double v = std::clamp((y + 0.5) * g.height / H - 0.5, 0.0, g.height - 1.0);
  const int x0 = int(u), y0 = int(v), x1 = std::min(x0 + 1, g.width - 1), y1 = std::min(y0 + 1, g.height - 1);
  const double fx = u - x0, fy = v - y0;
  auto at = [&](int yy, int xx) { return m[size_t((lf * g.height + yy) * g.width + xx)]; };
  return float((1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) + fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1)));
}

int latent_of(int frame, int latent_frames) { return frame <= 0 ? 0 : std::min((frame + 3) / 4, latent_frames - 1); }

// In how many of the frames where the object was found the map's (bilinear) peak lies in its
// mask: {inside, frames}.
std::pair<int, int> peaks_inside(const std::vector<float>& map, const LatentGrid& g, const demo::TrackedObject& obj, int H, int W) {
  int in = 0, n = 0;
  for (size_t f = 0; f < obj.frames.size(); ++f) {
    const auto& fo = obj.frames[f];
    if (!fo.found) continue;
    int best = 0;
    float best_v = -1;
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const float v = sample(map, g, latent_of(int(f), g.frames), x, y, H, W);
        if (v > best_v) best_v = v, best = y * W + x;
      }
    in += fo.mask[size_t(best)];
    ++n;
  }
  return {in, n};
}

}  // namespace

nlohmann::json evaluate_demo(const EvalOptions& o, std::ostream& log) {
  PipelineOptions po;
  po.device = o.device;
  WanPipeline pipeline(find_wan_model_folder(o.model_dir), po);
  fs::remove_all(o.work_dir);
  fs::create_directories(o.work_dir);
  nlohmann::json out;
  out["prompts"] = nlohmann::json::array();
  int followed = 0, inside = 0, checked = 0, followed_h = 0, inside_h = 0, checked_h = 0;
  // {inside, frames} of the shape word in block b alone, then in all blocks, then the colour word in all blocks.
  std::vector<std::pair<int, int>> by_block;
  std::vector<std::vector<uint8_t>> rows;  // picture sheet rows
  int H = 0, W = 0;
  for (size_t i = 0; i < o.prompts.size(); ++i) {
    const std::string& prompt = o.prompts[i];
    const demo::ObjectSpec want = demo::parse_caption(prompt).front();
    // The detector finds objects by colour, and the map's token is the shape word beside it.
    if (!want.colour_named) throw std::invalid_argument(fmt::format("evaluation prompt '{}': name the first object's colour", prompt));
    GenerateRequest rq;
    rq.prompt = prompt;
    rq.seed = o.seed + i;
    rq.steps = o.steps;
    rq.guidance = o.guidance;
    rq.shift = o.shift;
    rq.width = pipeline.defaults().width;
    rq.height = pipeline.defaults().height;
    rq.frames = pipeline.defaults().frames;
    rq.capture = parse_capture_spec("heads=mean padding=no");
    rq.out_dir = (fs::path(o.work_dir) / fmt::format("run{}", i)).string();
    const GenerateResult res = pipeline.generate(rq);
    const at::Tensor& fr = res.frames;  // [F, H, W, 3]
    const int F = int(fr.size(0));
    H = int(fr.size(1));
    W = int(fr.size(2));
    const auto objects = demo::detect_objects(fr.data_ptr<uint8_t>(), F, H, W);
    const demo::TrackedObject* obj = demo::find_colour(objects, want.colour);
    const bool shape_ok = obj != nullptr && obj->shape == want.shape;
    const bool motion_ok = shape_ok && obj->motion && *obj->motion == want.motion;
    followed += motion_ok;

    // Attention of the shape word (the tests' measure), and where else it and the colour word
    // peak: block by block, and over all blocks (which blocks carry the localising maps).
    const RunReader run = RunReader::open(rq.out_dir);
    const int token = token_of(run, demo::name(want.shape)), colour_token = token_of(run, demo::name(want.colour));
    const LatentGrid g = run.grid();
    int in = 0, n = 0;
    std::vector<float> map;
    if (token >= 0) map = shape_map(run, token);
    if (obj != nullptr && token >= 0) {
      std::tie(in, n) = peaks_inside(map, g, *obj, H, W);
      const int B = run.blocks();
      if (by_block.empty()) by_block.assign(size_t(B) + 2, {0, 0});
      if (by_block.size() != size_t(B) + 2) throw std::logic_error("evaluation: runs with different block counts");
      for (int b = 0; b <= B + 1; ++b) {
        const bool colour = b == B + 1;
        if (colour && colour_token < 0) continue;
        const auto m = colour ? word_map(run, colour_token, 0, B) : b == B ? word_map(run, token, 0, B) : word_map(run, token, b, b + 1);
        const auto [bi, bn] = peaks_inside(m, g, *obj, H, W);
        by_block[size_t(b)].first += bi;
        by_block[size_t(b)].second += bn;
      }
    }
    inside += in;
    checked += n;
    if (i < o.held_out) followed_h += motion_ok, inside_h += in, checked_h += n;
    std::string seen = "nothing";
    if (obj) seen = fmt::format("{} {} {} (dx {:+.2f} dy {:+.2f} area x{:.2f} turn {:+.0f} deg)", demo::name(obj->colour),
                                demo::name(obj->shape), obj->motion ? demo::phrase(*obj->motion) : "still", obj->dx, obj->dy,
                                obj->area_ratio, obj->rotation_degrees);
    fmt::print(log, "  {:<32} -> {:<70} {}  attention inside {}/{}\n", prompt, seen, motion_ok ? "ok  " : "FAIL", in, n);
    out["prompts"].push_back({{"prompt", prompt}, {"seed", rq.seed}, {"seen", seen}, {"colour_shape", shape_ok},
                              {"motion", motion_ok}, {"attention_inside", in}, {"attention_frames", n}});

    // Sheet row: frames 0, F/4, F/2, 3F/4, F-1, then the same with the map in the red channel.
    if (!o.sheet.empty()) {
      std::vector<uint8_t> row(size_t(H) * W * 10 * 3);
      float lo = 1e30f, hi = -1e30f;
      for (float v : map) lo = std::min(lo, v), hi = std::max(hi, v);
      for (int c = 0; c < 5; ++c) {
        const int f = std::min(F - 1, c * (F - 1) / 4);
        const uint8_t* src = fr.data_ptr<uint8_t>() + size_t(f) * H * W * 3;
        for (int y = 0; y < H; ++y)
          for (int x = 0; x < W; ++x)
            for (int k = 0; k < 3; ++k) {
              const uint8_t p = src[(size_t(y) * W + x) * 3 + k];
              row[((size_t(y) * W * 10) + size_t(c) * W + x) * 3 + k] = p;
              const float m = map.empty() ? 0.f : (sample(map, g, latent_of(f, g.frames), x, y, H, W) - lo) / std::max(1e-9f, hi - lo);
              const float heat = k == 0 ? 255.f * m : k == 1 ? 255.f * std::max(0.f, 2 * m - 1) : 0.f;
              row[((size_t(y) * W * 10) + size_t(c + 5) * W + x) * 3 + k] = uint8_t(std::clamp(0.45f * p + 0.55f * heat, 0.f, 255.f));
            }
      }
      rows.push_back(std::move(row));
    }
  }
  out["following"] = double(followed) / std::max<size_t>(1, o.prompts.size());
  out["attention_inside"] = double(inside) / std::max(1, checked);
  out["held_out"] = {{"following", double(followed_h) / std::max<size_t>(1, o.held_out)},
                     {"attention_inside", double(inside_h) / std::max(1, checked_h)}};
  fmt::print(log, "held-out prompts: following {}/{}, attention peak inside {}/{} frames\n", followed_h, o.held_out, inside_h,
             checked_h);
  fmt::print(log, "prompt following {}/{} ({:.0f} %), shape word's attention peak inside the object in {}/{} frames ({:.0f} %)\n",
             followed, o.prompts.size(), 100.0 * out["following"].get<double>(), inside, checked,
             100.0 * out["attention_inside"].get<double>());
  if (!by_block.empty()) {
    const size_t B = by_block.size() - 2;
    const auto frac = [](const std::pair<int, int>& p) { return p.second > 0 ? nlohmann::json(double(p.first) / p.second) : nlohmann::json(); };
    std::string line;
    nlohmann::json blocks = nlohmann::json::array();
    for (size_t b = 0; b < B; ++b) {
      line += fmt::format(" b{} {}/{}", b, by_block[b].first, by_block[b].second);
      blocks.push_back(frac(by_block[b]));
    }
    out["attention_inside_by_block"] = {{"shape_word", blocks},
                                        {"shape_word_all_blocks", frac(by_block[B])},
                                        {"colour_word_all_blocks", frac(by_block[B + 1])}};
    fmt::print(log, "peak inside, last third of the steps: shape word by block{}; all blocks {}/{}; colour word, all blocks {}/{}\n",
               line, by_block[B].first, by_block[B].second, by_block[B + 1].first, by_block[B + 1].second);
  }
  if (!o.sheet.empty() && !rows.empty()) {
    std::ofstream ppm(o.sheet, std::ios::binary);
    ppm << "P6\n" << W * 10 << " " << H * rows.size() << "\n255\n";
    for (const auto& r : rows) ppm.write(reinterpret_cast<const char*>(r.data()), std::streamsize(r.size()));
  }
  fs::remove_all(o.work_dir);
  return out;
}

}  // namespace wanattn::train
