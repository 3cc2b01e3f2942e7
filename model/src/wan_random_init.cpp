#include "model/wan_random_init.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

namespace wanattn {
void wan_random_init(torch::nn::Module& model, uint64_t seed) {
  torch::NoGradGuard no_grad;
  at::manual_seed(seed);  // seeds the CPU and every CUDA generator
  for (auto& p : model.named_parameters(/*recurse=*/true)) {
    const std::string& name = p.key();
    at::Tensor t = p.value();
    // Drawn in fp32 then rounded, so bf16 and fp32 models of one seed hold close values.
    const auto f32 = t.options().dtype(at::kFloat);
    at::Tensor v;
    if (name.ends_with("modulation")) {
      v = at::randn(t.sizes(), f32) * 0.1;
    } else if (name.find("norm") != std::string::npos || name.ends_with("gamma")) {  // DiT norms, VAE RMS gammas
      v = 1.0 + at::randn(t.sizes(), f32) * 0.1;
    } else if (name.ends_with("bias")) {
      v = at::randn(t.sizes(), f32) * 0.02;
    } else {
      int64_t fan_in = 1;
      for (int64_t i = 1; i < t.dim(); ++i) fan_in *= t.size(i);
      v = at::randn(t.sizes(), f32) / std::sqrt(double(fan_in));
    }
    t.copy_(v);
  }
}

}  // namespace wanattn
