// WanRMSNorm (official) / torch.nn.RMSNorm over the whole width (q/k norms of both
// attentions: all heads together, not per head). Statistics in fp32; the normalized
// value is rounded to the input dtype before the fp32 weight multiplies it, as the
// official code does; the result is in the input dtype (what the attention kernel takes).
// The arithmetic is fused_ops.h's rms_norm_rope, without rotation.
#pragma once
#include <torch/nn/module.h>

namespace wanattn {

class WanRMSNormImpl : public torch::nn::Module {
 public:
  WanRMSNormImpl(int64_t dim, double eps, at::TensorOptions fp32);
  at::Tensor forward(const at::Tensor& x) const;  // [..., dim] -> fp32 [..., dim]

  at::Tensor weight;  // [dim] fp32
  double eps;
};
TORCH_MODULE(WanRMSNorm);

}  // namespace wanattn
