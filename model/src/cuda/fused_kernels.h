// Entry points of fused_kernels.cu (CUDA tensors, checked by the caller in fused_ops.cpp).
#pragma once
#include <ATen/core/Tensor.h>

namespace wanattn::cuda {

at::Tensor norm_scale_shift(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& shift, double eps,
                            at::ScalarType out_dtype);
void add_gated_(at::Tensor& x, const at::Tensor& y, const at::Tensor& gate);
at::Tensor rms_norm_rope(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& cos, const at::Tensor& sin,
                         int64_t heads, double eps);
// x channels-last (every pixel's C channels contiguous).
at::Tensor vae_rms_norm(const at::Tensor& x, const at::Tensor& gamma, bool silu);

}  // namespace wanattn::cuda
