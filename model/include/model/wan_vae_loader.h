// Finds and loads the Wan2.1 VAE in any layout: the diffusers `vae/` folder (config.json +
// safetensors), the official `Wan2.1_VAE.pth` once converted to safetensors (a .pth alone
// gets the command to convert it), or ComfyUI's `wan_2.1_vae.safetensors` (official names).
// The encoder's tensors are skipped on purpose; every decoder tensor must be there.
#pragma once
#include <string>

#include "model/wan_vae.h"
#include "model/weight_loader.h"

namespace wanattn {

struct LoadedVae {
  WanVae model{nullptr};
  LoadReport report;
  std::string weights;  // the file or folder actually read
  bool diffusers = false;
};

// The weights file load_wan_vae would read for `path` (nothing is read); throws WeightError
// saying where it looked (and, for a .pth, how to convert it).
std::string find_wan_vae(const std::string& path);

// `path`: a file, a vae/ folder, or a model root holding vae/ or Wan2.1_VAE.*.
// dtype: fp32 (the references' choice) or bf16.
LoadedVae load_wan_vae(const std::string& path, at::Device device, at::ScalarType dtype = at::kFloat);

}  // namespace wanattn
