// AdamW for training the demo model: torch's fused multi-tensor kernel (_fused_adamw_, what
// torch.optim.AdamW(fused=True) runs: a few launches per step instead of ~10 per tensor,
// which for a model this small would cost more than its matrix multiplications), with
// global-norm gradient clipping and an exponential moving average of the weights (what gets
// exported). Deterministic. Training thread only.
#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace wanattn {

struct AdamWOptions {
  double beta1 = 0.9, beta2 = 0.99, eps = 1e-8;
  double clip_norm = 1.0;   // <= 0: no clipping
  double ema_decay = 0.999;
};

class AdamW {
 public:
  explicit AdamW(AdamWOptions options = {}) : options_(options) {}
  // Parameters (marked requires_grad here) with their weight decay (0 for norms, biases,
  // modulation tables).
  void add_group(std::vector<at::Tensor> params, double weight_decay);

  // Clips, updates, updates the EMA, zeroes the gradients. Returns the gradient norm before
  // clipping as a 0-d tensor (no host sync unless the caller reads it).
  at::Tensor step(double lr);
  // The same with the learning rate in a 0-d tensor on the parameters' device, and the EMA's
  // warm-up read from the device step counter: every operation is a device operation, so
  // the step can be captured into a CUDA graph and replayed with a new rate each time.
  at::Tensor step(const at::Tensor& lr);
  // The EMA weights, parameter by parameter in add_group order.
  std::vector<at::Tensor> ema() const;
  std::vector<at::Tensor> params() const;
  // Host calls of step(); under CUDA-graph replay (the device counters advance) it does not.
  int64_t steps() const { return steps_; }

 private:
  struct Group {
    std::vector<at::Tensor> params, exp_avg, exp_avg_sq, state_steps, ema;
    double weight_decay = 0;
  };
  std::vector<at::Tensor> grads_of(Group& g) const;
  // Every group's gradients, clipped to the global norm; the norm before clipping.
  at::Tensor clip(std::vector<std::vector<at::Tensor>>& grads);
  // Both step()s: the rate on the device when lr_on_device is defined, else `lr`.
  at::Tensor update(double lr, const at::Tensor& lr_on_device);
  AdamWOptions options_;
  std::vector<Group> groups_;
  int64_t steps_ = 0;
};

}  // namespace wanattn
