// The Wan VAE's RMS_norm: per position, x / max(||x||_2 over channels, 1e-12) * sqrt(C) * gamma.
// gamma is [C, 1, 1, 1] for 5-D inputs and [C, 1, 1] in the (per-frame) attention block.
#pragma once
#include <torch/nn/module.h>

namespace wanattn {

class VaeRMSNormImpl : public torch::nn::Module {
 public:
  VaeRMSNormImpl(int64_t channels, bool images, at::TensorOptions options);
  // Channels on dim 1; `silu` applies SiLU after it (fused on CUDA, model/fused_ops.h).
  at::Tensor forward(const at::Tensor& x, bool silu = false) const;
  at::Tensor gamma;
};
TORCH_MODULE(VaeRMSNorm);

}  // namespace wanattn
