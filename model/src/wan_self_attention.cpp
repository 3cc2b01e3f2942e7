#include "model/wan_self_attention.h"

#include <ATen/ATen.h>

#include <cmath>

#include "model/bend_targets.h"
#include "model/fused_ops.h"

namespace wanattn {

WanSelfAttentionImpl::WanSelfAttentionImpl(int64_t dim, int64_t heads, double eps, const ModuleOptions& opt)
    : WanAttentionProjections(dim, heads, eps, opt) {}

at::Tensor WanSelfAttentionImpl::forward(const at::Tensor& x, const RopeTable& rope, const BlockBends* bends) const {
  const int64_t B = x.size(0), L = x.size(1), dim = x.size(2), d = dim / heads;
  const auto dt = q->weight.scalar_type();
  // RMSNorm + RoPE in one pass (fp32 math), attention inputs in the matmul dtype: [B, n, L, d]
  const at::Tensor qa =
      rms_norm_rope(q->forward(x), norm_q->weight, rope.cos, rope.sin, heads, norm_q->eps).to(dt).view({B, L, heads, d}).transpose(1, 2);
  const at::Tensor ka =
      rms_norm_rope(k->forward(x), norm_k->weight, rope.cos, rope.sin, heads, norm_k->eps).to(dt).view({B, L, heads, d}).transpose(1, 2);
  const at::Tensor va = v->forward(x).view({B, L, heads, d}).transpose(1, 2);
  at::Tensor out = at::scaled_dot_product_attention(qa, ka, va);  // [B, n, L, d]
  if (bends != nullptr && !bends->self.empty()) {
    // Temperature: the same attention for those heads with the logits divided by it (SDPA's
    // scale); the L x L matrix is never formed.
    auto temperature = [&](const ResolvedBend& r, const at::Tensor& hs) {
      const double scale = 1.0 / (r.bend.params.temperature * std::sqrt(double(d)));
      return at::scaled_dot_product_attention(qa.index_select(1, hs), ka.index_select(1, hs), va.index_select(1, hs), {},
                                              0.0, false, scale);
    };
    bend_head_outputs(out, bends->self, bends->grid, temperature);
  }
  return o->forward(out.transpose(1, 2).reshape({B, L, dim}));
}

}  // namespace wanattn
