// The encoder half of the demo model's VAE: fixed, not learned (docs/demo-model.md). The
// decoder is a small Wan2.1 VAE decoder trained to invert it, so the pipeline decodes the
// demo's latents exactly as it decodes Wan2.1's. A fixed encoder lets the DiT and the
// decoder train at the same time from step one (neither waits for the other), and its
// latents mean something a person can read:
//
//   latent frame k holds video frame 4k (frame 0 for k = 0: Wan's 1 + 4n temporal layout);
//   each latent pixel covers 8 x 8 pixels as 2 x 2 cells of 4 x 4; per cell 4 values, the
//   cell's mean R, G, B of frame 4k and its mean grey level of the middle frame 4k - 2
//   (what happened between two latent frames), laid out as torch's pixel_unshuffle does:
//   channel = value * 4 + (cell row * 2 + cell column).
//
// So z has 16 channels (Wan2.1's z_dim); latents_mean / latents_std in the folder's
// vae/config.json normalise it for the DiT, as Wan's constants do.
#pragma once
#include <ATen/ATen.h>

namespace wanattn::demo {

inline constexpr int kLatentChannels = 16;

// clip [B, 3, 4n + 1, H, W] in [-1, 1], H and W multiples of 8 -> z [B, 16, n + 1, H / 8, W / 8]
// (the VAE's own latent space, before normalisation), same device.
at::Tensor encode_latents(const at::Tensor& clip);

// The same from the clip's even frames only ([B, 3, 2n + 1, H, W]: frames 0, 2, ..., 4n),
// which are all the encoder reads; equal to encode_latents of the whole clip.
at::Tensor encode_latents_of_even_frames(const at::Tensor& even_frames);

}  // namespace wanattn::demo
