// torch.nn.Linear with uninitialised parameters of a chosen dtype and device: weights come
// from a checkpoint (or an explicit random init), so construction costs no init pass and
// no fp32 copy of a 14B model.
#pragma once
#include <torch/nn/module.h>

namespace wanattn {

class LinearImpl : public torch::nn::Module {
 public:
  LinearImpl(int64_t in, int64_t out, at::TensorOptions options, bool bias = true);
  // x [..., in] -> [..., out] in the weight's dtype (x is cast to it).
  at::Tensor forward(const at::Tensor& x) const;
  // gelu_tanh(x W^T + b): on CUDA in the GEMM's epilogue (no extra pass over the output).
  at::Tensor forward_gelu_tanh(const at::Tensor& x) const;

  at::Tensor weight;  // [out, in]
  at::Tensor bias;    // [out] or undefined
};
TORCH_MODULE(Linear);

}  // namespace wanattn
