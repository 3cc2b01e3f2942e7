// UMT5LayerNorm (T5's RMSNorm: no mean, no bias) and the bias-free Linear all T5 layers use.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace wanattn {

// y = w * (x / sqrt(mean(x^2) + eps)), statistics in fp32, the normalized x cast to the
// weight's dtype before the multiply (as transformers and Wan do).
struct UMT5LayerNormImpl : torch::nn::Module {
  UMT5LayerNormImpl(int64_t dim, double eps, const at::TensorOptions& opts);
  at::Tensor forward(const at::Tensor& x);  // [..., dim] -> same, weight dtype
  at::Tensor weight;
  double eps;
};
TORCH_MODULE(UMT5LayerNorm);

// nn.Linear(in, out, bias=False): registered as `<name>.weight` [out, in].
struct T5LinearImpl : torch::nn::Module {
  T5LinearImpl(int64_t in, int64_t out, const at::TensorOptions& opts);
  at::Tensor forward(const at::Tensor& x) { return at::linear(x, weight); }
  at::Tensor weight;
};
TORCH_MODULE(T5Linear);

}  // namespace wanattn
