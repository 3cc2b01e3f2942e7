// Fused CUDA kernels for the elementwise work between the DiT's matrix multiplications.
// In eager libtorch each of these is 4-10 passes over [L, dim] fp32 tensors; fused they
// are one pass each (docs/benchmarks.md has the per-piece profile that motivated them).
// The arithmetic follows the official Wan2.1 numerics exactly where it matters:
// statistics in fp32, the RMSNorm result rounded to the input dtype before its fp32 weight,
// RoPE in fp32 (the official code uses float64; the difference is below bf16 rounding).
// Every function has a plain libtorch fallback, used on the CPU, for dtypes the kernels do
// not cover, when the build has no CUDA compiler (fused_ops_available() == false), and
// whenever autograd records through an input (training: the kernels have no backward).
#pragma once
#include <ATen/core/Tensor.h>

namespace wanattn {

// Whether this build carries the CUDA kernels.
bool fused_ops_available();
// Tests switch the kernels off to compare both paths; process-wide.
void set_fused_ops_enabled(bool enabled);

// out = LayerNorm(x) * scale + shift, no affine in the norm itself. x [B, L, D] fp32;
// scale/shift [B, 1, D] or [1, 1, D] fp32 (for the modulated norms pass 1 + scale).
// Returns `out_dtype` (the next matmul's dtype).
at::Tensor norm_scale_shift(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& shift, double eps,
                            at::ScalarType out_dtype);

// x += y * gate, in place; x [B, L, D] fp32, y [B, L, D] any float dtype, gate [B, 1, D]
// fp32 or undefined (then x += y). While autograd records, x is rebound to x + y * gate
// instead (the caller's old x stays intact for the backward of whatever read it).
void add_gated_(at::Tensor& x, const at::Tensor& y, const at::Tensor& gate);

// q/k RMSNorm over the whole width D (all heads), then (when cos/sin are defined) 3D RoPE
// with interleaved pairs per head. x [B, L, D] in the matmul dtype, weight [D] fp32,
// cos/sin [L, head_dim / 2] fp32. Returns [B, L, D] in x's dtype.
at::Tensor rms_norm_rope(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& cos, const at::Tensor& sin,
                         int64_t heads, double eps);

// The Wan VAE's RMS norm over the channel axis (F.normalize(x, dim=1) * sqrt(C) * gamma, no
// bias), then SiLU when `silu`. x [B, C, ...] in any float dtype; gamma [C, 1, ...] in x's
// dtype. The kernel (one pass instead of the eager path's seven) takes channels-last
// activations, as the VAE keeps them on CUDA; other layouts use the libtorch ops.
at::Tensor vae_rms_norm(const at::Tensor& x, const at::Tensor& gamma, bool silu);

}  // namespace wanattn
