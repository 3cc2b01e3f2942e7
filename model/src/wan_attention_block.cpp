#include "model/wan_attention_block.h"

#include <ATen/ATen.h>

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
                                          const TextKV& text, const CaptureCall& capture) const {
  // (shift_sa, scale_sa, gate_sa, shift_ff, scale_ff, gate_ff), each [B, 1, dim] fp32
  const auto m = (modulation + e0).chunk(6, 1);
  at::Tensor x = x_in;
  const at::Tensor h1 = norm1->forward(x) * (1 + m[1]) + m[0];
  x = x + self_attn->forward(h1, rope).to(at::kFloat) * m[2];
  x = x + cross_attn->forward(norm3->forward(x), text, capture).to(at::kFloat);
  const at::Tensor h2 = norm2->forward(x) * (1 + m[4]) + m[3];
  const at::Tensor ff = ffn_out->forward(at::gelu(ffn_in->forward(h2), "tanh"));
  return x + ff.to(at::kFloat) * m[5];
}

}  // namespace wanattn
