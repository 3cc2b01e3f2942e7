// A cheap picture of the latent during sampling: each latent pixel's 16 channels mapped to
// RGB by one affine map, the VAE decoder linearised at the latent-space mean. The map is
// measured from the loaded VAE itself (no borrowed constants): decode a constant latent at
// 0 and at +-1 along each channel (normalised units, a batch of 33 one-frame 4x4 latents),
// take the central-difference slope per channel and the decode of 0 as the offset, averaged
// over the interior pixels. Good enough to watch the composition form; not the decoded
// video (the real decode is nonlinear and 8x larger). Inference thread.
#pragma once
#include <ATen/core/Tensor.h>

#include "model/wan_vae.h"

namespace wanattn {

class LatentPreview {
 public:
  LatentPreview() = default;
  static LatentPreview from_vae(const WanVae& vae);

  // x0 [1, 16, F', h, w] (normalised latent, any device) -> uint8 RGB [F', h, w, 3] on the CPU.
  at::Tensor rgb(const at::Tensor& x0) const;
  bool ready() const { return matrix_.defined(); }
  const at::Tensor& matrix() const { return matrix_; }  // [3, 16] fp32, CPU
  const at::Tensor& offset() const { return offset_; }  // [3]

 private:
  at::Tensor matrix_, offset_;
};

}  // namespace wanattn
