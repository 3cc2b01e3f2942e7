#include "model/wan_attention_block.h"

#include <ATen/ATen.h>

#include "model/bend_plan.h"
#include "model/bend_targets.h"
#include "model/fused_ops.h"
#include "model/indexed_module.h"

namespace wanattn {

WanAttentionBlockImpl::WanAttentionBlockImpl(const WanConfig& c, const ModuleOptions& o) {
  modulation = register_parameter("modulation", at::empty({1, 6, c.dim}, o.fp32()), false);
  norm1 = register_module("norm1", WanLayerNorm(c.dim, c.eps, false, o.fp32()));
  self_attn = register_module("self_attn", WanSelfAttention(c.dim, c.num_heads, c.eps, o));
  norm3 = register_module("norm3", WanLayerNorm(c.dim, c.eps, c.cross_attn_norm, o.fp32()));
  cross_attn = register_module("cross_attn", WanT2VCrossAttention(c.dim, c.num_heads, c.eps, o));
  norm2 = register_module("norm2", WanLayerNorm(c.dim, c.eps, false, o.fp32()));
  ffn_in = Linear(c.dim, c.ffn_dim, o.matmul());
  ffn_out = Linear(c.ffn_dim, c.dim, o.matmul());
  register_module("ffn", IndexedModule(IndexedModuleImpl::Parts{{0, ffn_in.ptr()}, {2, ffn_out.ptr()}}));
}

at::Tensor WanAttentionBlockImpl::forward(const at::Tensor& x_in, const at::Tensor& e0, const RopeTable& rope,
                                          const TextKV& text, const CaptureCall& capture, const BlockBends* bends) const {
  // (shift_sa, scale_sa, gate_sa, shift_ff, scale_ff, gate_ff), each [B, 1, dim] fp32
  const auto m = (modulation + e0).chunk(6, 1);
  const auto dt = ffn_in->weight.scalar_type();
  at::Tensor x = x_in.contiguous();  // the fp32 residual stream, updated in place
  // The norms' fp32 result goes straight to the next matmul's dtype (where autocast would
  // cast it); fused on CUDA (fused_ops.h).
  add_gated_(x, self_attn->forward(norm_scale_shift(x, 1 + m[1], m[0], norm1->eps, dt), rope, bends), m[2]);
  const int64_t D = x.size(-1);
  const at::Tensor h3 = norm3->weight.defined()
                            ? norm_scale_shift(x, norm3->weight.view({1, 1, D}), norm3->bias.view({1, 1, D}), norm3->eps, dt)
                            : norm3->forward(x).to(dt);
  add_gated_(x, cross_attn->forward(h3, text, capture, bends), {});
  const at::Tensor h2 = norm_scale_shift(x, 1 + m[4], m[3], norm2->eps, dt);
  // The GELU output is the hidden activation itself (on CUDA fused into the GEMM's
  // epilogue): FFN bends edit it in place, so a bent block keeps the fused GEMM.
  at::Tensor hidden = ffn_in->forward_gelu_tanh(h2);  // [B, L, ffn_dim]
  if (bends != nullptr && !bends->ffn.empty()) bend_ffn_hidden(hidden, bends->ffn, bends->grid);
  add_gated_(x, ffn_out->forward(hidden), m[5]);
  return x;
}

}  // namespace wanattn
