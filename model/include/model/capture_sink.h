// Where the cross-attention probabilities of the conditional pass go. The DiT calls a sink
// from the inference thread, inside its forward; a sink must not block on disk (the
// CaptureWriter copies to pinned memory and hands the slice to its writer thread).
#pragma once
#include <ATen/ATen.h>

namespace wanattn {

class CaptureSink {
 public:
  virtual ~CaptureSink() = default;
  // Should block `block` at sampler step `step` be captured? (model indices)
  virtual bool wants(int step, int block) const = 0;
  // true: one map per head; false: the mean over heads only.
  virtual bool per_head() const = 0;
  // Real prompt tokens to keep (EOS included): the first `tokens()` of the 512 positions.
  virtual int tokens() const = 0;
  // probs [H, T, L] float16 and padding [H, L] float16 (H = heads, or 1 for the mean),
  // contiguous, on the compute device; valid only during the call (copy what you keep).
  virtual void accept(int step, int block, const at::Tensor& probs, const at::Tensor& padding) = 0;
};

}  // namespace wanattn
