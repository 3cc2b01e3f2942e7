// Bends on prompt tokens' cross-attention maps without the [heads, L, 512] matrix
// (docs/bending.md, "cross-attention"). For the heads a bend touches, with S the bent
// tokens and U the other 512 - |S| keys:
//   (o_U, lse_U) = attention over U only (the same flash kernel, fewer keys)
//   l_S          = q . k_S / sqrt(d), fp32, [|S|, L]: the only logits materialised
//   pre-softmax bends act on l_S; lse' = logaddexp(lse_U, logsumexp(l_S))
//   P_S = exp(l_S - lse'), w_U = exp(lse_U - lse'): the new softmax, untouched keys keep
//   their ratios; post-softmax bends act on P_S; renormalising divides by w_U + sum(P_S)
//   o' = w_U o_U + P_S^T v_S
// Exact (no subtraction of the old contribution, which would amplify bf16 error when a
// dominant token is removed). Heads without bends keep the kernel's output bit for bit.
#pragma once
#include <ATen/ATen.h>

#include "model/bend_plan.h"

namespace wanattn {

struct BentCrossAttention {
  at::Tensor out;      // [B, n, L, d] in out's dtype
  at::Tensor probs;    // batch item 0's maps after the bends, [n, T, L] fp32 (when captured)
  at::Tensor padding;  // [n, L] fp32: the mass on the padding slots, after the bends
};

// q [B, n, L, d], k/v [B, n, 512, d] (the text, k after its norm); out [B, n, L, d] and lse
// [B, n, L] the kernel's result over all keys. capture_tokens = T > 0 also returns the maps
// of the first T tokens (T must cover every bent token).
BentCrossAttention bend_cross_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, at::Tensor out,
                                        const at::Tensor& lse, const BlockBends& bends, int capture_tokens);

}  // namespace wanattn
