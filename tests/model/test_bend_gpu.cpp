// Bending on CUDA: the bf16 model with the flash kernel, the fused kernels and the fused
// GELU GEMM, against the same bends on the CPU in fp32 — every target at once — and the
// fast path on CUDA (inert bends: the unbent forward bit for bit). Skips without CUDA.
#include <torch/torch.h>

#include "model/bend_json.h"
#include "support/model_checks.h"
#include "model/bend_fixture.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;

TEST_CASE("bends on CUDA (bf16, flash kernel) match the CPU fp32 forward, inert bends are bitwise the unbent CUDA forward", "[gpu]") {
  if (!torch::cuda::is_available()) WANATTN_SKIP("no CUDA device");
  torch::InferenceMode guard;
  test::TinyBendModel cpu(64, 4);  // head_dim 16: the flash kernel's shapes
  test::TinyBendModel gpu = cpu.on(at::Device(at::kCUDA, 0));
  const BendSet set = test::bends_from(R"({"bends": [
    {"target": "cross_attention", "op": {"name": "rotate", "degrees": 25}, "domain": "pre_softmax", "where": {"tokens": [1], "blocks": [0, 2]}},
    {"target": "cross_attention", "op": {"name": "scale", "factor": 3}, "renormalize": true, "where": {"tokens": [2, 3], "heads": [0, 2]}},
    {"target": "cross_attention_heads", "op": {"name": "zero"}, "where": {"heads": [3], "blocks": [1]}},
    {"target": "self_attention", "op": {"name": "temperature", "temperature": 2}, "where": {"heads": [1], "blocks": [1]}},
    {"target": "self_attention", "op": {"name": "translate", "dx": 1, "dy": 1}, "where": {"heads": [2]}},
    {"target": "ffn", "op": {"name": "scale", "factor": 2}, "where": {"neurons": "0-9", "region": {"rect": [0, 0, 0.5, 0.5]}}}]})");
  const BendPlan pc(set, cpu.context_for()), pg(set, gpu.context_for());
  const StepBends sc = pc.for_step(0, true), sg = pg.for_step(0, true);
  test::MemorySink cap_c(cpu.tokens), cap_g(gpu.tokens);
  const at::Tensor out_c = cpu.model->forward(cpu.latents, cpu.timesteps, cpu.text, {&cap_c, 0, &sc});
  const at::Tensor out_g = gpu.model->forward(gpu.latents, gpu.timesteps, gpu.text, {&cap_g, 0, &sg});
  const at::Tensor plain_c = cpu.model->forward(cpu.latents, cpu.timesteps, cpu.text);
  const double err = test::max_relative_error(out_g, out_c), effect = test::max_relative_error(plain_c, out_c);
  INFO("CUDA vs CPU " << err << ", bent vs unbent " << effect);
  CHECK(err <= 5e-2);
  CHECK(effect > 5 * err);  // the bends, not bf16 rounding, make the difference
  for (int block = 0; block < 3; ++block) {
    INFO("block " << block);
    CHECK(test::max_relative_error(cap_g.maps.at({0, block}).first, cap_c.maps.at({0, block}).first) <= 5e-2);
  }

  BendSet inert = set;
  for (auto& b : inert.bends) b.strength = 0;
  const BendPlan pi(inert, gpu.context_for());
  const StepBends si = pi.for_step(0, true);
  CHECK(at::equal(gpu.model->forward(gpu.latents, gpu.timesteps, gpu.text, {nullptr, 0, &si}),
                  gpu.model->forward(gpu.latents, gpu.timesteps, gpu.text)));
}
