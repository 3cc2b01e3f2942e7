// Wan2.1's timestep sinusoid (official `sinusoidal_embedding_1d`): for k < dim/2,
// omega_k = 10000^(-k/(dim/2)); embedding = [cos(t*omega), sin(t*omega)] (cos first),
// computed in float64 and returned fp32.
#pragma once
#include <ATen/ATen.h>

namespace wanattn {

at::Tensor sinusoidal_embedding(const at::Tensor& timesteps, int64_t dim);  // [B] -> [B, dim] fp32

}  // namespace wanattn
