// WanLayerNorm: LayerNorm over the width in fp32, eps 1e-6; affine only for the
// cross-attention norm (official `norm3`, diffusers `norm2`). Returns fp32.
#pragma once
#include <torch/nn/module.h>

namespace wanattn {

class WanLayerNormImpl : public torch::nn::Module {
 public:
  WanLayerNormImpl(int64_t dim, double eps, bool affine, at::TensorOptions fp32);
  at::Tensor forward(const at::Tensor& x) const;

  at::Tensor weight, bias;  // [dim] fp32, undefined without affine
  int64_t dim;
  double eps;
};
TORCH_MODULE(WanLayerNorm);

}  // namespace wanattn
