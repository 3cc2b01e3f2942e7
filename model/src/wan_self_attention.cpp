#include "model/wan_self_attention.h"

#include <ATen/ATen.h>

#include "model/fused_ops.h"

namespace wanattn {

WanSelfAttentionImpl::WanSelfAttentionImpl(int64_t dim, int64_t heads, double eps, const ModuleOptions& opt)
    : WanAttentionProjections(dim, heads, eps, opt) {}

at::Tensor WanSelfAttentionImpl::forward(const at::Tensor& x, const RopeTable& rope) const {
  const int64_t B = x.size(0), L = x.size(1), dim = x.size(2), d = dim / heads;
  const auto dt = q->weight.scalar_type();
  // RMSNorm + RoPE in one pass (fp32 math), attention inputs in the matmul dtype: [B, n, L, d]
  const at::Tensor qa =
      rms_norm_rope(q->forward(x), norm_q->weight, rope.cos, rope.sin, heads, norm_q->eps).to(dt).view({B, L, heads, d}).transpose(1, 2);
  const at::Tensor ka =
      rms_norm_rope(k->forward(x), norm_k->weight, rope.cos, rope.sin, heads, norm_k->eps).to(dt).view({B, L, heads, d}).transpose(1, 2);
  const at::Tensor va = v->forward(x).view({B, L, heads, d}).transpose(1, 2);
  const at::Tensor out = at::scaled_dot_product_attention(qa, ka, va);  // [B, n, L, d]
  return o->forward(out.transpose(1, 2).reshape({B, L, dim}));
}

}  // namespace wanattn
