#include "model/vae_rms_norm.h"

#include <ATen/ATen.h>

#include <cmath>

namespace wanattn {

VaeRMSNormImpl::VaeRMSNormImpl(int64_t channels, bool images, at::TensorOptions options) {
  gamma = register_parameter("gamma", images ? at::empty({channels, 1, 1}, options) : at::empty({channels, 1, 1, 1}, options),
                             false);
}

at::Tensor VaeRMSNormImpl::forward(const at::Tensor& x) const {
  // Normalised in fp32 whatever the storage dtype (diffusers does so for half types).
  const at::Tensor xf = x.to(at::kFloat);
  const at::Tensor n = xf / at::linalg_vector_norm(xf, 2, {1}, /*keepdim=*/true).clamp_min(1e-12);
  return (n.to(x.scalar_type()) * std::sqrt(double(x.size(1)))) * gamma;
}

}  // namespace wanattn
