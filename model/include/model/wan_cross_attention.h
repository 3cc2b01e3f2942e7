// WanT2VCrossAttention: video queries attend over all 512 text slots (padding included,
// unmasked, as in both reference implementations). The text keys/values depend only on
// the prompt, so they are projected once per prompt (project_text) and reused every step.
// When capturing, the probabilities of the real tokens are exp(scale*q.k - lse) from fp32
// logits and the attention kernel's own log-sum-exp over all 512 positions, i.e. the
// model's softmax, never re-normalised.
#pragma once
#include <torch/nn/module.h>

#include "model/capture_sink.h"
#include "model/wan_attention_projections.h"

namespace wanattn {
struct BlockBends;
}

namespace wanattn {

struct TextKV {
  at::Tensor k, v;  // [B, n, 512, d] in the matmul dtype (k after its RMSNorm)
  // Compact text (training, WanModel::prepare_text): [1, 1, 1, S + 1] added to the logits,
  // log(number of padding slots) on the last row, which stands for all of them. Undefined:
  // the full 512 rows.
  at::Tensor bias;
};

// What a block's cross-attention should hand to a sink.
struct CaptureCall {
  CaptureSink* sink = nullptr;
  int step = 0;
  int block = 0;
};

class WanT2VCrossAttentionImpl : public WanAttentionProjections {
 public:
  WanT2VCrossAttentionImpl(int64_t dim, int64_t heads, double eps, const ModuleOptions& o);
  TextKV project_text(const at::Tensor& context) const;  // [B, 512, dim] -> K/V
  // x [B, L, dim] -> [B, L, dim] in the matmul dtype. With `capture.sink`, batch item 0's
  // probabilities go to the sink (after the bends, when `bends` has cross_attention ones).
  at::Tensor forward(const at::Tensor& x, const TextKV& text, const CaptureCall& capture = {},
                     const BlockBends* bends = nullptr) const;
};
TORCH_MODULE(WanT2VCrossAttention);

// The captured probabilities of one attention call: probs [H, T, L] and padding mass
// [H, L] in float16 (H = heads, or 1 = the mean over heads). q [n, L, d], k [n, 512, d]
// are batch item 0's attention inputs, lse [n, L] the kernel's log-sum-exp (fp32).
std::pair<at::Tensor, at::Tensor> capture_probabilities(const at::Tensor& q, const at::Tensor& k, const at::Tensor& lse,
                                                        int64_t tokens, bool per_head);
// fp32 probs [H, T, L] and padding [H, L] -> what a sink takes (head mean when !per_head, fp16).
std::pair<at::Tensor, at::Tensor> finish_capture(at::Tensor probs, at::Tensor padding, bool per_head);
// scale * q.k for a few keys, accumulated in fp32: q [N, L, d], k [N, T, d] -> [N, T, L] fp32.
at::Tensor token_logits(const at::Tensor& q, const at::Tensor& k);

}  // namespace wanattn
