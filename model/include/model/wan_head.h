// Head: LayerNorm (no affine) modulated by (head.modulation + e), then Linear(dim -> 64),
// all in fp32 as the official code runs it.
#pragma once
#include <torch/nn/module.h>

#include "model/linear.h"
#include "model/module_options.h"
#include "model/wan_config.h"
#include "model/wan_layer_norm.h"

namespace wanattn {

class HeadImpl : public torch::nn::Module {
 public:
  HeadImpl(const WanConfig& c, const ModuleOptions& o);
  // x [B, L, dim] fp32, e [B, dim] fp32 -> [B, L, out_dim * patch volume] fp32
  at::Tensor forward(const at::Tensor& x, const at::Tensor& e) const;

  at::Tensor modulation;  // [1, 2, dim]
  WanLayerNorm norm{nullptr};
  Linear head{nullptr};
};
TORCH_MODULE(Head);

}  // namespace wanattn
