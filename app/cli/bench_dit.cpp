// `wanattn bench dit`: one Wan2.1 DiT forward at the paper's shapes (61 frames at 480x832
// = 24,960 video tokens, bf16 on CUDA), without and with full per-head capture of every
// block into a real run store, alternating the two so drift hits both alike. Times are
// CUDA-event medians after warm-up; peak GPU memory per mode. --out writes the inputs and
// the output for tests/reference/dit_bench.py (parity + the diffusers reference timed on
// the same GPU), --save-weights the random weights it used (official key names).
#include <ATen/Context.h>
#include <fmt/format.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <numeric>

#include "bench_util.h"
#include "commands.h"
#include "core/run_writer.h"
#include "model/capture_writer.h"
#include "model/safetensors_file.h"
#include "model/torch_runtime.h"
#include "model/wan_loader.h"
#include "model/wan_random_init.h"

namespace wanattn::cli {

void print_block_breakdown(WanModel& model, const at::Tensor& latents, const at::Tensor& timesteps, const WanText& text,
                           int tokens);

namespace {

struct DitBenchArgs {
  std::string device = "cuda";
  std::string variant = "1.3B";
  std::string weights;  // a checkpoint instead of random weights
  int frames = 61, height = 480, width = 832;
  int runs = 10, warmup = 3, tokens = 30, slots = 6;
  uint64_t seed = 0;
  bool tiny = false, keep_store = false, no_capture = false, breakdown = false;
  std::string head_mode = "per_head";
  std::string sdpa = "auto";
  std::string store, out, save_weights;
};

WanConfig bench_config(const DitBenchArgs& a) {
  if (a.tiny) {  // a CPU smoke test of the benchmark itself
    WanConfig c;
    c.variant = "custom";
    c.dim = 96, c.num_heads = 3, c.num_layers = 2, c.ffn_dim = 160, c.text_dim = 64;
    return c;
  }
  if (a.variant == "14B") return wan_14b_config();
  return wan_1_3b_config();
}

// Restricts the SDPA dispatcher (self-attention) to one backend, to compare them.
void choose_sdpa(const std::string& which) {
  if (which == "auto") return;
  auto& ctx = at::globalContext();
  ctx.setSDPUseFlash(which == "flash");
  ctx.setSDPUseMemEfficient(which == "efficient");
  ctx.setSDPUseCuDNN(which == "cudnn");
  ctx.setSDPUseMath(which == "math");
}

RunManifest bench_manifest(const WanConfig& c, const DitBenchArgs& a, std::array<int64_t, 3> grid, int steps) {
  RunManifest m;
  m.created = utc_now_iso8601();
  m.model = {{"variant", c.variant}, {"weights", a.weights.empty() ? "random" : a.weights}};
  m.generation = {{"benchmark", "bench dit"}};
  m.frames = a.frames, m.height = a.height, m.width = a.width;
  m.grid = {int(grid[0]), int(grid[1]), int(grid[2])};
  m.capture.steps.resize(size_t(steps));
  std::iota(m.capture.steps.begin(), m.capture.steps.end(), 0);
  m.capture.blocks.resize(size_t(c.num_layers));
  std::iota(m.capture.blocks.begin(), m.capture.blocks.end(), 0);
  m.capture.model_heads = c.num_heads;
  m.capture.head_mode = a.head_mode;
  m.capture.heads = a.head_mode == "mean" ? 1 : c.num_heads;
  m.capture.tokens = a.tokens;
  for (int t = 0; t < a.tokens; ++t) {
    TokenInfo info;
    info.id = t == a.tokens - 1 ? 1 : 100 + t;
    info.piece = t == a.tokens - 1 ? "</s>" : fmt::format("tok{}", t);
    m.tokens.push_back(info);
  }
  return m;
}

void run_bench_dit(const DitBenchArgs& a) {
  const at::Device device(a.device);
  if (device.is_cuda() && !torch::cuda::is_available()) throw std::runtime_error("bench dit: no CUDA device (use --device cpu --tiny)");
  if ((a.frames - 1) % 4 != 0 || a.height % 16 != 0 || a.width % 16 != 0)
    throw std::invalid_argument("bench dit: frames must be 4k+1 and height/width multiples of 16");
  torch::InferenceMode guard;
  choose_sdpa(a.sdpa);
  fmt::print("{}\n", describe(torch_runtime()));

  auto t0 = Clock::now();
  WanModel model{nullptr};
  if (!a.weights.empty()) {
    model = load_wan_model(a.weights, device);
  } else {
    model = WanModel(bench_config(a), default_module_options(device));
    wan_random_init(*model, a.seed);
  }
  sync(device);
  const WanConfig& c = model->config();
  fmt::print("Wan2.1 DiT {}: dim {}, {} blocks, {} heads, FFN {}, matmuls in {} on {}; {} ({:.1f} s)\n", c.variant, c.dim,
             c.num_layers, c.num_heads, c.ffn_dim, at::toString(model->options().matmul_dtype), device.str(),
             a.weights.empty() ? fmt::format("random weights, seed {}", a.seed) : a.weights, since(t0));
  if (!a.save_weights.empty()) {
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& p : model->named_parameters()) tensors.emplace_back(p.key(), p.value().cpu().contiguous());
    write_safetensors(a.save_weights, tensors);
    fmt::print("  wrote the weights to {}\n", a.save_weights);
  }

