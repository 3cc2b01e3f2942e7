#include "model/wan_rms_norm.h"

#include <ATen/ATen.h>

namespace wanattn {

WanRMSNormImpl::WanRMSNormImpl(int64_t dim, double eps_, at::TensorOptions fp32) : eps(eps_) {
  weight = register_parameter("weight", at::empty({dim}, fp32), false);
}

at::Tensor WanRMSNormImpl::forward(const at::Tensor& x) const {
  const at::Tensor xf = x.to(at::kFloat);
  const at::Tensor normed = xf * at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return normed.to(x.scalar_type()).to(at::kFloat) * weight;
}

}  // namespace wanattn
