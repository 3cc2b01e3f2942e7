// UMT5Attention (self-attention of one encoder layer, with the layer's own relative position
// bias) and UMT5LayerSelfAttention (pre-norm + residual). Checkpoint names:
// encoder.block.i.layer.0.{layer_norm, SelfAttention.{q,k,v,o,relative_attention_bias}}.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "model/t5_layer_norm.h"
#include "model/umt5_config.h"

namespace wanattn {

// Bidirectional T5 bucket of each (query i, key j) pair, rel = j - i: int64 [q_len, k_len].
at::Tensor umt5_relative_buckets(int64_t q_len, int64_t k_len, int64_t num_buckets, int64_t max_distance,
                                 at::Device device);

struct UMT5AttentionImpl : torch::nn::Module {
  UMT5AttentionImpl(const UMT5Config& c, const at::TensorOptions& opts);
  // x [B, L, d]; buckets [L, L]; key_mask [B, 1, 1, L] additive (0 or -inf), x's dtype.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& buckets, const at::Tensor& key_mask);
  at::Tensor position_bias(const at::Tensor& buckets);  // [1, H, L, L]

  T5Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
  at::Tensor relative_attention_bias;  // `relative_attention_bias.weight` [buckets, H]
  int64_t heads, d_kv;
};
TORCH_MODULE(UMT5Attention);

struct UMT5LayerSelfAttentionImpl : torch::nn::Module {
  UMT5LayerSelfAttentionImpl(const UMT5Config& c, const at::TensorOptions& opts);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& buckets, const at::Tensor& key_mask) {
    return x + SelfAttention->forward(layer_norm->forward(x), buckets, key_mask);
  }
  UMT5Attention SelfAttention{nullptr};
  UMT5LayerNorm layer_norm{nullptr};
};
TORCH_MODULE(UMT5LayerSelfAttention);

}  // namespace wanattn
