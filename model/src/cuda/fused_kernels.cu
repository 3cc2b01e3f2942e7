// CUDA kernels behind model/fused_ops.h. One thread block per token row; the row's
// statistics are reduced in fp32 through warp shuffles and a small shared array.
#include <ATen/ATen.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "fused_kernels.h"

namespace wanattn::cuda {
namespace {

constexpr int kThreads = 256;

__device__ inline float to_f(float v) { return v; }
__device__ inline float to_f(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ inline float to_f(__half v) { return __half2float(v); }
template <typename T> __device__ inline T from_f(float v);
template <> __device__ inline float from_f<float>(float v) { return v; }
template <> __device__ inline __nv_bfloat16 from_f<__nv_bfloat16>(float v) { return __float2bfloat16(v); }
template <> __device__ inline __half from_f<__half>(float v) { return __float2half(v); }

// Sum over the block; every thread gets the result.
__device__ float block_sum(float v) {
  __shared__ float partial[kThreads / 32];
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  __syncthreads();  // partial may still be read from a previous call
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  float total = 0;
  for (int w = 0; w < kThreads / 32; ++w) total += partial[w];
  return total;
}

// LayerNorm statistics in two passes over the row held in registers/L1 (D <= 8192).
template <typename Out>
__global__ void norm_scale_shift_kernel(const float* __restrict__ x, const float* __restrict__ scale,
                                        const float* __restrict__ shift, Out* __restrict__ out, int64_t rows_per_batch,
                                        int64_t mod_batch_stride, int D, float eps) {
  const int64_t row = blockIdx.x;
  const float* xr = x + row * D;
  const int64_t b = row / rows_per_batch;
  const float* sc = scale + b * mod_batch_stride;
  const float* sh = shift + b * mod_batch_stride;
  float sum = 0;
  for (int i = threadIdx.x; i < D; i += kThreads) sum += xr[i];
  const float mean = block_sum(sum) / float(D);
  float sq = 0;
  for (int i = threadIdx.x; i < D; i += kThreads) {
    const float c = xr[i] - mean;
    sq += c * c;
  }
  const float rstd = rsqrtf(block_sum(sq) / float(D) + eps);
  for (int i = threadIdx.x; i < D; i += kThreads) out[row * D + i] = from_f<Out>((xr[i] - mean) * rstd * sc[i] + sh[i]);
}

template <typename Y>
__global__ void add_gated_kernel(float* __restrict__ x, const Y* __restrict__ y, const float* __restrict__ gate,
                                 int64_t n, int64_t per_batch, int D) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const float g = gate ? gate[(i / per_batch) * D + i % D] : 1.0f;
    x[i] += to_f(y[i]) * g;
  }
}

// RMSNorm over the row, rounded to T (as the official `.type_as(x)`), times the fp32
// weight, then RoPE on interleaved pairs: pair p of the row is pair p % (d/2) of head
// p / (d/2), rotated by the angle of (token, p % (d/2)).
template <typename T>
__global__ void rms_norm_rope_kernel(const T* __restrict__ x, const float* __restrict__ w, const float* __restrict__ cosv,
                                     const float* __restrict__ sinv, T* __restrict__ out, int64_t L, int D, int half_head,
                                     float eps) {
  const int64_t row = blockIdx.x;
  const int64_t token = row % L;
  const T* xr = x + row * D;
  float sq = 0;
  for (int i = threadIdx.x; i < D; i += kThreads) {
    const float v = to_f(xr[i]);
    sq += v * v;
  }
  const float r = rsqrtf(block_sum(sq) / float(D) + eps);
  for (int p = threadIdx.x; p < D / 2; p += kThreads) {
    const int i = 2 * p;
    const float a = to_f(from_f<T>(to_f(xr[i]) * r)) * w[i];
    const float b = to_f(from_f<T>(to_f(xr[i + 1]) * r)) * w[i + 1];
    if (cosv != nullptr) {
      const int j = p % half_head;
      const float c = cosv[token * half_head + j], s = sinv[token * half_head + j];
      out[row * D + i] = from_f<T>(a * c - b * s);
      out[row * D + i + 1] = from_f<T>(a * s + b * c);
    } else {
      out[row * D + i] = from_f<T>(a);
      out[row * D + i + 1] = from_f<T>(b);
    }
  }
}


// The VAE's RMS norm over channels (F.normalize(x, dim=1) * sqrt(C) * gamma), optionally
// followed by SiLU, on channels-last activations: each row of C channels is contiguous and
// one warp owns a row. The roundings of the eager path are kept: the normalised value, the
// sqrt(C) product and the gamma product are each rounded to T, as the separate ops do.
template <typename T>
__global__ void vae_rms_norm_kernel(const T* __restrict__ x, const T* __restrict__ gamma, T* __restrict__ out,
                                    int64_t rows, int C, float scale, bool silu) {
  const int64_t row = blockIdx.x * int64_t(blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  const T* xr = x + row * C;
  float sq = 0;
  for (int c = lane; c < C; c += 32) {
    const float v = to_f(xr[c]);
    sq += v * v;
  }
  for (int o = 16; o > 0; o >>= 1) sq += __shfl_xor_sync(0xffffffffu, sq, o);
  const float norm = fmaxf(sqrtf(sq), 1e-12f);
  for (int c = lane; c < C; c += 32) {
    float v = to_f(from_f<T>(to_f(xr[c]) / norm));
    v = to_f(from_f<T>(v * scale));
    v = to_f(from_f<T>(v * to_f(gamma[c])));
    if (silu) v = v / (1.0f + __expf(-v));
    out[row * C + c] = from_f<T>(v);
  }
}

template <typename F>
void by_dtype(at::ScalarType t, F&& f) {
  switch (t) {
    case at::kFloat: f(float{}); break;
    case at::kBFloat16: f(__nv_bfloat16{}); break;
    case at::kHalf: f(__half{}); break;
    default: TORCH_CHECK(false, "fused kernels: unsupported dtype ", t);
  }
}

}  // namespace

at::Tensor norm_scale_shift(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& shift, double eps,
                            at::ScalarType out_dtype) {
  const c10::cuda::CUDAGuard guard(x.device());
  const int64_t B = x.size(0), L = x.size(1), D = x.size(2);
  const at::Tensor xc = x.contiguous(), sc = scale.contiguous(), sh = shift.contiguous();
  at::Tensor out = at::empty({B, L, D}, x.options().dtype(out_dtype));
  const int64_t mod_stride = sc.size(0) == 1 ? 0 : D;
  by_dtype(out_dtype, [&](auto tag) {
    using Out = decltype(tag);
    norm_scale_shift_kernel<Out><<<unsigned(B * L), kThreads, 0, at::cuda::getCurrentCUDAStream()>>>(
        xc.data_ptr<float>(), sc.data_ptr<float>(), sh.data_ptr<float>(), reinterpret_cast<Out*>(out.data_ptr()), L,
        mod_stride, int(D), float(eps));
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return out;
}

void add_gated_(at::Tensor& x, const at::Tensor& y, const at::Tensor& gate) {
  const c10::cuda::CUDAGuard guard(x.device());
  TORCH_CHECK(x.is_contiguous() && x.scalar_type() == at::kFloat, "add_gated_: x must be contiguous fp32");
  const at::Tensor yc = y.contiguous();
  const at::Tensor g = gate.defined() ? gate.contiguous() : at::Tensor();
  const int64_t n = x.numel(), D = x.size(-1), per_batch = x.numel() / x.size(0);
  const unsigned blocks = unsigned(std::min<int64_t>((n + kThreads - 1) / kThreads, 65536));
  by_dtype(y.scalar_type(), [&](auto tag) {
    using Y = decltype(tag);
    add_gated_kernel<Y><<<blocks, kThreads, 0, at::cuda::getCurrentCUDAStream()>>>(
        x.data_ptr<float>(), reinterpret_cast<const Y*>(yc.data_ptr()), g.defined() ? g.data_ptr<float>() : nullptr, n,
        g.defined() && g.size(0) > 1 ? per_batch : n, int(D));
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

at::Tensor rms_norm_rope(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& cos, const at::Tensor& sin,
                         int64_t heads, double eps) {
  const c10::cuda::CUDAGuard guard(x.device());
  const int64_t B = x.size(0), L = x.size(1), D = x.size(2);
  const at::Tensor xc = x.contiguous(), w = weight.contiguous();
  at::Tensor out = at::empty_like(xc);
  const bool rope = cos.defined();
  by_dtype(x.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    rms_norm_rope_kernel<T><<<unsigned(B * L), kThreads, 0, at::cuda::getCurrentCUDAStream()>>>(
        reinterpret_cast<const T*>(xc.data_ptr()), w.data_ptr<float>(), rope ? cos.data_ptr<float>() : nullptr,
        rope ? sin.data_ptr<float>() : nullptr, reinterpret_cast<T*>(out.data_ptr()), L, int(D), int(D / heads / 2),
        float(eps));
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return out;
}

at::Tensor vae_rms_norm(const at::Tensor& x, const at::Tensor& gamma, bool silu) {
  const c10::cuda::CUDAGuard guard(x.device());
  const int64_t C = x.size(1), rows = x.numel() / C;
  at::Tensor out = at::empty_like(x);  // keeps the channels-last strides
  const at::Tensor g = gamma.to(x.scalar_type()).contiguous();
  constexpr int kRowsPerBlock = kThreads / 32;
  const unsigned blocks = unsigned((rows + kRowsPerBlock - 1) / kRowsPerBlock);
  by_dtype(x.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    vae_rms_norm_kernel<T><<<blocks, kThreads, 0, at::cuda::getCurrentCUDAStream()>>>(
        reinterpret_cast<const T*>(x.data_ptr()), reinterpret_cast<const T*>(g.data_ptr()), reinterpret_cast<T*>(out.data_ptr()),
        rows, int(C), float(std::sqrt(double(C))), silu);
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return out;
}

}  // namespace wanattn::cuda
