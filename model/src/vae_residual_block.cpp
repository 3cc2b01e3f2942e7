#include "model/vae_residual_block.h"

#include <ATen/ATen.h>

#include "model/indexed_module.h"

namespace wanattn {

VaeResidualBlockImpl::VaeResidualBlockImpl(int64_t in, int64_t out, at::TensorOptions o) {
  norm1 = VaeRMSNorm(in, false, o);
  conv1 = VaeCausalConv3d(in, out, kVaeKernel3, kVaePad1, o);
  norm2 = VaeRMSNorm(out, false, o);
  conv2 = VaeCausalConv3d(out, out, kVaeKernel3, kVaePad1, o);
  // torch.nn.Sequential(RMS, SiLU, conv, RMS, SiLU, Dropout, conv): parameters at 0, 2, 3, 6.
  register_module("residual",
                  IndexedModule(IndexedModuleImpl::Parts{{0, norm1.ptr()}, {2, conv1.ptr()}, {3, norm2.ptr()}, {6, conv2.ptr()}}));
  if (in != out) shortcut = register_module("shortcut", VaeCausalConv3d(in, out, kVaeKernel1, kVaePad0, o));
}

at::Tensor VaeResidualBlockImpl::forward(const at::Tensor& x, VaeFeatureCache& cache) const {
  const at::Tensor skip = shortcut ? shortcut->forward(x) : x;
  at::Tensor h = conv1->forward_cached(norm1->forward(x, /*silu=*/true), cache.take());
  h = conv2->forward_cached(norm2->forward(h, /*silu=*/true), cache.take());
  return h + skip;
}

}  // namespace wanattn
