// WanSelfAttention: q/k/v/o projections, RMSNorm of q and k over the whole width, 3D RoPE,
// global softmax attention over all video tokens (SDPA: flash/cuDNN kernels on CUDA).
#pragma once
#include <torch/nn/module.h>

#include "model/linear.h"
#include "model/module_options.h"
#include "model/rope.h"
#include "model/wan_rms_norm.h"

namespace wanattn {

class WanSelfAttentionImpl : public torch::nn::Module {
 public:
  WanSelfAttentionImpl(int64_t dim, int64_t heads, double eps, const ModuleOptions& o);
  // x [B, L, dim] (any dtype) -> [B, L, dim] in the matmul dtype.
  at::Tensor forward(const at::Tensor& x, const RopeTable& rope) const;

  Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
  WanRMSNorm norm_q{nullptr}, norm_k{nullptr};
  int64_t heads;
};
TORCH_MODULE(WanSelfAttention);

}  // namespace wanattn
