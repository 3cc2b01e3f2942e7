// `wanattn bench bend`: what bending costs (docs/bending.md, "cost").
//  1. Per step: one DiT forward with random 1.3B weights (default: the preview size, 33
//     frames at 480x832) unbent, and with each kind of bend on a few blocks (default 10-12),
//     alternating so that drift hits all alike; CUDA-event medians; overhead vs unbent.
//  2. --live: the "live" loop: a whole run at preview settings (10 steps, CFG) with a
//     LiveBends that another thread changes every other step at a random moment; reports
//     the time per step and the latency from set() to the end of the first step that ran
//     with the new set (its x0 preview is the first picture showing the change).
#include <fmt/format.h>
#include <torch/torch.h>

#include <condition_variable>
#include <random>
#include <thread>

#include "bench_prompt.h"
#include "bench_util.h"
#include "commands.h"
#include "generate_args.h"
#include "model/bend_json.h"
#include "model/torch_runtime.h"
#include "model/umt5_encoder.h"
#include "model/wan_pipeline.h"
#include "model/wan_random_init.h"
#include "model/wan_vae_config.h"

namespace wanattn::cli {
namespace {

struct BendBenchArgs {
  std::string device = "auto", blocks = "10-12", bends_file;
  int frames = 33, height = 480, width = 832, tokens = 30, runs = 10, warmup = 2;
  int live_steps = 10, live_runs = 2;
  bool tiny = false, live = false;
  uint64_t seed = 0;
};

WanConfig bench_config(const BendBenchArgs& a) {
  WanConfig c = wan_1_3b_config();
  if (a.tiny) {
    c.variant = "custom";
    c.dim = 96, c.num_heads = 3, c.num_layers = 4, c.ffn_dim = 160, c.text_dim = 64;
  }
  return c;
}

// One bend set per kind, on `blocks`: what the studio's sliders make.
std::vector<std::pair<std::string, BendSet>> bend_modes(const BendBenchArgs& a, int ffn_dim) {
  auto set = [&](const std::string& bends) {
    return bend_set_from_json(nlohmann::json::parse("{\"bends\": [" + bends + "]}"));
  };
  const std::string where = fmt::format(R"("blocks": "{}")", a.blocks);
  std::vector<std::pair<std::string, BendSet>> m;
  m.emplace_back("cross: post-softmax scale, 2 tokens, all heads",
                 set(fmt::format(R"({{"target": "cross_attention", "op": {{"name": "scale", "factor": 2}}, "where": {{{}, "tokens": [3, 4]}}}})", where)));
  m.emplace_back("cross: pre-softmax rotate, 1 token",
                 set(fmt::format(R"({{"target": "cross_attention", "op": {{"name": "rotate", "degrees": 20}}, "domain": "pre_softmax", "where": {{{}, "tokens": [3]}}}})", where)));
  m.emplace_back("cross: all tokens, blur + renormalise",
                 set(fmt::format(R"({{"target": "cross_attention", "op": {{"name": "blur", "sigma": 2}}, "renormalize": true, "where": {{{}}}}})", where)));
  m.emplace_back("self: temperature 2, 2 heads",
                 set(fmt::format(R"({{"target": "self_attention", "op": {{"name": "temperature", "temperature": 2}}, "where": {{{}, "heads": [0, 1]}}}})", where)));
  m.emplace_back("self: translate the output, 2 heads",
                 set(fmt::format(R"({{"target": "self_attention", "op": {{"name": "translate", "dx": 3}}, "where": {{{}, "heads": [0, 1]}}}})", where)));
  const int neurons = std::min(256, ffn_dim);
  m.emplace_back(fmt::format("ffn: scale {} neurons", neurons),
                 set(fmt::format(R"({{"target": "ffn", "op": {{"name": "scale", "factor": 3}}, "where": {{{}, "neurons": "0-{}"}}}})",
                                 where, neurons - 1)));
  if (!a.bends_file.empty()) m.emplace_back(a.bends_file, load_bend_set(a.bends_file));
  return m;
}

void bench_forward(const BendBenchArgs& a, at::Device device) {
  torch::InferenceMode guard;
  WanModel model(bench_config(a), default_module_options(device));
  wan_random_init(*model, a.seed);
  const WanConfig& c = model->config();
  const std::array<int64_t, 3> grid{(a.frames - 1) / 4 + 1, a.height / 16, a.width / 16};
  at::manual_seed(a.seed + 1);
  const at::Tensor latents = at::randn({1, c.in_dim, grid[0], grid[1] * 2, grid[2] * 2}).to(device);
  const at::Tensor context = (at::randn({1, a.tokens, c.text_dim}) * 0.3).to(device);
  const at::Tensor t = at::full({1}, 500.0f).to(device);
  const WanText text = model->prepare_text(context);
  fmt::print("DiT {} ({} blocks, {} heads) on {}: {} frames at {}x{}, {} video tokens, bends on blocks {}\n", c.variant,
             c.num_layers, c.num_heads, device.str(), a.frames, a.width, a.height, grid[0] * grid[1] * grid[2], a.blocks);

  BendContext ctx;
  ctx.grid = grid, ctx.device = device, ctx.blocks = c.num_layers, ctx.heads = c.num_heads, ctx.ffn_dim = c.ffn_dim;
  ctx.tokens_cond = a.tokens, ctx.steps = 1;
  const auto modes = bend_modes(a, c.ffn_dim);
  std::vector<BendPlan> plans;
  std::vector<StepBends> steps;
  for (const auto& [name, set] : modes) plans.emplace_back(set, ctx);
  for (const auto& p : plans) steps.push_back(p.for_step(0, true));
  std::vector<std::vector<double>> ms(modes.size() + 1);
  auto forward = [&](size_t mode) {  // 0: unbent
    return time_ms(device, [&] { model->forward(latents, t, text, {nullptr, 0, mode == 0 ? nullptr : &steps[mode - 1]}); });
  };
  for (int w = 0; w < a.warmup; ++w)
    for (size_t m = 0; m <= modes.size(); ++m) forward(m);
  for (int r = 0; r < a.runs; ++r)
    for (size_t m = 0; m <= modes.size(); ++m) ms[m].push_back(forward(m));
  const double base = median(ms[0]);
  fmt::print("  {:48s} {:9.2f} ms (median of {})\n", "unbent forward", base, a.runs);
  for (size_t m = 0; m < modes.size(); ++m)
    fmt::print("  {:48s} {:9.2f} ms  {:+6.2f} %\n", modes[m].first, median(ms[m + 1]), (median(ms[m + 1]) / base - 1) * 100);
}

// Random parts as bench generate builds them, the text encoder small (its cost is not what
// this measures; its width is the DiT's text_dim).
PipelineParts random_parts(const BendBenchArgs& a, at::Device device) {
  PipelineParts parts;
  parts.dit_config = bench_config(a);
  WanVaeConfig vc = wan21_vae_config();
  if (a.tiny) vc.base_dim = 8;
  parts.make_dit = [cfg = parts.dit_config, device, seed = a.seed] {
    WanModel dit(cfg, default_module_options(device));
    wan_random_init(*dit, seed);
    return dit;
  };
  parts.make_vae = [vc, device, seed = a.seed] {
    WanVae vae(vc, at::TensorOptions().device(device).dtype(at::kFloat));
    wan_random_init(*vae, seed + 1);
    return vae;
  };
  parts.make_text_encoder = [device, width = parts.dit_config.text_dim] {
    UMT5Config c;
    c.vocab_size = 32000, c.d_model = width, c.d_kv = 16, c.num_heads = 4, c.d_ff = 64, c.num_layers = 1;
    LoadedUMT5 enc;
    enc.model = UMT5EncoderModel(c, UMT5Options::for_device(device));
    enc.model->random_init(1);
    enc.identity = "random small UMT5";
    return enc;
  };
  return parts;
}

void bench_live(const BendBenchArgs& a, at::Device device) {
  PipelineOptions options;
  options.device = device;
  options.keep_text_encoder = true;
  WanPipeline pipeline(random_parts(a, device), WanModelDefaults{}, options);
  const auto modes = bend_modes(a, bench_config(a).ffn_dim);
  std::mt19937_64 rng(a.seed);
  std::vector<double> step_s, latency_s, latency_steps;
  for (int run = -1; run < a.live_runs; ++run) {  // run -1 warms up (kernels, allocator)
    auto live = std::make_shared<LiveBends>(modes[0].second);
    GenerateRequest rq;
    rq.tokenized = std::array<TokenizedPrompt, 2>{synthetic_prompt(a.tokens, 1, 32000), synthetic_prompt(20, 2, 32000)};
    rq.prompt = rq.tokenized->at(0).typed;
    rq.steps = run < 0 ? 3 : a.live_steps;
    rq.guidance = 5.0;
    rq.width = a.width, rq.height = a.height, rq.frames = a.frames, rq.seed = a.seed;
    rq.capture.enabled = false;
    rq.live_bends = live;
    // The "UI thread": after every other step it waits a random part of a step, then sets
    // the next mode's bends; the inference thread reports which version each step ran.
    std::mutex mu;
    std::condition_variable cv;
    int steps_seen = 0;
    bool finished = false;
    double last_step = 0;
    std::vector<std::pair<uint64_t, Clock::time_point>> sets;
    std::thread ui([&] {
      std::unique_lock<std::mutex> lock(mu);
      for (int next = 1;; next += 2) {
        cv.wait(lock, [&] { return finished || steps_seen >= next; });
        if (finished) return;
        const double wait = std::uniform_real_distribution<double>(0.0, 1.0)(rng) * last_step;
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        const uint64_t v = live->set(modes[size_t(next / 2 + 1) % modes.size()].second);
        lock.lock();
        sets.emplace_back(v, Clock::now());
      }
    });
    PipelineCallbacks cb;
    cb.on_step = [&](const StepReport& r) {
      std::lock_guard<std::mutex> lock(mu);
      const auto now = Clock::now();
      if (run >= 0) step_s.push_back(r.step_seconds);
      for (auto it = sets.begin(); it != sets.end(); ++it)
        if (it->first == r.bends_version) {  // the first step that ran with this set
          if (run >= 0) {
            latency_s.push_back(std::chrono::duration<double>(now - it->second).count());
            latency_steps.push_back(latency_s.back() / r.step_seconds);
          }
          sets.erase(it);
          break;
        }
      last_step = r.step_seconds;
      ++steps_seen;
      cv.notify_all();
    };
    const GenerateResult res = pipeline.generate(rq, cb);
    {
      std::lock_guard<std::mutex> lock(mu);
      finished = true;
      cv.notify_all();
    }
    ui.join();
    if (run >= 0)
      fmt::print("  live run {}: {} steps, {} bend changes recorded in the history\n", run, res.previews.size(0), res.bends.size());
  }
  fmt::print("live at {}x{}, {} frames, {} steps, CFG: {:.3f} s per step (median of {})\n", a.width, a.height, a.frames,
             a.live_steps, median(step_s), step_s.size());
  if (!latency_s.empty())
    fmt::print("  slider -> first preview with the change: median {:.3f} s ({:.2f} steps), max {:.3f} s, {} changes\n",
               median(latency_s), median(latency_steps), *std::max_element(latency_s.begin(), latency_s.end()), latency_s.size());
}

void run_bench_bend(BendBenchArgs a) {
  const at::Device device = parse_device(a.device);
  if (a.tiny && a.blocks == "10-12") a.blocks = "1-2";  // the tiny model has 4 blocks
  if ((a.frames - 1) % 4 != 0 || a.height % 16 != 0 || a.width % 16 != 0)
    throw std::invalid_argument("bench bend: frames must be 4k+1 and height/width multiples of 16");
  fmt::print("{}\n", describe(torch_runtime()));
  bench_forward(a, device);
  if (a.live) bench_live(a, device);
}

}  // namespace

void add_bend_bench(CLI::App& app) {
  auto* bench = app.get_subcommand("bench");
  auto* cmd = bench->add_subcommand("bend", "Network bending: the cost per forward of each kind of bend, and live latency");
  auto a = std::make_shared<BendBenchArgs>();
  cmd->add_option("--device", a->device, "auto, cuda, cuda:N or cpu")->capture_default_str();
  cmd->add_option("--blocks", a->blocks, "Blocks the bends act on")->capture_default_str();
  cmd->add_option("--bends", a->bends_file, "Also time this bend set (JSON)");
  cmd->add_option("--frames", a->frames, "Video frames (4k+1)")->capture_default_str();
  cmd->add_option("--height", a->height, "Video height (multiple of 16)")->capture_default_str();
  cmd->add_option("--width", a->width, "Video width (multiple of 16)")->capture_default_str();
  cmd->add_option("--tokens", a->tokens, "Real prompt tokens")->capture_default_str();
  cmd->add_option("--runs", a->runs, "Timed forwards per mode")->capture_default_str();
  cmd->add_option("--warmup", a->warmup, "Untimed forwards per mode first")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the random weights and inputs")->capture_default_str();
  cmd->add_flag("--live", a->live, "Also measure the live loop (a whole run with bends changed while it goes)");
  cmd->add_option("--live-steps", a->live_steps, "Steps of each live run")->capture_default_str();
  cmd->add_option("--live-runs", a->live_runs, "Measured live runs")->capture_default_str();
  cmd->add_flag("--tiny", a->tiny, "A tiny random model (checks the program on a CPU)");
  cmd->callback([a] { run_bench_bend(*a); });
}

}  // namespace wanattn::cli