  at::manual_seed(a.seed + 1);
  const std::array<int64_t, 3> grid{(a.frames - 1) / 4 + 1, a.height / 16, a.width / 16};
  const at::Tensor latents = at::randn({1, c.in_dim, grid[0], grid[1] * 2, grid[2] * 2}).to(device);
  const at::Tensor context = (at::randn({1, a.tokens, c.text_dim}) * 0.3).to(device);
  const at::Tensor timesteps = at::full({1}, 500.0f).to(device);
  fmt::print("  {} frames at {}x{}: latent [{}, {}, {}, {}], {} video tokens, {} real text tokens\n", a.frames, a.height,
             a.width, c.in_dim, grid[0], grid[1] * 2, grid[2] * 2, grid[0] * grid[1] * grid[2], a.tokens);

  WanText text;
  const double prep_ms = time_ms(device, [&] { text = model->prepare_text(context); });
  fmt::print("  prepare text (once per prompt)   : {:8.2f} ms\n", prep_ms);

  if (a.breakdown) print_block_breakdown(model, latents, timesteps, text, a.tokens);

  at::Tensor out;
  auto plain = [&] { out = model->forward(latents, timesteps, text); };
  for (int i = 0; i < a.warmup; ++i) plain();
  sync(device);
  reset_peak_memory(device);
  const double first_plain = time_ms(device, plain);
  const double plain_peak = peak_memory_gb(device);

  std::vector<double> plain_ms{first_plain}, capture_ms;
  double capture_peak = 0, drain_ms = 0;
  CaptureStats stats;
  std::string store_dir;
  if (!a.no_capture) {
    const int steps = a.warmup + a.runs;
    store_dir = a.store.empty() ? fmt::format("/tmp/wanattn-bench-dit-{}", ::getpid()) : a.store;
    std::filesystem::remove_all(store_dir);
    auto writer = RunWriter::create(store_dir, bench_manifest(c, a, grid, steps));
    fmt::print("  capture: {} per step, {:.2f} GB per forward into {}\n", a.head_mode,
               double(writer->slice_elements()) * 2 * c.num_layers * 1e-9, store_dir);
    {
      CaptureWriter capture(*writer, device, a.slots);
      int step = 0;
      auto captured = [&] { out = model->forward(latents, timesteps, text, {&capture, step++}); };
      for (int i = 0; i < a.warmup; ++i) captured();
      sync(device);
      reset_peak_memory(device);
      capture_ms.push_back(time_ms(device, captured));
      capture_peak = peak_memory_gb(device);
      for (int r = 1; r < a.runs; ++r) {  // alternate: plain, captured
        plain_ms.push_back(time_ms(device, plain));
        capture_ms.push_back(time_ms(device, captured));
      }
      const auto t_drain = Clock::now();
      capture.close();
      drain_ms = since(t_drain) * 1e3;
      stats = capture.stats();
    }
    writer->finish(RunState::Complete);
  } else {
    for (int r = 1; r < a.runs; ++r) plain_ms.push_back(time_ms(device, plain));
  }

