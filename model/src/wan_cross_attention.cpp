#include "model/wan_cross_attention.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cmath>
#include <stdexcept>

#include "model/attention_lse.h"
#include "model/bend_plan.h"
#include "model/bend_targets.h"
#include "model/cross_attention_bend.h"
#include "model/fused_ops.h"

namespace wanattn {

WanT2VCrossAttentionImpl::WanT2VCrossAttentionImpl(int64_t dim, int64_t heads, double eps, const ModuleOptions& opt)
    : WanAttentionProjections(dim, heads, eps, opt) {}

TextKV WanT2VCrossAttentionImpl::project_text(const at::Tensor& context) const {
  const int64_t B = context.size(0), S = context.size(1), dim = q->weight.size(0), d = dim / heads;
  const auto dt = q->weight.scalar_type();
  TextKV kv;
  kv.k = rms_norm_rope(k->forward(context), norm_k->weight, {}, {}, heads, norm_k->eps).to(dt).view({B, S, heads, d}).transpose(1, 2).contiguous();
  kv.v = v->forward(context).view({B, S, heads, d}).transpose(1, 2).contiguous();
  return kv;
}

at::Tensor token_logits(const at::Tensor& q, const at::Tensor& k) {
  // Logits from the very q and k the kernel saw, accumulated in fp32 (bf16 logits would be
  // off by up to 0.04). CUDA: bf16 products accumulated in fp32 by cuBLAS (bmm with an fp32
  // output); the CPU has no such kernel, and there the inputs are fp32 already.
  const double scale = 1.0 / std::sqrt(double(q.size(-1)));
  const bool low = q.scalar_type() == at::kBFloat16 || q.scalar_type() == at::kHalf;
  return (q.is_cuda() && low ? at::bmm(k, q.transpose(1, 2), at::kFloat)
                             : at::bmm(k.to(at::kFloat), q.transpose(1, 2).to(at::kFloat))) *
         scale;  // [N, T, L]
}

std::pair<at::Tensor, at::Tensor> capture_probabilities(const at::Tensor& q, const at::Tensor& k, const at::Tensor& lse,
                                                        int64_t tokens, bool per_head) {
  // Only the T real-token columns are computed, minus the kernel's log-sum-exp over all 512
  // positions. Never re-normalised over the real tokens.
  const at::Tensor logits = token_logits(q, k.narrow(1, 0, tokens));  // [n, T, L]
  at::Tensor probs = at::exp(logits - lse.unsqueeze(1));               // [n, T, L]
  at::Tensor padding = (1.0 - probs.sum(1)).clamp_min(0.0);            // [n, L]
  return finish_capture(std::move(probs), std::move(padding), per_head);
}

std::pair<at::Tensor, at::Tensor> finish_capture(at::Tensor probs, at::Tensor padding, bool per_head) {
  if (!per_head) {
    probs = probs.mean(0, /*keepdim=*/true);
    padding = padding.mean(0, /*keepdim=*/true);
  }
  return {probs.to(at::kHalf), padding.to(at::kHalf)};
}

at::Tensor WanT2VCrossAttentionImpl::forward(const at::Tensor& x, const TextKV& text, const CaptureCall& capture,
                                             const BlockBends* bends) const {
  const int64_t B = x.size(0), L = x.size(1), dim = x.size(2), d = dim / heads;
  const auto dt = q->weight.scalar_type();
  const at::Tensor qa =
      rms_norm_rope(q->forward(x), norm_q->weight, {}, {}, heads, norm_q->eps).to(dt).view({B, L, heads, d}).transpose(1, 2);  // [B, n, L, d]
  // Training (autograd recording, or compact text; never capturing): plain SDPA, which every
  // backend can differentiate, without the log-sum-exp nobody reads.
  const bool recording = at::GradMode::is_enabled() && (qa.requires_grad() || text.k.requires_grad());
  if (text.bias.defined() && capture.sink != nullptr)
    throw std::invalid_argument("cross-attention capture needs the full 512-slot text (prepare_text without compact)");
  if (capture.sink == nullptr && (recording || text.bias.defined())) {
    const at::Tensor out = text.bias.defined() ? at::scaled_dot_product_attention(qa, text.k, text.v, text.bias)
                                               : at::scaled_dot_product_attention(qa, text.k, text.v);
    return o->forward(out.transpose(1, 2).reshape({B, L, dim}));
  }
  // One kernel with or without capture, so capturing never changes the generated video.
  auto [out, lse] = attention_with_lse(qa, text.k, text.v);  // [B, n, L, d], [B, n, L]
  if (bends != nullptr && !bends->cross.empty()) {
    // Bent token maps (cross_attention_bend.h); the sink gets the maps after the bends.
    BentCrossAttention bent = bend_cross_attention(qa, text.k, text.v, out, lse, *bends,
                                                   capture.sink != nullptr ? capture.sink->tokens() : 0);
    out = bent.out;
    if (capture.sink != nullptr) {
      auto [probs, padding] = finish_capture(bent.probs, bent.padding, capture.sink->per_head());
      capture.sink->accept(capture.step, capture.block, probs, padding);
    }
  } else if (capture.sink != nullptr) {
    auto [probs, padding] = capture_probabilities(qa[0], text.k[0], lse[0], capture.sink->tokens(), capture.sink->per_head());
    capture.sink->accept(capture.step, capture.block, probs, padding);
  }
  if (bends != nullptr && !bends->cross_heads.empty()) bend_head_outputs(out, bends->cross_heads, bends->grid);
  return o->forward(out.transpose(1, 2).reshape({B, L, dim}));
}

}  // namespace wanattn
