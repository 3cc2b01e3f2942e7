// UMT5DenseGatedActDense (the gated tanh-GELU FFN), UMT5LayerFF (pre-norm + residual) and
// UMT5Block (self-attention layer then FFN layer). Checkpoint names:
// encoder.block.i.layer.1.{layer_norm, DenseReluDense.{wi_0, wi_1, wo}}.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "model/t5_layer_norm.h"
#include "model/umt5_attention.h"
#include "model/umt5_config.h"

namespace wanattn {

struct UMT5DenseGatedActDenseImpl : torch::nn::Module {
  UMT5DenseGatedActDenseImpl(const UMT5Config& c, const at::TensorOptions& opts);
  // wo( gelu_tanh(wi_0 x) * wi_1 x ): [B, L, d] -> [B, L, d]
  at::Tensor forward(const at::Tensor& x) { return wo->forward(gelu_new(wi_0->forward(x)) * wi_1->forward(x)); }
  // The tanh GELU as the references compute it ("gelu_new"): in bf16 each operation of the
  // formula rounds, which a fused kernel (fp32 inside) does not; fp32 uses the fused one.
  static at::Tensor gelu_new(const at::Tensor& x);
  T5Linear wi_0{nullptr}, wi_1{nullptr}, wo{nullptr};
};
TORCH_MODULE(UMT5DenseGatedActDense);

struct UMT5LayerFFImpl : torch::nn::Module {
  UMT5LayerFFImpl(const UMT5Config& c, const at::TensorOptions& opts);
  at::Tensor forward(const at::Tensor& x) { return x + DenseReluDense->forward(layer_norm->forward(x)); }
  UMT5DenseGatedActDense DenseReluDense{nullptr};
  UMT5LayerNorm layer_norm{nullptr};
};
TORCH_MODULE(UMT5LayerFF);

struct UMT5BlockImpl : torch::nn::Module {
  UMT5BlockImpl(const UMT5Config& c, const at::TensorOptions& opts);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& buckets, const at::Tensor& key_mask) {
    return ff_->forward(attention_->forward(x, buckets, key_mask));
  }
  torch::nn::ModuleList layer;  // "layer.0" self-attention, "layer.1" FFN (the checkpoint's names)

 private:
  UMT5LayerSelfAttention attention_{nullptr};
  UMT5LayerFF ff_{nullptr};
};
TORCH_MODULE(UMT5Block);

}  // namespace wanattn
