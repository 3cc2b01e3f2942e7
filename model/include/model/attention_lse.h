// Scaled dot-product attention that also returns the log-sum-exp of each query's logits.
// The capture needs the softmax denominator over all 512 text positions; the flash kernels
// compute it anyway, so taking it from them costs nothing and describes exactly the
// softmax that produced the model's output.
#pragma once
#include <ATen/core/Tensor.h>

#include <utility>

namespace wanattn {

// q [B, n, Lq, d], k/v [B, n, Lk, d] (same dtype) -> (out [B, n, Lq, d], lse [B, n, Lq] fp32),
// scale 1/sqrt(d), no mask. CUDA bf16/fp16: the flash kernel; CPU: the CPU flash kernel;
// other cases: SDPA plus an fp32 logsumexp.
std::pair<at::Tensor, at::Tensor> attention_with_lse(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v);

}  // namespace wanattn
