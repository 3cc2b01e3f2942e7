// WanSelfAttention: q/k/v/o projections, RMSNorm of q and k over the whole width, 3D RoPE,
// global softmax attention over all video tokens (SDPA: flash/cuDNN kernels on CUDA).
#pragma once
#include <torch/nn/module.h>

#include "model/wan_attention_projections.h"
#include "model/rope.h"

namespace wanattn {

struct BlockBends;

class WanSelfAttentionImpl : public WanAttentionProjections {
 public:
  WanSelfAttentionImpl(int64_t dim, int64_t heads, double eps, const ModuleOptions& o);
  // x [B, L, dim] (any dtype) -> [B, L, dim] in the matmul dtype. `bends` (self_attention
  // ones) act on the heads' outputs before the o-projection.
  at::Tensor forward(const at::Tensor& x, const RopeTable& rope, const BlockBends* bends = nullptr) const;
};
TORCH_MODULE(WanSelfAttention);

}  // namespace wanattn
