// `wanattn bench vae`: decoding the paper's latent ([16, 16, 60, 104] -> 61 frames at
// 480x832) with the full-size Wan2.1 VAE decoder, random weights, in fp32 (with TF32
// convolutions, as cuDNN does by default) and in bf16; CUDA-event medians, peak memory, and
// the bf16 result against the fp32 one. --save-weights / --out feed tests/reference/vae_bench.py.
#include <ATen/Context.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include "bench_util.h"
#include "commands.h"
#include "model/safetensors_file.h"
#include "model/torch_runtime.h"
#include "model/wan_random_init.h"
#include "model/wan_vae.h"

namespace wanattn::cli {
namespace {

struct VaeBenchArgs {
  std::string device = "cuda";
  int frames = 61, height = 480, width = 832, runs = 3, warmup = 1;
  uint64_t seed = 0;
  bool tiny = false;
  std::string out, save_weights;
};

void run_bench_vae(const VaeBenchArgs& a) {
  const at::Device device(a.device);
  if (device.is_cuda() && !torch::cuda::is_available()) throw std::runtime_error("bench vae: no CUDA device");
  if ((a.frames - 1) % 4 != 0 || a.height % 16 != 0 || a.width % 16 != 0)
    throw std::invalid_argument("bench vae: frames must be 4k+1 and height/width multiples of 16");
  torch::InferenceMode guard;
  fmt::print("{}\n", describe(torch_runtime()));
  WanVaeConfig c = wan21_vae_config();
  if (a.tiny) c.base_dim = 8;
  WanVae fp32(c, at::TensorOptions().device(device).dtype(at::kFloat));
  wan_random_init(*fp32, a.seed);
  WanVae bf16(c, at::TensorOptions().device(device).dtype(at::kBFloat16));
  {
    auto src = fp32->named_parameters();
    for (auto& p : bf16->named_parameters()) p.value().copy_(src[p.key()]);
  }
  if (!a.save_weights.empty()) {
    std::vector<std::pair<std::string, at::Tensor>> t;
    for (const auto& p : fp32->named_parameters()) t.emplace_back(p.key(), p.value().cpu().contiguous());
    write_safetensors(a.save_weights, t);
  }
  at::manual_seed(a.seed + 1);
  const at::Tensor z = at::randn({1, c.z_dim, (a.frames - 1) / 4 + 1, a.height / 8, a.width / 8}).to(device);
  fmt::print("Wan2.1 VAE decoder (base {}), latent [{}, {}, {}, {}] -> {} frames at {}x{}\n", c.base_dim, c.z_dim, z.size(2),
             z.size(3), z.size(4), a.frames, a.height, a.width);
  at::Tensor v32, v16, v;
  auto run = [&](const char* name, WanVae& model, at::Tensor& out) {
    for (int i = 0; i < a.warmup; ++i) out = model->decode(z);
    reset_peak_memory(device);
    std::vector<double> t;
    for (int i = 0; i < a.runs; ++i) t.push_back(time_ms(device, [&] { out = model->decode(z); }));
    fmt::print("  decode {:30s}: {:9.1f} ms median ({} runs), peak {:.2f} GiB\n", name, median(t), a.runs, peak_memory_gb(device));
  };
  run("fp32 (TF32 convs)", fp32, v32);
  run("bf16", bf16, v16);
  fp32->set_channels_last(true);
  bf16->set_channels_last(true);
  run("fp32, channels-last", fp32, v);
  fmt::print("  channels-last vs default layout, fp32: max |a-b| = {:.3e}\n", (v - v32).abs().max().item<double>());
  run("bf16, channels-last", bf16, v);
  const double rel = ((v16 - v32).abs().max() / v32.abs().max()).item<double>();
  const double mean_abs = (v16 - v32).abs().mean().item<double>();
  fmt::print("  bf16 vs fp32: max |a-b| / max |b| = {:.3e}, mean |a-b| = {:.3e} (in [-1, 1]; one uint8 step = 7.8e-3)\n", rel,
             mean_abs);
  if (!a.out.empty()) {
    write_safetensors(a.out, {{"z", z.cpu().contiguous()}, {"video", v32.cpu().contiguous()}, {"video_bf16", v16.cpu().contiguous()}});
    fmt::print("  wrote z and both videos to {}\n", a.out);
  }
}

}  // namespace

void add_bench_vae(CLI::App& bench) {
  auto* cmd = bench.add_subcommand("vae", "Wan2.1 VAE: decode time of the paper's latent, fp32 and bf16");
  auto a = std::make_shared<VaeBenchArgs>();
  cmd->add_option("--device", a->device, "cuda, cuda:N or cpu");
  cmd->add_option("--frames", a->frames, "Video frames (4k+1)")->check(CLI::Range(1, 4097));
  cmd->add_option("--height", a->height, "Video height (multiple of 16)")->check(CLI::Range(16, 16384));
  cmd->add_option("--width", a->width, "Video width (multiple of 16)")->check(CLI::Range(16, 16384));
  cmd->add_option("--runs", a->runs, "Timed decodes per dtype")->check(CLI::Range(1, 1000));
  cmd->add_option("--warmup", a->warmup, "Untimed decodes first")->check(CLI::Range(0, 100));
  cmd->add_option("--seed", a->seed, "Seed of the random weights and latent");
  cmd->add_flag("--tiny", a->tiny, "Narrow widths (a CPU smoke test)");
  cmd->add_option("--out", a->out, "Write the latent and the decoded videos here");
  cmd->add_option("--save-weights", a->save_weights, "Write the random weights (official names)");
  cmd->callback([a] { run_bench_vae(*a); });
}

}  // namespace wanattn::cli
