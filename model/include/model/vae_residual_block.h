// Residual block of the Wan VAE: RMS -> SiLU -> CausalConv3d(3) -> RMS -> SiLU ->
// CausalConv3d(3), plus a 1x1x1 conv shortcut when the width changes. Official names:
// residual.{0,2,3,6}, shortcut.
#pragma once
#include <torch/nn/module.h>

#include "model/vae_causal_conv3d.h"
#include "model/vae_rms_norm.h"

namespace wanattn {

class VaeResidualBlockImpl : public torch::nn::Module {
 public:
  VaeResidualBlockImpl(int64_t in, int64_t out, at::TensorOptions options);
  at::Tensor forward(const at::Tensor& x, VaeFeatureCache& cache) const;

  VaeRMSNorm norm1{nullptr}, norm2{nullptr};
  VaeCausalConv3d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};  // shortcut: null when in == out
};
TORCH_MODULE(VaeResidualBlock);

}  // namespace wanattn
