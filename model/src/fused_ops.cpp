#include "model/fused_ops.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <atomic>
#include <cmath>
#include <initializer_list>

#if WANATTN_HAVE_CUDA_KERNELS
#include "cuda/fused_kernels.h"
#endif

namespace wanattn {
namespace {

std::atomic<bool> g_enabled{true};

// The kernels have no backward: while autograd records through any input (training), the
// plain ops below run instead.
bool recording(std::initializer_list<const at::Tensor*> inputs) {
  if (!at::GradMode::is_enabled()) return false;
  for (const at::Tensor* t : inputs)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

bool use_kernels(const at::Tensor& x) {
  return WANATTN_HAVE_CUDA_KERNELS && g_enabled.load() && x.is_cuda() && x.size(-1) % 2 == 0;
}

}  // namespace

bool fused_ops_available() { return WANATTN_HAVE_CUDA_KERNELS; }
void set_fused_ops_enabled(bool enabled) { g_enabled = enabled; }

at::Tensor norm_scale_shift(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& shift, double eps,
                            at::ScalarType out_dtype) {
#if WANATTN_HAVE_CUDA_KERNELS
  if (use_kernels(x) && x.scalar_type() == at::kFloat && !recording({&x, &scale, &shift}))
    return cuda::norm_scale_shift(x, scale, shift, eps, out_dtype);
#endif
  return (at::layer_norm(x.to(at::kFloat), {x.size(-1)}, {}, {}, eps) * scale + shift).to(out_dtype);
}

void add_gated_(at::Tensor& x, const at::Tensor& y, const at::Tensor& gate) {
  // Out of place while recording: the norm that read x keeps it for its backward.
  if (recording({&x, &y, &gate})) {
    x = x + (gate.defined() ? y.to(at::kFloat) * gate : y.to(at::kFloat));
    return;
  }
#if WANATTN_HAVE_CUDA_KERNELS
  if (use_kernels(x) && x.is_contiguous()) return cuda::add_gated_(x, y, gate);
#endif
  x.add_(gate.defined() ? y.to(at::kFloat) * gate : y.to(at::kFloat));
}

at::Tensor rms_norm_rope(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& cos, const at::Tensor& sin,
                         int64_t heads, double eps) {
#if WANATTN_HAVE_CUDA_KERNELS
  if (use_kernels(x) && !recording({&x, &weight})) return cuda::rms_norm_rope(x, weight, cos, sin, heads, eps);
#endif
  const at::Tensor xf = x.to(at::kFloat);
  at::Tensor y = (xf * at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + eps)).to(x.scalar_type()).to(at::kFloat) * weight;
  if (cos.defined()) {
    const auto s = x.sizes();  // [B, L, D] -> pairs [B, L, heads, d/2, 2]
    const at::Tensor p = y.view({s[0], s[1], heads, s[2] / heads / 2, 2});
    const at::Tensor a = p.select(-1, 0), b = p.select(-1, 1);
    const at::Tensor c = cos.view({1, s[1], 1, -1}), n = sin.view({1, s[1], 1, -1});
    y = at::stack({a * c - b * n, a * n + b * c}, -1).view(s);
  }
  return y.to(x.scalar_type());
}

at::Tensor vae_rms_norm(const at::Tensor& x, const at::Tensor& gamma, bool silu) {
#if WANATTN_HAVE_CUDA_KERNELS
  const bool channels_last = (x.dim() == 5 && x.is_contiguous(at::MemoryFormat::ChannelsLast3d)) ||
                             (x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast));
  if (g_enabled.load() && x.is_cuda() && channels_last && x.size(1) > 1 &&
      !recording({&x, &gamma}))
    return cuda::vae_rms_norm(x, gamma, silu);
#endif
  // Normalised in fp32 whatever the storage dtype (diffusers does so for half types).
  const at::Tensor xf = x.to(at::kFloat);
  const at::Tensor n = xf / at::linalg_vector_norm(xf, 2, {1}, /*keepdim=*/true).clamp_min(1e-12);
  const at::Tensor y = (n.to(x.scalar_type()) * std::sqrt(double(x.size(1)))) * gamma;
  return silu ? at::silu(y) : y;
}

}  // namespace wanattn
