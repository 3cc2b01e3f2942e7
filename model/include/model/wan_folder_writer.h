// Writes a Wan2.1 text-to-video model folder in the diffusers layout from modules in memory
// (the demo model's training program is its user): model_index.json, transformer/,
// text_encoder/, tokenizer/, vae/, scheduler/, each with the config.json diffusers or
// transformers would write and the weights under their names (wan_key_map, vae_key_map; the
// UMT5 modules already carry the transformers names). The folder is then found and loaded by
// the same code as any downloaded one (find_wan_model_folder and the part loaders). A VAE
// without an encoder is written as such (wanattn reads only the decoder). Written to a
// temporary folder beside `dir` and renamed, so `dir` is never half written.
#pragma once
#include <ATen/ATen.h>

#include <nlohmann/json.hpp>
#include <string>

#include "model/umt5_encoder.h"
#include "model/wan_model.h"
#include "model/wan_vae.h"

namespace wanattn {

struct WanFolderParts {
  WanModel dit{nullptr};
  UMT5EncoderModel text_encoder{nullptr};
  WanVae vae{nullptr};
  std::string tokenizer_dir;       // its spiece.model and tokenizer_config.json are copied
  double flow_shift = 3.0;         // scheduler/scheduler_config.json: UniPC, flow sigmas
  at::ScalarType dtype = at::kHalf;      // stored dtype of the DiT and text-encoder weights
  at::ScalarType vae_dtype = at::kFloat; // the VAE's: small, and its rounding grows through the convs
  nlohmann::json extra;            // written as wanattn.json at the root when not null
};

// Throws WeightError when `dir` exists or a file cannot be written.
void write_wan_diffusers_folder(const std::string& dir, const WanFolderParts& parts);

}  // namespace wanattn
