#include "model/linear.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include "model/module_options.h"

namespace wanattn {

ModuleOptions default_module_options(at::Device device) {
  ModuleOptions o;
  o.device = device;
  o.matmul_dtype = device.is_cuda() ? at::kBFloat16 : at::kFloat;
  return o;
}

LinearImpl::LinearImpl(int64_t in, int64_t out, at::TensorOptions options, bool with_bias) {
  weight = register_parameter("weight", at::empty({out, in}, options), /*requires_grad=*/false);
  if (with_bias) bias = register_parameter("bias", at::empty({out}, options), false);
}

at::Tensor LinearImpl::forward(const at::Tensor& x) const {
  return at::linear(x.to(weight.scalar_type()), weight, bias.defined() ? bias : at::Tensor());
}

at::Tensor LinearImpl::forward_gelu_tanh(const at::Tensor& x) const {
  // The epilogue GELU (_addmm_activation) has no backward: plain ops while autograd records.
  const bool recording = at::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad());
  if (!x.is_cuda() || !bias.defined() || recording) return at::gelu(forward(x), "tanh");
  const auto sizes = x.sizes().vec();
  const at::Tensor x2 = x.to(weight.scalar_type()).reshape({-1, sizes.back()});
  at::Tensor y = at::_addmm_activation(bias, x2, weight.t(), 1, 1, /*use_gelu=*/true);  // tanh approximation
  auto out_sizes = sizes;
  out_sizes.back() = weight.size(0);
  return y.view(out_sizes);
}

}  // namespace wanattn
