#include "model/umt5_block.h"

#include <cmath>

namespace wanattn {

at::Tensor UMT5DenseGatedActDenseImpl::gelu_new(const at::Tensor& x) {
  if (x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble) return at::gelu(x, "tanh");
  return 0.5 * x * (1.0 + at::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * at::pow(x, 3.0))));
}

UMT5DenseGatedActDenseImpl::UMT5DenseGatedActDenseImpl(const UMT5Config& c, const at::TensorOptions& opts) {
  wi_0 = register_module("wi_0", T5Linear(c.d_model, c.d_ff, opts));
  wi_1 = register_module("wi_1", T5Linear(c.d_model, c.d_ff, opts));
  wo = register_module("wo", T5Linear(c.d_ff, c.d_model, opts));
}

UMT5LayerFFImpl::UMT5LayerFFImpl(const UMT5Config& c, const at::TensorOptions& opts) {
  DenseReluDense = register_module("DenseReluDense", UMT5DenseGatedActDense(c, opts));
  layer_norm = register_module("layer_norm", UMT5LayerNorm(c.d_model, c.eps, opts));
}

UMT5BlockImpl::UMT5BlockImpl(const UMT5Config& c, const at::TensorOptions& opts) {
  attention_ = UMT5LayerSelfAttention(c, opts);
  ff_ = UMT5LayerFF(c, opts);
  layer = register_module("layer", torch::nn::ModuleList());
  layer->push_back(attention_);
  layer->push_back(ff_);
}

}  // namespace wanattn
