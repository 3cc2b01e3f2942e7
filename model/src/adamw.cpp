#include "model/adamw.h"

#include <torch/torch.h>

namespace wanattn {

void AdamW::add_group(std::vector<at::Tensor> params, double weight_decay) {
  torch::NoGradGuard no_grad;
  Group g;
  g.weight_decay = weight_decay;
  for (auto& p : params) {
    p.set_requires_grad(true);
    g.exp_avg.push_back(at::zeros_like(p));
    g.exp_avg_sq.push_back(at::zeros_like(p));
    // The fused kernel wants one step counter per tensor, on the parameters' device.
    g.state_steps.push_back(at::zeros({}, p.options().dtype(at::kFloat)));
    g.ema.push_back(p.detach().clone());
  }
  g.params = std::move(params);
  groups_.push_back(std::move(g));
}

std::vector<at::Tensor> AdamW::grads_of(Group& g) const {
  std::vector<at::Tensor> grads;
  for (auto& p : g.params) {
    if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);  // a parameter the loss did not reach
    grads.push_back(p.grad());
  }
  return grads;
}

at::Tensor AdamW::clip(std::vector<std::vector<at::Tensor>>& grads) {
  std::vector<at::Tensor> norms;
  for (auto& g : groups_) {
    grads.push_back(grads_of(g));
    for (auto& n : at::_foreach_norm(grads.back(), 2)) norms.push_back(n);
  }
  const at::Tensor total = at::stack(norms).norm();
  if (options_.clip_norm > 0) {
    const at::Tensor coef = (options_.clip_norm / (total + 1e-6)).clamp_max(1.0);
    for (auto& gr : grads) at::_foreach_mul_(gr, coef);
  }
  return total;
}

at::Tensor AdamW::step(double lr) { return update(lr, {}); }

at::Tensor AdamW::step(const at::Tensor& lr) { return update(0.0, lr); }

at::Tensor AdamW::update(double lr, const at::Tensor& lr_on_device) {
  torch::NoGradGuard no_grad;
  std::vector<std::vector<at::Tensor>> grads;
  const at::Tensor total = clip(grads);
  ++steps_;
  const bool on_device = lr_on_device.defined();
  for (size_t i = 0; i < groups_.size(); ++i) {
    Group& g = groups_[i];
    at::_foreach_add_(g.state_steps, 1.0);
    if (on_device)
      at::_fused_adamw_(g.params, grads[i], g.exp_avg, g.exp_avg_sq, {}, g.state_steps, lr_on_device, options_.beta1,
                        options_.beta2, g.weight_decay, options_.eps, /*amsgrad=*/false, /*maximize=*/false);
    else
      at::_fused_adamw_(g.params, grads[i], g.exp_avg, g.exp_avg_sq, {}, g.state_steps, lr, options_.beta1, options_.beta2,
                        g.weight_decay, options_.eps, /*amsgrad=*/false, /*maximize=*/false);
    // EMA, with the usual warm-up so early weights do not linger: decay min(d, (1+n)/(10+n)).
    // On the device path its weight comes from the group's own step counter (no host value
    // may be baked into a captured graph).
    if (on_device) {
      const at::Tensor& n = g.state_steps.front();
      const at::Tensor w = 1.0 - at::clamp_max((1.0 + n) / (10.0 + n), options_.ema_decay);
      std::vector<at::Tensor> diff = at::_foreach_sub(g.params, g.ema);
      at::_foreach_mul_(diff, w);
      at::_foreach_add_(g.ema, diff);
    } else {
      const double d = std::min(options_.ema_decay, (1.0 + double(steps_)) / (10.0 + double(steps_)));
      at::_foreach_lerp_(g.ema, g.params, 1.0 - d);
    }
    at::_foreach_zero_(grads[i]);
  }
  return total;
}

std::vector<at::Tensor> AdamW::ema() const {
  std::vector<at::Tensor> out;
  for (const auto& g : groups_) out.insert(out.end(), g.ema.begin(), g.ema.end());
  return out;
}

std::vector<at::Tensor> AdamW::params() const {
  std::vector<at::Tensor> out;
  for (const auto& g : groups_) out.insert(out.end(), g.params.begin(), g.params.end());
  return out;
}

}  // namespace wanattn
