// The bend operations on maps over the latent grid (docs/bending.md defines each): x is
// [N, F, h, w] fp32 — N maps (head x token probabilities or logits, head-output channels,
// FFN neurons) over the DiT's patch grid (latent frames, rows, columns). Runs on the
// inference thread, on the tensors' device; plain libtorch ops (CPU and CUDA alike).
#pragma once
#include <ATen/ATen.h>

#include <array>

#include "model/bend.h"

namespace wanattn {

// "Nothing" in the logit domain: exp(kEmptyLogit - lse) is exactly 0 in fp32, and it stays
// finite, so blurs and blends of an emptied logit map stay defined.
inline constexpr double kEmptyLogit = -1.0e4;

// The region's weight over the grid [F, h, w] fp32 (1 inside, 0 outside, between for a
// painted mask), on `device`.
at::Tensor region_weight(const BendRegion& region, std::array<int64_t, 3> grid, at::Device device);

// op(x), the operation alone, [N, F, h, w] fp32. `empty` is the domain's "nothing" (0 for
// probabilities and activations, kEmptyLogit for logits); `region` [F, h, w] or undefined
// (the mask operation keeps it). Temperature has no map form here (self-attention computes it).
at::Tensor bend_op(const Bend& bend, const at::Tensor& x, double empty, const at::Tensor& region);

// lerp(x, y, strength * region): y where the weight is 1, x where it is 0. The mask
// operation's region is part of its op, so it blends by strength alone.
at::Tensor bend_blend(const Bend& bend, const at::Tensor& x, const at::Tensor& y, const at::Tensor& region);

// bend_blend(bend, x, bend_op(bend, x, empty, region), region)
at::Tensor apply_bend(const Bend& bend, const at::Tensor& x, double empty, const at::Tensor& region);

// Building blocks (tests compare them with direct computations).
// Gaussian blur matrix [n, n] (rows sum to 1, edges replicated); identity for sigma 0.
at::Tensor gaussian_blur_matrix(int64_t n, double sigma, at::Device device);
// Resamples each frame of x at the cells p_src = A (p - c) + c - shift (cells; c the grid
// centre): rotation and translation. Bilinear; `padding` decides what lies outside.
at::Tensor resample_frames(const at::Tensor& x, double degrees, double dx, double dy, BendPadding padding, double empty);

}  // namespace wanattn
