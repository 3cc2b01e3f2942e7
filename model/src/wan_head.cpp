#include "model/wan_head.h"

#include <ATen/ATen.h>

namespace wanattn {

HeadImpl::HeadImpl(const WanConfig& c, const ModuleOptions& o) {
  const int64_t out = int64_t(c.out_dim) * c.patch[0] * c.patch[1] * c.patch[2];
  modulation = register_parameter("modulation", at::empty({1, 2, c.dim}, o.fp32()), false);
  norm = register_module("norm", WanLayerNorm(c.dim, c.eps, false, o.fp32()));
  head = register_module("head", Linear(c.dim, out, o.fp32()));
}

at::Tensor HeadImpl::forward(const at::Tensor& x, const at::Tensor& e) const {
  const auto m = (modulation + e.unsqueeze(1)).chunk(2, 1);  // shift, scale: [B, 1, dim]
  return head->forward(norm->forward(x) * (1 + m[1]) + m[0]);
}

}  // namespace wanattn
