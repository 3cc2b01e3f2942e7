#include "model/wan_self_attention.h"

#include <ATen/ATen.h>

namespace wanattn {

WanSelfAttentionImpl::WanSelfAttentionImpl(int64_t dim, int64_t heads_, double eps, const ModuleOptions& opt)
    : heads(heads_) {
  q = register_module("q", Linear(dim, dim, opt.matmul()));
  k = register_module("k", Linear(dim, dim, opt.matmul()));
  v = register_module("v", Linear(dim, dim, opt.matmul()));
  o = register_module("o", Linear(dim, dim, opt.matmul()));
  norm_q = register_module("norm_q", WanRMSNorm(dim, eps, opt.fp32()));
  norm_k = register_module("norm_k", WanRMSNorm(dim, eps, opt.fp32()));
}

at::Tensor WanSelfAttentionImpl::forward(const at::Tensor& x, const RopeTable& rope) const {
  const int64_t B = x.size(0), L = x.size(1), dim = x.size(2), d = dim / heads;
  const auto dt = q->weight.scalar_type();
  const at::Tensor hq = norm_q->forward(q->forward(x)).view({B, L, heads, d});  // fp32
  const at::Tensor hk = norm_k->forward(k->forward(x)).view({B, L, heads, d});
  const at::Tensor hv = v->forward(x).view({B, L, heads, d});
  // RoPE in fp32, attention inputs in the matmul dtype: [B, n, L, d]
  const at::Tensor qa = apply_rope(hq, rope).to(dt).transpose(1, 2);
  const at::Tensor ka = apply_rope(hk, rope).to(dt).transpose(1, 2);
  const at::Tensor va = hv.transpose(1, 2);
  const at::Tensor out = at::scaled_dot_product_attention(qa, ka, va);  // [B, n, L, d]
  return o->forward(out.transpose(1, 2).reshape({B, L, dim}));
}

}  // namespace wanattn
