// Random weights for a WanModel (or the WanVae) of any size, for benchmarks and GPU parity runs where no
// checkpoint can be downloaded. Scaled so activations keep a realistic range through all
// blocks: matrices ~ N(0, 1/fan_in), norm weights ~ 1 + N(0, 0.1^2), biases and
// modulation tables small. Drawn on the parameter's device from one seeded generator.
#pragma once
#include <torch/nn/module.h>

#include <cstdint>

namespace wanattn {

void wan_random_init(torch::nn::Module& model, uint64_t seed);

}  // namespace wanattn
