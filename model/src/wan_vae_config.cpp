#include "model/wan_vae_config.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "model/weight_error.h"

namespace wanattn {

std::vector<int> WanVaeConfig::decoder_dims() const {
  std::vector<int> dims{base_dim * dim_mult.back()};
  for (auto it = dim_mult.rbegin(); it != dim_mult.rend(); ++it) dims.push_back(base_dim * *it);
  return dims;
}

WanVaeConfig wan21_vae_config() {
  WanVaeConfig c;
  c.latents_mean = {-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
                    0.4134,  -0.0715, 0.5517,  -0.3632, -0.1922, -0.9497, 0.2503, -0.2921};
  c.latents_std = {2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
                   3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160};
  return c;
}

WanVaeConfig wan_vae_config_from_json(const std::string& path) {
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw WeightError(fmt::format("{}: not valid JSON", path));
  WanVaeConfig c = wan21_vae_config();
  try {
    if (j.value("is_residual", false))
      throw WeightError(fmt::format("{}: a Wan2.2 VAE (is_residual); wanattn decodes Wan2.1 latents", path));
    c.base_dim = j.value("base_dim", c.base_dim);
    // A separate decoder width (Wan2.2-style configs) wins: only the decoder is built.
    if (j.contains("decoder_base_dim") && j["decoder_base_dim"].is_number_integer()) c.base_dim = j["decoder_base_dim"].get<int>();
    c.z_dim = j.value("z_dim", c.z_dim);
    c.dim_mult = j.value("dim_mult", c.dim_mult);
    c.num_res_blocks = j.value("num_res_blocks", c.num_res_blocks);
    c.temporal_downsample = j.value("temperal_downsample", c.temporal_downsample);
    c.latents_mean = j.value("latents_mean", c.latents_mean);
    c.latents_std = j.value("latents_std", c.latents_std);
  } catch (const nlohmann::json::exception& e) {
    throw WeightError(fmt::format("{}: {}", path, e.what()));
  }
  if (c.base_dim <= 0 || c.z_dim <= 0 || c.dim_mult.empty() || c.num_res_blocks < 0 ||
      c.temporal_downsample.size() + 1 != c.dim_mult.size() || int(c.latents_mean.size()) != c.z_dim ||
      int(c.latents_std.size()) != c.z_dim)
    throw WeightError(fmt::format("{}: inconsistent VAE config (base_dim {}, z_dim {}, {} stages, {} mean / {} std values)",
                                  path, c.base_dim, c.z_dim, c.dim_mult.size(), c.latents_mean.size(),
                                  c.latents_std.size()));
  return c;
}

}  // namespace wanattn
