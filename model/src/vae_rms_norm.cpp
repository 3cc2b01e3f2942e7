#include "model/vae_rms_norm.h"

#include <ATen/ATen.h>

#include "model/fused_ops.h"

namespace wanattn {

VaeRMSNormImpl::VaeRMSNormImpl(int64_t channels, bool images, at::TensorOptions options) {
  gamma = register_parameter("gamma", images ? at::empty({channels, 1, 1}, options) : at::empty({channels, 1, 1, 1}, options),
                             false);
}

at::Tensor VaeRMSNormImpl::forward(const at::Tensor& x, bool silu) const { return vae_rms_norm(x, gamma, silu); }

}  // namespace wanattn
