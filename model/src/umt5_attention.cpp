#include "model/umt5_attention.h"

#include <cmath>

namespace wanattn {

at::Tensor umt5_relative_buckets(int64_t q_len, int64_t k_len, int64_t num_buckets, int64_t max_distance,
                                 at::Device device) {
  const auto i64 = at::TensorOptions().device(device).dtype(at::kLong);
  const at::Tensor rel = at::arange(k_len, i64).unsqueeze(0) - at::arange(q_len, i64).unsqueeze(1);  // [q, k]
  const int64_t half = num_buckets / 2;  // bidirectional: half the buckets for each direction
  const int64_t max_exact = half / 2;
  const at::Tensor base = (rel > 0).to(at::kLong) * half;
  const at::Tensor n = rel.abs();
  // Same float32 formula as transformers (log of n / max_exact, scaled, truncated); where
  // n < max_exact the log branch is discarded (it is -inf at n = 0).
  const at::Tensor log_ratio = at::log(n.to(at::kFloat) / double(max_exact)) /
                               std::log(double(max_distance) / double(max_exact)) * double(half - max_exact);
  const at::Tensor large = at::clamp_max(log_ratio.to(at::kLong) + max_exact, half - 1);
  return base + at::where(n < max_exact, n, large);
}

UMT5AttentionImpl::UMT5AttentionImpl(const UMT5Config& c, const at::TensorOptions& opts)
    : heads(c.num_heads), d_kv(c.d_kv) {
  q = register_module("q", T5Linear(c.d_model, c.inner_dim(), opts));
  k = register_module("k", T5Linear(c.d_model, c.inner_dim(), opts));
  v = register_module("v", T5Linear(c.d_model, c.inner_dim(), opts));
  o = register_module("o", T5Linear(c.inner_dim(), c.d_model, opts));
  // nn.Embedding(num_buckets, heads) registered as relative_attention_bias.weight.
  auto emb = std::make_shared<torch::nn::Module>();
  relative_attention_bias = emb->register_parameter("weight", at::empty({c.num_buckets, c.num_heads}, opts), false);
  register_module("relative_attention_bias", emb);
}

at::Tensor UMT5AttentionImpl::position_bias(const at::Tensor& buckets) {
  return at::embedding(relative_attention_bias, buckets).permute({2, 0, 1}).unsqueeze(0);  // [1, H, L, L]
}

at::Tensor UMT5AttentionImpl::forward(const at::Tensor& x, const at::Tensor& buckets, const at::Tensor& key_mask) {
  const int64_t B = x.size(0), L = x.size(1);
  auto split = [&](const at::Tensor& t) { return t.view({B, L, heads, d_kv}).transpose(1, 2); };  // [B, H, L, d_kv]
  const at::Tensor qh = split(q->forward(x)), kh = split(k->forward(x)), vh = split(v->forward(x));
  // T5 does not scale scores by 1/sqrt(d); bias and padding mask are added before the
  // softmax, which SDPA computes in fp32 for bf16 inputs.
  const at::Tensor bias = position_bias(buckets).to(x.scalar_type()) + key_mask;  // [B, H, L, L]
  const at::Tensor attn = at::scaled_dot_product_attention(qh, kh, vh, bias, 0.0, false, /*scale=*/1.0);
  return o->forward(attn.transpose(1, 2).reshape({B, L, heads * d_kv}));  // [B, L, d]
}

UMT5LayerSelfAttentionImpl::UMT5LayerSelfAttentionImpl(const UMT5Config& c, const at::TensorOptions& opts) {
  SelfAttention = register_module("SelfAttention", UMT5Attention(c, opts));
  layer_norm = register_module("layer_norm", UMT5LayerNorm(c.d_model, c.eps, opts));
}

}  // namespace wanattn
