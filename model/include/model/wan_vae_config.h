// Configuration of the Wan2.1 VAE (WAN21_SPEC 4.1/4.2): widths, stages, temporal
// upsampling, and the per-channel latent mean/std the DiT's latents are normalised with.
#pragma once
#include <string>
#include <vector>

namespace wanattn {

struct WanVaeConfig {
  int base_dim = 96;
  int z_dim = 16;
  std::vector<int> dim_mult{1, 2, 4, 4};
  int num_res_blocks = 2;                             // the decoder has one more per stage
  std::vector<bool> temporal_downsample{false, true, true};  // the decoder upsamples in reverse
  std::vector<double> latents_mean, latents_std;      // z_dim each

  // Decoder widths: [base * mult.back()] + base * reversed(mult).
  std::vector<int> decoder_dims() const;
  int decoder_res_blocks() const { return num_res_blocks + 1; }
};

WanVaeConfig wan21_vae_config();
// From a diffusers `vae/config.json` (AutoencoderKLWan); missing fields keep Wan2.1's.
WanVaeConfig wan_vae_config_from_json(const std::string& path);

}  // namespace wanattn
