#include "model/sinusoidal_embedding.h"

namespace wanattn {

at::Tensor sinusoidal_embedding(const at::Tensor& timesteps, int64_t dim) {
  const int64_t half = dim / 2;
  const at::Tensor t = timesteps.to(at::kDouble).view({-1, 1});
  const at::Tensor omega = at::pow(10000.0, -at::arange(half, t.options()) / double(half)).view({1, half});
  const at::Tensor angle = t * omega;
  return at::cat({at::cos(angle), at::sin(angle)}, 1).to(at::kFloat);
}

}  // namespace wanattn
