// The VAE mid block's attention: per frame, single head over the H*W positions, scale
// 1/sqrt(C); 1x1 convs to q, k, v (in that channel order) and out. Names: norm, to_qkv, proj.
#pragma once
#include <torch/nn/module.h>

#include "model/vae_rms_norm.h"

namespace wanattn {

class VaeAttentionBlockImpl : public torch::nn::Module {
 public:
  VaeAttentionBlockImpl(int64_t channels, at::TensorOptions options);
  at::Tensor forward(const at::Tensor& x) const;  // [B, C, T, H, W]

  VaeRMSNorm norm{nullptr};
  at::Tensor qkv_weight, qkv_bias, proj_weight, proj_bias;
};
TORCH_MODULE(VaeAttentionBlock);

}  // namespace wanattn
