// The Wan2.1 VAE decoder run over the whole latent sequence at once instead of one latent
// frame at a time: the same arithmetic as WanVae::decode_unclamped (WAN21_SPEC 4.4: every
// causal 3-tap conv over the whole sequence with zero frames in front equals the chunked
// conv with its cache; the upsample3d time conv skips latent frame 0 and runs causally, from
// zero history, over the rest), in a few large kernels instead of five times as many small
// ones, for as much memory as the whole clip's activations. What training the demo model's
// decoder runs; inference keeps the chunked decode. Uses the modules' own weights.
#pragma once
#include <ATen/ATen.h>

#include "model/wan_vae.h"

namespace wanattn {

// z [B, z_dim, F', H', W'] (normalised) -> [B, 3, 1 + 4(F' - 1), 8H', 8W'] fp32, not clamped.
at::Tensor decode_whole_sequence(const WanVae& vae, const at::Tensor& z);

}  // namespace wanattn
