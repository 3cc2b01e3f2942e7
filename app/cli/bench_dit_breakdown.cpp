// `wanattn bench dit --breakdown`: where one block's time goes, piece by piece, at the
// benchmark's shapes (each piece timed alone with CUDA events, median of 5 after 2 warm-ups).
// A profile to decide what to optimise, not a substitute for the whole-forward timing.
#include <fmt/format.h>
#include <torch/torch.h>

#include "bench_util.h"
#include "model/attention_lse.h"
#include "model/rope.h"
#include "model/wan_model.h"

namespace wanattn::cli {

void print_block_breakdown(WanModel& model, const at::Tensor& latents, const at::Tensor& timesteps, const WanText& text,
                           int tokens) {
  const at::Device device = latents.device();
  const WanConfig& c = model->config();
  auto b = model->blocks[0]->as<WanAttentionBlock>();
  const at::Tensor pe = at::conv3d(latents.to(model->patch_weight.scalar_type()), model->patch_weight, model->patch_bias, {1, 2, 2});
  const std::array<int64_t, 3> grid{pe.size(2), pe.size(3), pe.size(4)};
  const at::Tensor x = pe.flatten(2).transpose(1, 2).to(at::kFloat).contiguous();
  const int64_t B = x.size(0), L = x.size(1), n = c.num_heads, d = c.head_dim();
  const at::Tensor e0 = at::randn({B, 6, c.dim}, x.options()) * 0.1;
  const auto m = (b->modulation + e0).chunk(6, 1);
  const RopeTable rope = make_rope_table(grid, d, 10000.0, c.rope_max_seq_len, device);
  const auto dt = model->options().matmul_dtype;

  double total = 0;
  auto piece = [&](const char* what, const std::function<void()>& f) {
    for (int i = 0; i < 2; ++i) f();
    std::vector<double> t;
    for (int i = 0; i < 5; ++i) t.push_back(time_ms(device, f));
    const double ms = median(t);
    total += ms;
    fmt::print("    {:34s} {:8.3f} ms  x{} blocks = {:8.2f} ms\n", what, ms, c.num_layers, ms * c.num_layers);
  };
  fmt::print("  block breakdown (L = {}, dim {}, {} heads):\n", L, c.dim, n);
  at::Tensor h, q, k, v, qa, ka, va, att, y, f1;
  piece("norm1 + modulate (fp32)", [&] { h = b->norm1->forward(x) * (1 + m[1]) + m[0]; });
  piece("self q, k, v projections", [&] {
    q = b->self_attn->q->forward(h), k = b->self_attn->k->forward(h), v = b->self_attn->v->forward(h);
  });
  piece("q/k RMSNorm + RoPE + cast", [&] {
    qa = apply_rope(b->self_attn->norm_q->forward(q).view({B, L, n, d}), rope).to(dt).transpose(1, 2);
    ka = apply_rope(b->self_attn->norm_k->forward(k).view({B, L, n, d}), rope).to(dt).transpose(1, 2);
    va = v.view({B, L, n, d}).transpose(1, 2);
  });
  piece("self-attention (SDPA)", [&] { att = at::scaled_dot_product_attention(qa, ka, va); });
  piece("self o projection", [&] { y = b->self_attn->o->forward(att.transpose(1, 2).reshape({B, L, c.dim})); });
  piece("gated residual", [&] { h = x + y.to(at::kFloat) * m[2]; });
  piece("norm3 (affine LN)", [&] { h = b->norm3->forward(x); });
  piece("cross q + RMSNorm + cast", [&] {
    qa = b->cross_attn->norm_q->forward(b->cross_attn->q->forward(h)).to(dt).view({B, L, n, d}).transpose(1, 2);
  });
  at::Tensor lse;
  piece("cross-attention (flash + lse)", [&] { std::tie(att, lse) = attention_with_lse(qa, text.blocks[0].k, text.blocks[0].v); });
  piece("capture maps (T columns)", [&] { capture_probabilities(qa[0], text.blocks[0].k[0], lse[0], tokens, true); });
  piece("cross o projection + residual", [&] { h = x + b->cross_attn->o->forward(att.transpose(1, 2).reshape({B, L, c.dim})).to(at::kFloat); });
  piece("norm2 + modulate", [&] { h = b->norm2->forward(x) * (1 + m[4]) + m[3]; });
  piece("FFN in", [&] { f1 = b->ffn_in->forward(h); });
  piece("GELU (tanh)", [&] { f1 = at::gelu(f1, "tanh"); });
  piece("FFN out + gated residual", [&] { h = x + b->ffn_out->forward(f1).to(at::kFloat) * m[5]; });
  fmt::print("    {:34s} {:8.3f} ms  x{} blocks = {:8.2f} ms\n", "sum of pieces", total, c.num_layers, total * c.num_layers);
  piece("whole block", [&] { h = b->forward(x, e0, rope, text.blocks[0]); });
}

}  // namespace wanattn::cli
