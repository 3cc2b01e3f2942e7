// Wan2.1's 3D rotary position embedding (official `rope_params` / `rope_apply`).
// The head dimension's pairs are split t : h : w = d/2 - 2*(d/6) : d/6 : d/6 (22/21/21 for
// d = 128); pair j of an axis rotates by position * theta^(-2j/D_axis); pairs are
// interleaved (x[2j], x[2j+1]). cos/sin tables are computed once per grid in float64 and
// kept fp32 (no complex float64 on the hot path).
#pragma once
#include <ATen/ATen.h>

#include <array>

namespace wanattn {

struct RopeTable {
  at::Tensor cos, sin;  // [L, d/2] fp32, L = F*h*w in (f, h, w) row-major order
  std::array<int64_t, 3> grid{0, 0, 0};
};

RopeTable make_rope_table(std::array<int64_t, 3> grid, int64_t head_dim, double theta, int64_t max_positions,
                          at::Device device);
// The rotation itself is applied together with the q/k RMSNorm: fused_ops.h rms_norm_rope.

}  // namespace wanattn
