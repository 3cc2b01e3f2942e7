// WanAttentionBlock: modulated self-attention, cross-attention, modulated FFN, with gated
// residuals. Residual stream, norms and modulation in fp32 (official numerics); the
// projections and attention in the matmul dtype.
#pragma once
#include <torch/nn/module.h>

#include "model/wan_config.h"
#include "model/wan_cross_attention.h"
#include "model/wan_layer_norm.h"
#include "model/wan_self_attention.h"

namespace wanattn {

class WanAttentionBlockImpl : public torch::nn::Module {
 public:
  WanAttentionBlockImpl(const WanConfig& c, const ModuleOptions& o);
  // x [B, L, dim] fp32; e0 [B, 6, dim] fp32 (time projection). Returns fp32: the residual
  // stream, updated in place in x when x is contiguous (the caller's tensor changes).
  // `bends`: this block's bends in this pass (nullptr: none, the unbent code path).
  at::Tensor forward(const at::Tensor& x, const at::Tensor& e0, const RopeTable& rope, const TextKV& text,
                     const CaptureCall& capture = {}, const BlockBends* bends = nullptr) const;

  at::Tensor modulation;  // [1, 6, dim] fp32
  WanLayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};  // official names: norm3 = cross-attn LN
  WanSelfAttention self_attn{nullptr};
  WanT2VCrossAttention cross_attn{nullptr};
  Linear ffn_in{nullptr}, ffn_out{nullptr};  // registered as ffn.0 and ffn.2
};
TORCH_MODULE(WanAttentionBlock);

}  // namespace wanattn
