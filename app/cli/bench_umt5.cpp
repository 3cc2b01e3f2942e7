// `wanattn bench umt5`: the full-size UMT5-XXL encoder (random weights, T5's initialization,
// seeded so tests/reference/umt5_bench.py draws the same ones) encoding one 512-position
// prompt: median wall time over runs after warm-up, CUDA-synchronized. Optionally writes
// the weights as one safetensors file and times loading it (--save, --load), and writes
// the ids, mask and output for the reference script's parity check (--out).
#include <fmt/format.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "bench_util.h"
#include "commands.h"
#include "model/safetensors_file.h"
#include "model/torch_runtime.h"
#include "model/umt5_loader.h"

namespace wanattn::cli {
namespace {

struct UMT5BenchArgs {
  std::string device = "cuda";
  int runs = 20, warmup = 3, tokens = 128, batch = 1, load_rounds = 2;
  uint64_t seed = 0;
  bool tiny = false;
  std::string out, save, load;
  std::string dtype;  // "" = by device (fp32 on the CPU, bf16 on CUDA)
  std::string residual = "bf16";  // the residual stream with bf16 weights: bf16 (the references', default) or fp32
};

// ids the reference script reads back: T-1 pseudo-random words, EOS, padding to 512.
std::pair<at::Tensor, at::Tensor> bench_prompt(int batch, int tokens) {
  at::Tensor ids = at::zeros({batch, 512}, at::kLong), mask = at::zeros({batch, 512}, at::kLong);
  for (int b = 0; b < batch; ++b) {
    for (int t = 0; t < tokens - 1; ++t) ids[b][t] = 3 + (int64_t(t + 1) * 7919 + b * 104729) % 250000;
    ids[b][tokens - 1] = 1;
    mask[b].narrow(0, 0, tokens).fill_(1);
  }
  return {ids, mask};
}

void run_bench_umt5(const UMT5BenchArgs& a) {
  const at::Device device(a.device);
  if (device.is_cuda() && !torch::cuda::is_available()) throw std::runtime_error("bench umt5: no CUDA device (use --device cpu --tiny)");
  torch::InferenceMode guard;
  fmt::print("{}\n", describe(torch_runtime()));
  UMT5Config c;  // UMT5-XXL
  if (a.tiny) c.vocab_size = 256384, c.d_model = 64, c.d_kv = 16, c.num_heads = 4, c.d_ff = 96, c.num_layers = 3;
  UMT5Options opts = UMT5Options::for_device(device);
  if (a.dtype == "bf16") opts.dtype = at::kBFloat16;
  if (a.dtype == "fp32") opts.dtype = at::kFloat;
  opts.fp32_residual = a.residual == "fp32";
  fmt::print("UMT5 encoder {}: d_model {}, {} layers, {} heads x {}, d_ff {}, {:.2f} G parameters, {} on {}, residual stream {}\n",
             a.tiny ? "(tiny)" : "XXL", c.d_model, c.num_layers, c.num_heads, c.d_kv, c.d_ff,
             double(c.parameter_count()) * 1e-9, at::toString(opts.dtype), device.str(),
             at::toString(opts.residual_dtype()));

  auto t0 = Clock::now();
  UMT5EncoderModel model(c, opts);
  model->random_init(a.seed);
  sync(device);
  fmt::print("  build + random init (seed {})   : {:8.2f} s\n", a.seed, since(t0));

  if (!a.save.empty()) {
    t0 = Clock::now();
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& p : model->named_parameters()) tensors.emplace_back(p.key(), p.value().cpu().contiguous());
    write_safetensors(a.save, tensors);
    fmt::print("  wrote {} ({:.2f} GB)        : {:8.2f} s\n", a.save, double(std::filesystem::file_size(a.save)) * 1e-9,
               since(t0));
  }
  if (!a.load.empty()) {
    // Round 1 reads what the page cache holds (warm right after --save); later rounds are warm.
    for (int r = 0; r < a.load_rounds; ++r) {
      t0 = Clock::now();
      LoadedUMT5 loaded = load_umt5_encoder(a.load, opts);
      sync(device);
      fmt::print("  load round {} ({} tensors)        : {:8.2f} s\n", r + 1, loaded.report.loaded, since(t0));
    }
  }

  const auto [ids, mask] = bench_prompt(a.batch, a.tokens);
  const at::Tensor ids_d = ids.to(device), mask_d = mask.to(device);
  at::Tensor out;
  for (int i = 0; i < a.warmup; ++i) out = model->forward(ids_d, mask_d);
  sync(device);
  std::vector<double> times;
  for (int i = 0; i < a.runs; ++i) {
    t0 = Clock::now();
    out = model->forward(ids_d, mask_d);
    sync(device);
    times.push_back(since(t0));
  }
  fmt::print("  encode batch {} x 512 ({} real)  : {:8.2f} ms median, {:.2f} min, {:.2f} max ({} runs)\n", a.batch,
             a.tokens, median(times) * 1e3, *std::min_element(times.begin(), times.end()) * 1e3,
             *std::max_element(times.begin(), times.end()) * 1e3, a.runs);
  if (device.is_cuda())
    fmt::print("  peak CUDA memory                 : {:8.2f} GB\n",
               double(c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index())
                          .allocated_bytes[0]
                          .peak) *
                   1e-9);
  if (!a.out.empty()) {
    write_safetensors(a.out, {{"ids", ids}, {"mask", mask}, {"hidden", out.cpu().contiguous()}},
                      {{"seed", std::to_string(a.seed)}, {"tiny", a.tiny ? "1" : "0"}, {"dtype", at::toString(opts.dtype)}});
    fmt::print("  wrote ids, mask and output to {}\n", a.out);
  }
}

}  // namespace

void add_bench_umt5(CLI::App& bench) {
  auto* cmd = bench.add_subcommand("umt5", "UMT5-XXL text encoder: encode time of one 512-position prompt, load time");
  auto a = std::make_shared<UMT5BenchArgs>();
  cmd->add_option("--device", a->device, "cuda, cuda:N or cpu");
  cmd->add_option("--runs", a->runs, "Timed runs")->check(CLI::Range(1, 10000));
  cmd->add_option("--warmup", a->warmup, "Untimed runs first")->check(CLI::Range(0, 1000));
  cmd->add_option("--tokens", a->tokens, "Real tokens of the prompt (EOS included)")->check(CLI::Range(1, 512));
  cmd->add_option("--batch", a->batch, "Prompts per forward (2 = cond + uncond)")->check(CLI::Range(1, 64));
  cmd->add_option("--seed", a->seed, "Seed of the random weights");
  cmd->add_flag("--tiny", a->tiny, "A tiny config (smoke test on the CPU)");
  cmd->add_option("--residual", a->residual, "Residual stream with bf16 weights: bf16 (the references') or fp32 (closer to an fp32 encoder)")
      ->check(CLI::IsMember({"fp32", "bf16"}))
      ->capture_default_str();
  cmd->add_option("--dtype", a->dtype, "bf16 or fp32 (default: bf16 on CUDA, fp32 on the CPU)")
      ->check(CLI::IsMember({"bf16", "fp32"}));
  cmd->add_option("--save", a->save, "Write the random weights to this .safetensors file");
  cmd->add_option("--load", a->load, "Time loading this checkpoint (any layout the loader takes)");
  cmd->add_option("--load-rounds", a->load_rounds, "Load rounds")->check(CLI::Range(1, 20));
  cmd->add_option("--out", a->out, "Write ids, mask and output here (for tests/reference/umt5_bench.py)");
  cmd->callback([a] { run_bench_umt5(*a); });
}

}  // namespace wanattn::cli
