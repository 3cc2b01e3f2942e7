#include "model/linear.h"

#include <ATen/ATen.h>

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

}  // namespace wanattn
