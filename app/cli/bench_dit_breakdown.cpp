// `wanattn bench dit --breakdown`: where one block's time goes, piece by piece, at the
// benchmark's shapes (each piece timed alone with CUDA events, median of 5 after 2 warm-ups).
// A profile to decide what to optimise, not a substitute for the whole-forward timing.
#include <fmt/format.h>
#include <torch/torch.h>

#include "bench_util.h"
#include "model/attention_lse.h"
#include "model/fused_ops.h"
#include "model/rope.h"
#include "model/sinusoidal_embedding.h"
#include "model/wan_model.h"

namespace wanattn::cli {

void print_block_breakdown(WanModel& model, const at::Tensor& latents, const at::Tensor& timesteps, const WanText& text,
                           int tokens) {
  const at::Device device = latents.device();
  const WanConfig& c = model->config();
  auto b = model->blocks[0]->as<WanAttentionBlock>();
  std::array<int64_t, 3> grid{};
  const at::Tensor x = model->patch_embed(latents, grid).to(at::kFloat);
  const int64_t B = x.size(0), L = x.size(1), n = c.num_heads, d = c.head_dim();
  const at::Tensor e0 = at::randn({B, 6, c.dim}, x.options()) * 0.1;
  const auto m = (b->modulation + e0).chunk(6, 1);
  const RopeTable rope = make_rope_table(grid, d, 10000.0, c.rope_max_seq_len, device);
  const auto dt = model->options().matmul_dtype;

  double total = 0;
  bool per_block = true;  // the pieces of one block are shown times the block count; the rest once
  auto piece = [&](const std::string& what, const std::function<void()>& f) {
    for (int i = 0; i < 2; ++i) f();
    std::vector<double> t;
    for (int i = 0; i < 5; ++i) t.push_back(time_ms(device, f));
    const double ms = median(t);
    total += ms;
    if (per_block)
      fmt::print("    {:38s} {:8.3f} ms  x{} blocks = {:8.2f} ms\n", what, ms, c.num_layers, ms * c.num_layers);
    else
      fmt::print("    {:38s} {:8.3f} ms\n", what, ms);
  };
  fmt::print("  block breakdown (L = {}, dim {}, {} heads):\n", L, c.dim, n);
  at::Tensor h, q, k, v, qa, ka, va, att, y, f1;
  at::Tensor xr = x.clone();  // the in-place residual pieces update this copy
  const auto& sa = b->self_attn;
  const auto& ca = b->cross_attn;
  piece("norm1 + modulate", [&] { h = norm_scale_shift(x, 1 + m[1], m[0], 1e-6, dt); });
  piece("self q, k, v projections", [&] { q = sa->q->forward(h), k = sa->k->forward(h), v = sa->v->forward(h); });
  piece("q/k RMSNorm + RoPE", [&] {
    qa = rms_norm_rope(q, sa->norm_q->weight, rope.cos, rope.sin, n, 1e-6).view({B, L, n, d}).transpose(1, 2);
    ka = rms_norm_rope(k, sa->norm_k->weight, rope.cos, rope.sin, n, 1e-6).view({B, L, n, d}).transpose(1, 2);
    va = v.view({B, L, n, d}).transpose(1, 2);
  });
  piece("self-attention (SDPA)", [&] { att = at::scaled_dot_product_attention(qa, ka, va); });
  piece("self o projection", [&] { y = sa->o->forward(att.transpose(1, 2).reshape({B, L, c.dim})); });
  piece("gated residual", [&] { add_gated_(xr, y, m[2]); });
  piece("norm3 (affine LN)", [&] {
    h = norm_scale_shift(x, b->norm3->weight.view({1, 1, c.dim}), b->norm3->bias.view({1, 1, c.dim}), 1e-6, dt);
  });
  piece("cross q + RMSNorm", [&] {
    qa = rms_norm_rope(ca->q->forward(h), ca->norm_q->weight, {}, {}, n, 1e-6).view({B, L, n, d}).transpose(1, 2);
  });
  at::Tensor lse;
  piece("cross-attention (flash + lse)", [&] { std::tie(att, lse) = attention_with_lse(qa, text.blocks[0].k, text.blocks[0].v); });
  piece("capture maps (T columns)", [&] { capture_probabilities(qa[0], text.blocks[0].k[0], lse[0], tokens, true); });
  piece("cross o projection + residual", [&] { add_gated_(xr, ca->o->forward(att.transpose(1, 2).reshape({B, L, c.dim})), {}); });
  piece("norm2 + modulate", [&] { h = norm_scale_shift(x, 1 + m[4], m[3], 1e-6, dt); });
  piece("FFN in + GELU (epilogue)", [&] { f1 = b->ffn_in->forward_gelu_tanh(h); });
  piece("FFN out + gated residual", [&] { add_gated_(xr, b->ffn_out->forward(f1), m[5]); });
  fmt::print("    {:38s} {:8.3f} ms  x{} blocks = {:8.2f} ms\n", "sum of pieces", total, c.num_layers, total * c.num_layers);
  piece("whole block", [&] { h = b->forward(xr, e0, rope, text.blocks[0]); });
  fmt::print("  outside the blocks (once per forward):\n");
  per_block = false;
  piece("patch embedding (one GEMM)", [&] { h = model->patch_embed(latents, grid); });
  piece("the same as a conv3d (the references)", [&] {
    h = at::conv3d(latents.to(model->patch_weight.scalar_type()), model->patch_weight, model->patch_bias,
                   {c.patch[0], c.patch[1], c.patch[2]});
  });
  piece("time embedding + projection", [&] {
    auto e = model->time_out->forward(at::silu(model->time_in->forward(sinusoidal_embedding(timesteps, c.freq_dim).to(device))));
    h = model->time_proj->forward(at::silu(e));
  });
  piece("head (fp32)", [&] { h = model->head->forward(x, at::zeros({B, c.dim}, x.options())); });
  piece(fmt::format("{} blocks back to back", c.num_layers), [&] {
    for (int i = 0; i < c.num_layers; ++i) model->blocks[size_t(i)]->as<WanAttentionBlock>()->forward(xr, e0, rope, text.blocks[size_t(i)]);
  });
}

}  // namespace wanattn::cli
