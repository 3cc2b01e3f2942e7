#include "model/rope.h"

#include <fmt/format.h>

#include <stdexcept>

namespace wanattn {

RopeTable make_rope_table(std::array<int64_t, 3> grid, int64_t head_dim, double theta, int64_t max_positions,
                          at::Device device) {
  for (int64_t g : grid)
    if (g > max_positions)
      throw std::invalid_argument(fmt::format("latent grid {}x{}x{} exceeds the model's {} RoPE positions per axis", grid[0],
                                              grid[1], grid[2], max_positions));
  const int64_t pairs = head_dim / 2;
  const int64_t hw_pairs = head_dim / 6;             // pairs for h and for w
  const int64_t t_pairs = pairs - 2 * hw_pairs;      // the rest for t
  const int64_t axis_pairs[3] = {t_pairs, hw_pairs, hw_pairs};
  const auto f64 = at::TensorOptions().dtype(at::kDouble);
  // angle[f, h, w, pair] = pos_axis(pair) * omega(pair), computed in float64.
  std::array<at::Tensor, 3> per_axis;
  for (int a = 0; a < 3; ++a) {
    const int64_t dim_axis = 2 * axis_pairs[a];
    const at::Tensor j = at::arange(axis_pairs[a], f64);
    const at::Tensor omega = at::pow(theta, -2.0 * j / double(dim_axis));
    per_axis[a] = at::outer(at::arange(grid[a], f64), omega);  // [grid_a, pairs_a]
  }
  const int64_t F = grid[0], H = grid[1], W = grid[2];
  const at::Tensor angle = at::cat({per_axis[0].view({F, 1, 1, t_pairs}).expand({F, H, W, t_pairs}),
                                    per_axis[1].view({1, H, 1, hw_pairs}).expand({F, H, W, hw_pairs}),
                                    per_axis[2].view({1, 1, W, hw_pairs}).expand({F, H, W, hw_pairs})},
                                   -1)
                               .reshape({F * H * W, pairs});
  RopeTable t;
  t.grid = grid;
  t.cos = at::cos(angle).to(at::TensorOptions().dtype(at::kFloat).device(device));
  t.sin = at::sin(angle).to(at::TensorOptions().dtype(at::kFloat).device(device));
  return t;
}

}  // namespace wanattn
