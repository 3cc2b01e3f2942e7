#include "model/wan_train_init.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <string>

namespace wanattn {
namespace {

at::Tensor uniform(at::IntArrayRef shape, double bound, at::Generator& gen) {
  return at::empty(shape, at::kFloat).uniform_(-bound, bound, gen);
}

// fan_in, fan_out of a weight [out, in, k...] as torch.nn.init computes them.
std::pair<double, double> fans(const at::Tensor& w) {
  double receptive = 1;
  for (int64_t i = 2; i < w.dim(); ++i) receptive *= double(w.size(i));
  return {double(w.size(1)) * receptive, double(w.size(0)) * receptive};
}

}  // namespace

void wan_training_init(WanModel& model, uint64_t seed) {
  torch::NoGradGuard no_grad;
  at::Generator gen = at::detail::createCPUGenerator(seed);
  const double dim = model->config().dim;
  for (auto& p : model->named_parameters(/*recurse=*/true)) {
    const std::string& name = p.key();
    at::Tensor t = p.value();
    at::Tensor v;
    if (name.ends_with("modulation")) {
      v = at::randn(t.sizes(), gen, at::kFloat) / std::sqrt(dim);
    } else if (name.find("norm") != std::string::npos) {
      v = name.ends_with("bias") ? at::zeros(t.sizes(), at::kFloat) : at::ones(t.sizes(), at::kFloat);
    } else if (name.ends_with("bias")) {
      v = at::zeros(t.sizes(), at::kFloat);
    } else if (name.starts_with("head.head.")) {
      v = at::zeros(t.sizes(), at::kFloat);
    } else if (name.starts_with("text_embedding.") || name.starts_with("time_embedding.")) {
      v = at::randn(t.sizes(), gen, at::kFloat) * 0.02;
    } else {  // every other Linear, and the patch embedding flattened to [dim, in * kernel]
      const auto [fan_in, fan_out] = fans(t);
      v = uniform(t.sizes(), std::sqrt(6.0 / (fan_in + fan_out)), gen);
    }
    t.copy_(v);
  }
}

void wan_vae_training_init(WanVae& vae, uint64_t seed) {
  torch::NoGradGuard no_grad;
  at::Generator gen = at::detail::createCPUGenerator(seed);
  // Biases draw with their weight's fan-in: walk weight/bias pairs per module.
  for (auto& m : vae->modules(/*include_self=*/true)) {
    const auto own = m->named_parameters(/*recurse=*/false);
    const at::Tensor* weight = own.find("weight");
    for (auto& p : own) {
      const std::string& name = p.key();
      at::Tensor t = p.value();
      if (name == "gamma") {
        t.fill_(1.0);
        continue;
      }
      const double fan_in = weight != nullptr ? fans(*weight).first : double(t.numel());
      t.copy_(uniform(t.sizes(), 1.0 / std::sqrt(fan_in), gen));
    }
  }
  for (auto& m : vae->modules(/*include_self=*/false)) {
    if (auto* att = m->as<VaeAttentionBlock>()) att->proj_weight.zero_();
    // Each residual block starts as its shortcut (its last conv zero, as Fixup/ReZero do):
    // the decoder begins as a plain upsampling path and learns colour in a few hundred
    // steps instead of thousands, which the demo's GPU budget needs.
    if (auto* res = m->as<VaeResidualBlock>()) {
      res->conv2->weight.zero_();
      res->conv2->bias.zero_();
    }
  }
}

}  // namespace wanattn
