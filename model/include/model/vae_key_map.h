// All checkpoint key renaming for the Wan2.1 VAE. The model carries the official names
// (`WanVAE_`); diffusers' AutoencoderKLWan names are read through this map. Encoder and
// quant-conv keys are not part of the decoding model: they map to "" (dropped on purpose).
#pragma once
#include <string>

namespace wanattn {

// diffusers key -> official key; `res_blocks` = decoder residual blocks per stage.
std::string vae_key_from_diffusers(const std::string& key, int res_blocks);
// official key -> diffusers key (for messages and for writing test checkpoints).
std::string vae_key_to_diffusers(const std::string& key, int res_blocks);
// Whether an official key belongs to the encoder side (not loaded by the decoder).
bool vae_key_is_encoder(const std::string& official);

}  // namespace wanattn
