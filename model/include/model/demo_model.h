// The built-in demo model (docs/demo-model.md): a small text-to-video model with Wan2.1's
// architecture, trained by the project (app/train/) on the demo world (demo_scene.h), shipped
// as an ordinary diffusers-layout folder in resources/demo/. This header holds its sizes
// and where to find it; loading it is the same code as loading Wan2.1.
#pragma once
#include <string>

#include "model/umt5_config.h"
#include "model/wan_config.h"
#include "model/wan_vae_config.h"

namespace wanattn::demo {

struct ModelSizes {
  // DiT: 4 heads of 64, 6 blocks; maps on a 8 x 8 patch grid per latent frame at 128 x 128.
  int dim = 256, ffn_dim = 768, heads = 4, layers = 6;
  // UMT5: 2 layers of width 128 (vocabulary: the demo tokenizer's pieces).
  int text_dim = 128, text_kv = 32, text_heads = 4, text_ff = 256, text_layers = 2;
  // VAE decoder: Wan2.1's stages and x8 / x4 factors, narrow (16 channels at full size).
  int vae_base = 16, vae_res_blocks = 0;
};

WanConfig dit_config(const ModelSizes& s);
UMT5Config text_encoder_config(const ModelSizes& s, int vocab_size);
// latents_mean / latents_std are filled in by the caller (measured on the data).
WanVaeConfig vae_config(const ModelSizes& s);

// Where the built-in model lives: $WANATTN_DEMO_MODEL when set, else resources/demo/ of the
// source tree this program was built from.
std::string builtin_model_dir();
// Whether that folder holds a model (model_index.json), not just its README.
bool builtin_model_present();

}  // namespace wanattn::demo
