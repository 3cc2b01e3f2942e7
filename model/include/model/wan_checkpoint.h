// A Wan2.1 DiT checkpoint on disk in any of the three layouts (official folder, diffusers
// `transformer/` folder, ComfyUI single file), detected automatically.
#pragma once
#include <string>

#include "model/checkpoint.h"
#include "model/wan_config.h"
#include "model/wan_key_map.h"

namespace wanattn {

class WanCheckpoint {
 public:
  // `path`: a .safetensors file, a folder with the DiT weights (and maybe config.json), or
  // a diffusers model root holding `transformer/`.
  static WanCheckpoint open(const std::string& path);

  const Checkpoint& checkpoint() const { return checkpoint_; }
  WanLayout layout() const { return layout_; }
  const std::string& config_path() const { return config_path_; }  // "" when none
  const WanConfig& config() const { return config_; }

  std::string to_official(const std::string& key) const;
  std::string from_official(const std::string& name) const;

 private:
  Checkpoint checkpoint_;
  WanLayout layout_ = WanLayout::Official;
  std::string prefix_;  // ComfyUI's "model.diffusion_model." when present
  std::string config_path_;
  WanConfig config_;
};

}  // namespace wanattn