  auto report = [](const char* what, const std::vector<double>& v) {
    fmt::print("  {:33s}: {:8.2f} ms median, {:.2f} min, {:.2f} max ({} runs)\n", what, median(v),
               *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()), v.size());
  };
  report("forward, no capture", plain_ms);
  if (!capture_ms.empty()) {
    report(fmt::format("forward, capture ({})", a.head_mode).c_str(), capture_ms);
    fmt::print("  capture overhead                 : {:+8.2f} %\n", (median(capture_ms) / median(plain_ms) - 1) * 100);
    fmt::print("  capture: {} slices stored, {} waits for a free slot ({:.1f} ms), writer busy {:.2f} s, drain after "
               "the last forward {:.1f} ms\n",
               stats.slices, stats.waits, stats.wait_seconds * 1e3, stats.write_seconds, drain_ms);
  }
  if (device.is_cuda())
    fmt::print("  peak CUDA memory allocated       : {:.2f} GiB without capture, {:.2f} GiB with\n", plain_peak, capture_peak);

  if (!a.out.empty()) {
    out = model->forward(latents, timesteps, text);
    write_safetensors(a.out, {{"latents", latents.cpu().contiguous()},
                              {"timesteps", timesteps.cpu().contiguous()},
                              {"context", context.cpu().contiguous()},
                              {"velocity", out.cpu().contiguous()}},
                      {{"variant", c.variant}, {"seed", std::to_string(a.seed)}, {"sdpa", a.sdpa}});
    fmt::print("  wrote inputs and output to {}\n", a.out);
  }
  if (!store_dir.empty() && a.store.empty() && !a.keep_store) std::filesystem::remove_all(store_dir);
}

}  // namespace

void add_bench_dit(CLI::App& bench) {
  auto* cmd = bench.add_subcommand("dit", "Wan2.1 DiT: one forward at the paper's shapes, without and with capture");
  auto a = std::make_shared<DitBenchArgs>();
  cmd->add_option("--device", a->device, "cuda, cuda:N or cpu");
  cmd->add_option("--variant", a->variant, "Random weights of this size")->check(CLI::IsMember({"1.3B", "14B"}));
  cmd->add_option("--weights", a->weights, "A checkpoint (any layout) instead of random weights");
  cmd->add_option("--frames", a->frames, "Video frames (4k+1)")->check(CLI::Range(1, 4097));
  cmd->add_option("--height", a->height, "Video height in pixels (multiple of 16)")->check(CLI::Range(16, 16384));
  cmd->add_option("--width", a->width, "Video width in pixels (multiple of 16)")->check(CLI::Range(16, 16384));
  cmd->add_option("--tokens", a->tokens, "Real prompt tokens captured (EOS included)")->check(CLI::Range(1, 512));
  cmd->add_option("--runs", a->runs, "Timed forwards per mode")->check(CLI::Range(1, 10000));
  cmd->add_option("--warmup", a->warmup, "Untimed forwards per mode first")->check(CLI::Range(0, 1000));
  cmd->add_option("--seed", a->seed, "Seed of the random weights and inputs");
  cmd->add_option("--head-mode", a->head_mode, "per_head or mean")->check(CLI::IsMember({"per_head", "mean"}));
  cmd->add_option("--slots", a->slots, "Pinned ring-buffer slots of the capture writer")->check(CLI::Range(1, 1024));
  cmd->add_option("--sdpa", a->sdpa, "Self-attention backend: auto, flash, cudnn, efficient, math")
      ->check(CLI::IsMember({"auto", "flash", "cudnn", "efficient", "math"}));
  cmd->add_option("--store", a->store, "Run store to capture into (default: a temporary one, removed after)");
  cmd->add_flag("--keep-store", a->keep_store, "Keep the temporary run store");
  cmd->add_flag("--no-capture", a->no_capture, "Only the forward without capture");
  cmd->add_flag("--breakdown", a->breakdown, "Also time the pieces of one block (a profile)");
  cmd->add_flag("--tiny", a->tiny, "A tiny config (smoke test on the CPU)");
  cmd->add_option("--out", a->out, "Write inputs and output here (for tests/reference/dit_bench.py)");
  cmd->add_option("--save-weights", a->save_weights, "Write the weights used here (.safetensors, official names)");
  cmd->callback([a] { run_bench_dit(*a); });
}

}  // namespace wanattn::cli
