// A Wan2.1 text-to-video model on disk: where each part is and which defaults its layout
// implies (WAN21_SPEC 1, table "Defaults"). Three shapes are understood:
//   - the diffusers folder (model_index.json, transformer/, text_encoder/, tokenizer/, vae/,
//     scheduler/): the scheduler config decides the sampler and shift, grid "diffusers",
//     an empty negative prompt stays empty;
//   - the official folder (diffusion_pytorch_model*.safetensors + config.json,
//     models_t5_umt5-xxl-enc-bf16 (.pth converted to .safetensors), Wan2.1_VAE, google/umt5-xxl/):
//     UniPC, shift 5, grid "official", the official Chinese negative prompt for an empty one;
//   - separate files (ComfyUI): any part given explicitly overrides the folder's.
// A folder may also carry `wanattn.json` with {"defaults": {"width", "height", "frames",
// "steps", "guidance"}}: the settings its model was made for (the built-in demo model,
// docs/demo-model.md); what it does not say keeps Wan2.1's.
// Nothing is loaded here; a missing part is named with where it was looked for.
#pragma once
#include <string>

#include "model/flow_sampler.h"

namespace wanattn {

struct WanModelParts {  // paths the part loaders accept; "" = find it in the folder
  std::string transformer, text_encoder, tokenizer, vae;
};

struct WanModelDefaults {
  std::string sampler = "unipc";
  double shift = 5.0;
  FlowGrid grid = FlowGrid::Official;
  bool official_negative = true;  // an empty negative prompt becomes kOfficialNegativePrompt
  int steps = 50;
  double guidance = 5.0;
  int width = 832, height = 480, frames = 81;  // what a request that names no size gets
  bool own_size = false;          // the folder's wanattn.json names its size (a model made at another one)
  std::string example_prompt;     // wanattn.json's suggestion for a first run ("" if none)
  std::string source;             // where these came from, for the manifest
};

struct WanModelFolder {
  std::string root;
  bool diffusers = false;
  WanModelParts parts;            // resolved: every field set
  WanModelDefaults defaults;
};

// The official `sample_neg_prompt` (WAN21_SPEC 5.6).
extern const char* const kOfficialNegativePrompt;

// Throws WeightError listing every part that is missing, each with where it was looked for.
WanModelFolder find_wan_model_folder(const std::string& root, const WanModelParts& overrides = {});

}  // namespace wanattn
