#include "model/umt5_encoder.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <map>

#include "model/umt5_attention.h"

namespace wanattn {

UMT5StackImpl::UMT5StackImpl(const UMT5Config& c, const at::TensorOptions& opts) {
  block = register_module("block", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_layers; ++i) {
    blocks.push_back(UMT5Block(c, opts));
    block->push_back(blocks.back());
  }
  final_layer_norm = register_module("final_layer_norm", UMT5LayerNorm(c.d_model, c.eps, opts));
}

at::Tensor UMT5StackImpl::forward(const at::Tensor& x, const at::Tensor& buckets, const at::Tensor& key_mask) {
  at::Tensor h = x;
  for (auto& b : blocks) h = b->forward(h, buckets, key_mask);
  return final_layer_norm->forward(h);
}

UMT5EncoderModelImpl::UMT5EncoderModelImpl(const UMT5Config& c, const UMT5Options& options)
    : config_(c), options_(options) {
  const auto opts = options.tensor_options();
  auto emb = std::make_shared<torch::nn::Module>();
  shared = emb->register_parameter("weight", at::empty({c.vocab_size, c.d_model}, opts), false);
  register_module("shared", emb);
  encoder = register_module("encoder", UMT5Stack(c, opts));
}

at::Tensor UMT5EncoderModelImpl::forward(const at::Tensor& ids_in, const at::Tensor& mask_in) {
  TORCH_CHECK(ids_in.dim() == 2 && mask_in.sizes() == ids_in.sizes(),
              "UMT5 encoder: ids and mask must both be [B, L], got ", ids_in.sizes(), " and ", mask_in.sizes());
  const at::Tensor ids = ids_in.to(options_.device, at::kLong);
  const at::Tensor mask = mask_in.to(options_.device, at::kLong);
  const int64_t L = ids.size(1);
  const at::Tensor buckets = umt5_relative_buckets(L, L, config_.num_buckets, config_.max_distance, options_.device);
  // Padding keys get -inf before the softmax; padding queries are computed and zeroed below.
  const at::Tensor key_mask = at::zeros({ids.size(0), 1, 1, L}, options_.tensor_options())
                                  .masked_fill((mask == 0).view({ids.size(0), 1, 1, L}),
                                               -std::numeric_limits<float>::infinity());
  at::Tensor x = at::embedding(shared, ids);  // [B, L, d], no scaling, no absolute positions
  // An fp32 stream: each `x + sublayer(norm(x))` then adds in fp32 (the norms cast to the
  // weights' dtype), and the final norm returns the weights' dtype.
  x = x.to(options_.residual_dtype());
  const at::Tensor h = encoder->forward(x, buckets, key_mask);
  return h * mask.unsqueeze(-1).to(h.scalar_type());  // [B, L, d], rows >= T exactly 0
}

void UMT5EncoderModelImpl::random_init(uint64_t seed) {
  torch::NoGradGuard no_grad;
  const UMT5Config& c = config_;
  // T5's own initialization (transformers T5PreTrainedModel._init_weights, factor 1.0), drawn
  // in fp32 on the weights' device: parameter i of the name-sorted list from a fresh
  // generator seeded seed + i, so tests/reference/umt5_bench.py draws the very same weights.
  auto std_of = [&](const std::string& name) {
    auto ends = [&](const char* s) { return name.ends_with(s); };
    if (name == "shared.weight") return 1.0;
    if (ends("SelfAttention.q.weight")) return 1.0 / std::sqrt(double(c.d_model * c.d_kv));
    if (ends("SelfAttention.k.weight") || ends("SelfAttention.v.weight")) return 1.0 / std::sqrt(double(c.d_model));
    if (ends("SelfAttention.o.weight")) return 1.0 / std::sqrt(double(c.inner_dim()));
    if (ends("relative_attention_bias.weight")) return 1.0 / std::sqrt(double(c.d_model));
    if (ends("wi_0.weight") || ends("wi_1.weight")) return 1.0 / std::sqrt(double(c.d_model));
    if (ends("wo.weight")) return 1.0 / std::sqrt(double(c.d_ff));
    return 0.0;  // layer norms: ones
  };
  std::map<std::string, at::Tensor> params;
  for (auto& p : named_parameters()) params[p.key()] = p.value();
  uint64_t i = 0;
  for (auto& [name, t] : params) {
    const double std = std_of(name);
    if (std == 0.0) {
      t.fill_(1.0);
    } else {
      at::Generator gen = at::globalContext().defaultGenerator(t.device()).clone();
      gen.set_current_seed(seed + i);
      t.copy_(at::randn(t.sizes(), gen, at::TensorOptions().device(t.device()).dtype(at::kFloat)).mul_(std));
    }
    ++i;
  }
}

}  // namespace wanattn
