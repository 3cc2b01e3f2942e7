// All checkpoint key renaming for Wan2.1 lives here. The model's modules carry the
// official key names (Wan-Video/Wan2.1 `WanModel`); diffusers and ComfyUI files are read
// through these maps.
#pragma once
#include <string>

namespace wanattn {

enum class WanLayout { Official, Diffusers, Comfy };
const char* to_string(WanLayout layout);

// diffusers `WanTransformer3DModel` key -> official key ("" if it is not a T2V DiT key).
std::string dit_key_from_diffusers(const std::string& key);
// official key -> diffusers key (for writing test checkpoints in the diffusers layout).
std::string dit_key_to_diffusers(const std::string& key);
// ComfyUI single files: official names, optionally under `model.diffusion_model.` or
// `diffusion_model.`.
std::string dit_key_from_comfy(const std::string& key);

}  // namespace wanattn
