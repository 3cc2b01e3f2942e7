#include "model/wan_layer_norm.h"

#include <ATen/ATen.h>

namespace wanattn {

WanLayerNormImpl::WanLayerNormImpl(int64_t dim_, double eps_, bool affine, at::TensorOptions fp32) : dim(dim_), eps(eps_) {
  if (affine) {
    weight = register_parameter("weight", at::empty({dim}, fp32), false);
    bias = register_parameter("bias", at::empty({dim}, fp32), false);
  }
}

at::Tensor WanLayerNormImpl::forward(const at::Tensor& x) const {
  return at::layer_norm(x.to(at::kFloat), {dim}, weight, bias, eps);
}

}  // namespace wanattn
