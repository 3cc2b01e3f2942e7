#include "model/wan_checkpoint.h"

#include <fmt/format.h>

#include <filesystem>

#include "model/weight_error.h"

namespace fs = std::filesystem;

namespace wanattn {
WanCheckpoint WanCheckpoint::open(const std::string& path) {
  if (!fs::exists(path)) throw WeightError(fmt::format("{}: no such file or folder", path));
  std::string weights = path;
  if (fs::is_directory(path) && fs::is_directory(fs::path(path) / "transformer")) weights = (fs::path(path) / "transformer").string();
  WanCheckpoint w;
  // A single file takes the config.json beside it when there is one (the official folder,
  // or a user's note for a ComfyUI file of a custom size).
  if (fs::is_regular_file(weights) && fs::exists(fs::path(weights).parent_path() / "config.json"))
    w.config_path_ = (fs::path(weights).parent_path() / "config.json").string();
  if (fs::is_directory(weights)) {
    if (fs::exists(fs::path(weights) / "config.json")) w.config_path_ = (fs::path(weights) / "config.json").string();
    // The official folder also holds the text encoder and VAE (.pth): only the DiT shards
    // count here.
    bool has_dit = false;
    for (const auto& e : fs::directory_iterator(weights)) {
      const std::string n = e.path().filename().string();
      if (n.starts_with("diffusion_pytorch_model")) has_dit = true;
    }
    if (!has_dit) {
      size_t n_st = 0;
      for (const auto& e : fs::directory_iterator(weights)) n_st += e.path().extension() == ".safetensors";
      if (n_st == 0)
        throw WeightError(fmt::format("{}: no DiT weights here (expected diffusion_pytorch_model*.safetensors, "
                                      "a diffusers transformer/ folder, or a ComfyUI .safetensors file)", weights));
    }
  }
  w.checkpoint_ = Checkpoint::open(weights);

  // Layout from the key names.
  const auto names = w.checkpoint_.names();
  bool diffusers = false, comfy = false, official = false;
  for (const auto& n : names) {
    if (n.starts_with("condition_embedder.") || n.find(".attn1.") != std::string::npos) diffusers = true;
    if (n.starts_with("model.diffusion_model.")) w.prefix_ = "model.diffusion_model.", comfy = true;
    else if (n.starts_with("diffusion_model.")) w.prefix_ = "diffusion_model.", comfy = true;
    if (n == "patch_embedding.weight" || n.find(".self_attn.") != std::string::npos) official = true;
  }
  if (diffusers) w.layout_ = WanLayout::Diffusers;
  else if (comfy) w.layout_ = WanLayout::Comfy;
  else if (official) w.layout_ = WanLayout::Official;  // official names, no prefix: the same reading
  else throw WeightError(fmt::format("{}: does not look like a Wan2.1 DiT (no patch_embedding / blocks.*.self_attn / "
                                     "attn1 keys among its {} tensors)", w.checkpoint_.source(), names.size()));

  // Config detection reads shapes by official names.
  w.config_ = detect_wan_config(
      w.checkpoint_, [&w](const std::string& official_name) { return w.from_official(official_name); }, w.config_path_);
  return w;
}

std::string WanCheckpoint::to_official(const std::string& key) const {
  switch (layout_) {
    case WanLayout::Diffusers: {
      // A key outside the map keeps its own name, so the loader reports it as unexpected.
      const std::string official = dit_key_from_diffusers(key);
      return official.empty() ? key : official;
    }
    case WanLayout::Comfy: return dit_key_from_comfy(key);
    case WanLayout::Official: return key;
  }
  return key;
}

std::string WanCheckpoint::from_official(const std::string& name) const {
  switch (layout_) {
    case WanLayout::Diffusers: return dit_key_to_diffusers(name);
    case WanLayout::Comfy: return prefix_ + name;
    case WanLayout::Official: return name;
  }
  return name;
}

}  // namespace wanattn
