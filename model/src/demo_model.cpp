#include "model/demo_model.h"

#include <cstdlib>
#include <filesystem>

#include "model/demo_latent_encoder.h"

#ifndef WANATTN_SOURCE_DIR
#define WANATTN_SOURCE_DIR "."
#endif

namespace wanattn::demo {

WanConfig dit_config(const ModelSizes& s) {
  WanConfig c;
  c.variant = "custom";
  c.dim = s.dim;
  c.ffn_dim = s.ffn_dim;
  c.num_heads = s.heads;
  c.num_layers = s.layers;
  c.text_dim = s.text_dim;
  c.in_dim = c.out_dim = kLatentChannels;
  return c;
}

UMT5Config text_encoder_config(const ModelSizes& s, int vocab_size) {
  UMT5Config c;
  c.vocab_size = vocab_size;
  c.d_model = s.text_dim;
  c.d_kv = s.text_kv;
  c.d_ff = s.text_ff;
  c.num_heads = s.text_heads;
  c.num_layers = s.text_layers;
  return c;
}

WanVaeConfig vae_config(const ModelSizes& s) {
  WanVaeConfig c;
  c.base_dim = s.vae_base;
  c.z_dim = kLatentChannels;
  c.num_res_blocks = s.vae_res_blocks;
  return c;
}

std::string builtin_model_dir() {
  if (const char* env = std::getenv("WANATTN_DEMO_MODEL"); env != nullptr && *env != '\0') return env;
  return (std::filesystem::path(WANATTN_SOURCE_DIR) / "resources" / "demo").string();
}

bool builtin_model_present() { return std::filesystem::exists(std::filesystem::path(builtin_model_dir()) / "model_index.json"); }

}  // namespace wanattn::demo
