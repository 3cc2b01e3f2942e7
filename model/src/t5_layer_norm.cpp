#include "model/t5_layer_norm.h"

namespace wanattn {

UMT5LayerNormImpl::UMT5LayerNormImpl(int64_t dim, double eps_, const at::TensorOptions& opts) : eps(eps_) {
  weight = register_parameter("weight", at::ones({dim}, opts), /*requires_grad=*/false);
}

at::Tensor UMT5LayerNormImpl::forward(const at::Tensor& x) {
  const at::Tensor variance = x.to(at::kFloat).pow(2).mean(-1, /*keepdim=*/true);  // [..., 1] fp32
  at::Tensor y = x * at::rsqrt(variance + eps);                                     // promoted to fp32
  if (weight.scalar_type() != at::kFloat) y = y.to(weight.scalar_type());
  return weight * y;
}

T5LinearImpl::T5LinearImpl(int64_t in, int64_t out, const at::TensorOptions& opts) {
  // Filled by the loader (or by random_init for benchmarks): no initialization cost here.
  weight = register_parameter("weight", at::empty({out, in}, opts), /*requires_grad=*/false);
}

}  // namespace wanattn
