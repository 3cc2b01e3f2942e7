// The DiT's CUDA path: the fused kernels against the plain libtorch ops, the tiny model in
// bf16 against the fp32 reference, and the asynchronous capture (side-stream copies into
// pinned slots, writer thread) against the maps the model hands over. Skips without CUDA.
#include <torch/torch.h>

#include <filesystem>

#include "core/run_reader.h"
#include "model/attention_lse.h"
#include "model/capture_writer.h"
#include "model/fused_ops.h"
#include "model/rope.h"
#include "model/safetensors_file.h"
#include "model/wan_loader.h"
#include "support/model_checks.h"
#include "support/synthetic_run.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kMulti = fs::path(WANATTN_DIT_FIXTURES) / "multi";

using test::MemorySink;
// max |a - b| / max |b| (the shared parity measure)
double max_rel(const at::Tensor& a, const at::Tensor& b) { return test::max_relative_error(a, b); }

}  // namespace

TEST_CASE("fused CUDA kernels equal the plain libtorch ops", "[gpu]") {
  if (!torch::cuda::is_available()) WANATTN_SKIP("no CUDA device");
  if (!fused_ops_available()) WANATTN_SKIP("built without the CUDA kernels");
  torch::InferenceMode guard;
  const auto f32 = at::TensorOptions().device(at::kCUDA).dtype(at::kFloat);
  const int64_t B = 2, L = 300, D = 96, heads = 3;
  const at::Tensor x = at::randn({B, L, D}, f32) * 3 + 1;
  const at::Tensor scale = 1 + at::randn({B, 1, D}, f32) * 0.3, shift = at::randn({B, 1, D}, f32);
  const at::Tensor y = at::randn({B, L, D}, f32).to(at::kBFloat16), gate = at::randn({B, 1, D}, f32);
  const at::Tensor w = 1 + at::randn({D}, f32) * 0.2;
  const RopeTable rope = make_rope_table({3, 10, 10}, D / heads, 10000.0, 1024, at::kCUDA);
  const at::Tensor q = (at::randn({B, L, D}, f32) * 2).to(at::kBFloat16);

  auto both = [](const std::function<at::Tensor()>& f) {
    set_fused_ops_enabled(false);
    const at::Tensor plain = f();
    set_fused_ops_enabled(true);
    return std::make_pair(f(), plain);
  };
  {
    const auto [fused, plain] = both([&] { return norm_scale_shift(x, scale, shift, 1e-6, at::kBFloat16); });
    CHECK(max_rel(fused, plain) <= 1e-2);  // one bf16 rounding apart at most
    const auto [f32a, f32b] = both([&] { return norm_scale_shift(x, scale.narrow(0, 0, 1), shift.narrow(0, 0, 1), 1e-6, at::kFloat); });
    CHECK(max_rel(f32a, f32b) <= 1e-5);
  }
  for (const bool gated : {true, false}) {
    const auto [fused, plain] = both([&] {
      at::Tensor acc = x.clone();
      add_gated_(acc, y, gated ? gate : at::Tensor());
      return acc;
    });
    CHECK(max_rel(fused, plain) <= 1e-6);
  }
  for (const bool with_rope : {true, false}) {
    const auto [fused, plain] = both([&] {
      return with_rope ? rms_norm_rope(q, w, rope.cos, rope.sin, heads, 1e-6) : rms_norm_rope(q, w, {}, {}, heads, 1e-6);
    });
    CHECK(fused.scalar_type() == at::kBFloat16);
    CHECK(max_rel(fused, plain) <= 1e-2);
  }
}

TEST_CASE("the tiny DiT in bf16 on CUDA stays within bf16 rounding of the fp32 reference", "[gpu]") {
  if (!torch::cuda::is_available()) WANATTN_SKIP("no CUDA device");
  if (!fs::exists(kMulti / "io.safetensors")) WANATTN_SKIP("no DiT reference fixtures");
  torch::InferenceMode guard;
  const auto io = SafetensorsFile::open((kMulti / "io.safetensors").string());
  WanModel model = load_wan_model((kMulti / "official").string(), at::kCUDA);
  CHECK(model->options().matmul_dtype == at::kBFloat16);
  const WanText text = model->prepare_text(io->tensor("context").to(at::kCUDA));
  const at::Tensor v = model->forward(io->tensor("latents").to(at::kCUDA), io->tensor("timesteps").to(at::kCUDA), text);
  CHECK(max_rel(v, io->tensor("velocity")) <= 2e-2);
}

