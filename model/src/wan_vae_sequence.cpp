#include "model/wan_vae_sequence.h"

#include <fmt/format.h>

#include <stdexcept>

namespace wanattn {
namespace {

at::Tensor residual(const VaeResidualBlockImpl& r, const at::Tensor& x) {
  const at::Tensor skip = r.shortcut ? r.shortcut->forward(x) : x;
  const at::Tensor h = r.conv1->forward(at::silu(r.norm1->forward(x)));
  return r.conv2->forward(at::silu(r.norm2->forward(h))) + skip;
}

at::Tensor resample(const VaeResampleImpl& s, at::Tensor x) {
  const int64_t B = x.size(0), C = x.size(1);
  if (s.time_conv && x.size(2) > 1) {
    // Latent-time frame 0 stays one frame; each later one becomes two, from a causal conv
    // over frames 1.. with zero history (the chunked decode's first-chunk rule).
    const at::Tensor rest = x.narrow(2, 1, x.size(2) - 1);
    const at::Tensor y = s.time_conv->forward(rest);  // [B, 2C, T-1, H, W]
    const int64_t T = y.size(2), H = y.size(3), W = y.size(4);
    x = at::cat({x.narrow(2, 0, 1), y.view({B, 2, C, T, H, W}).permute({0, 2, 3, 1, 4, 5}).reshape({B, C, 2 * T, H, W})}, 2);
  }
  const int64_t T = x.size(2), H = x.size(3), W = x.size(4);
  at::Tensor frames = x.permute({0, 2, 1, 3, 4}).reshape({B * T, C, H, W});
  frames = at::_upsample_nearest_exact2d(frames.to(at::kFloat), {2 * H, 2 * W}).to(s.weight.scalar_type());
  const at::Tensor out = at::conv2d(frames, s.weight, s.bias, {1, 1}, {1, 1});
  return out.view({B, T, C / 2, 2 * H, 2 * W}).permute({0, 2, 1, 3, 4});
}

}  // namespace

at::Tensor decode_whole_sequence(const WanVae& vae, const at::Tensor& z) {
  const WanVaeConfig& c = vae->config();
  if (z.dim() != 5 || z.size(1) != c.z_dim)
    throw std::invalid_argument(fmt::format("VAE decode: latents must be [B, {}, F, H, W]", c.z_dim));
  at::Tensor h = vae->conv2->forward(vae->denormalize(z).to(vae->conv2->weight.scalar_type()));
  h = vae->conv_in->forward(h);
  h = residual(*vae->middle->ptr(0)->as<VaeResidualBlock>(), h);
  h = vae->middle->ptr(1)->as<VaeAttentionBlock>()->forward(h);
  h = residual(*vae->middle->ptr(2)->as<VaeResidualBlock>(), h);
  for (const auto& m : *vae->upsamples) {
    if (const auto* r = m->as<VaeResidualBlock>()) h = residual(*r, h);
    else h = resample(*m->as<VaeResample>(), h);
  }
  return vae->head_conv->forward(at::silu(vae->head_norm->forward(h))).to(at::kFloat);
}

}  // namespace wanattn