TEST_CASE("asynchronous capture on CUDA stores exactly what the model handed over", "[gpu]") {
  if (!torch::cuda::is_available()) WANATTN_SKIP("no CUDA device");
  if (!fs::exists(kMulti / "io.safetensors")) WANATTN_SKIP("no DiT reference fixtures");
  torch::InferenceMode guard;
  const auto io = SafetensorsFile::open((kMulti / "io.safetensors").string());
  WanModel model = load_wan_model((kMulti / "official").string(), at::kCUDA);
  const at::Tensor latents = io->tensor("latents").narrow(0, 0, 1).to(at::kCUDA);
  const at::Tensor t = io->tensor("timesteps").narrow(0, 0, 1).to(at::kCUDA);
  const at::Tensor context = io->tensor("context").narrow(0, 0, 1).narrow(1, 0, 7).to(at::kCUDA);
  const WanText text = model->prepare_text(context);
  const int layers = model->config().num_layers, steps = 5;

  test::SyntheticSpec spec;
  spec.steps = steps, spec.blocks = layers, spec.heads = model->config().num_heads, spec.tokens = 7;
  spec.frames = int(latents.size(2)), spec.height = int(latents.size(3) / 2), spec.width = int(latents.size(4) / 2);
  RunManifest m = test::synthetic_manifest(spec);
  m.capture.model_heads = spec.heads;
  m.capture.steps = {0, 1, 2, 3, 4};  // model indices = store indices here
  m.capture.blocks.clear();
  for (int b = 0; b < layers; ++b) m.capture.blocks.push_back(b);
  test::TempDir dir("dit-gpu-capture");
  auto writer = RunWriter::create(dir.sub("run"), m);
  MemorySink memory(7);
  {
    CaptureWriter capture(*writer, at::kCUDA, /*slots=*/2);  // few slots: the loop must wait sometimes
    for (int s = 0; s < steps; ++s) {
      model->forward(latents, t, text, {&capture, s});
      model->forward(latents, t, text, {&memory, s});
    }
    capture.close();
    CHECK(capture.stats().slices == steps * layers);
  }
  writer->finish(RunState::Complete);
  const RunReader reader = RunReader::open(dir.sub("run"));
  REQUIRE(reader.ready_count() == steps * layers);
  for (int s = 0; s < steps; ++s)
    for (int b = 0; b < layers; ++b)
      for (int h = 0; h < spec.heads; ++h)
        for (int k = 0; k < spec.tokens; ++k) {
          const at::Tensor stored = test::map_as_double(reader.map(s, b, h, k));
          CHECK(at::equal(stored, memory.maps.at({s, b}).first[h][k].to(at::kDouble)));
        }
}

TEST_CASE("captured maps on CUDA equal a float64 softmax over all 512 keys", "[gpu]") {
  if (!torch::cuda::is_available()) WANATTN_SKIP("no CUDA device");
  torch::InferenceMode guard;
  // The real head size and key count, bf16 as the model runs: the flash kernel's
  // log-sum-exp must describe the same softmax the float64 reference computes.
  const auto bf16 = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
  const int64_t B = 1, n = 4, L = 777, S = 512, d = 128, T = 9;
  const at::Tensor q = (at::randn({B, n, L, d}, bf16.dtype(at::kFloat)) * 1.5).to(at::kBFloat16);
  const at::Tensor k = (at::randn({B, n, S, d}, bf16.dtype(at::kFloat)) * 1.5).to(at::kBFloat16);
  const at::Tensor v = at::randn({B, n, S, d}, bf16);
  const auto [out, lse] = attention_with_lse(q, k, v);
  const auto [probs, padding] = capture_probabilities(q[0], k[0], lse[0], T, /*per_head=*/true);
  const at::Tensor want = at::softmax(at::matmul(q[0].to(at::kDouble), k[0].to(at::kDouble).transpose(1, 2)) / std::sqrt(double(d)), -1);
  const at::Tensor want_t = want.narrow(-1, 0, T).transpose(1, 2);  // [n, T, L]
  CHECK(probs.sizes() == want_t.sizes());
  CHECK((probs.to(at::kDouble) - want_t).abs().max().item<double>() <= 2e-3 * want_t.abs().max().item<double>() + 1e-6);
  CHECK((padding.to(at::kDouble) - want.narrow(-1, T, S - T).sum(-1)).abs().max().item<double>() <= 2e-3);
  // The mean over heads is the mean of the heads.
  const auto [mean, mean_pad] = capture_probabilities(q[0], k[0], lse[0], T, /*per_head=*/false);
  CHECK((mean.to(at::kDouble)[0] - want_t.mean(0)).abs().max().item<double>() <= 2e-3 * want_t.abs().max().item<double>() + 1e-6);
}
