#include "model/wan_config.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "model/weight_error.h"

namespace wanattn {

WanConfig wan_1_3b_config() {
  WanConfig c;
  c.variant = "1.3B";
  return c;
}

WanConfig wan_14b_config() {
  WanConfig c;
  c.variant = "14B";
  c.dim = 5120;
  c.ffn_dim = 13824;
  c.num_heads = 40;
  c.num_layers = 40;
  return c;
}

WanConfig detect_wan_config(const Checkpoint& ckpt, const std::function<std::string(const std::string&)>& key_of,
                            const std::string& config_json) {
  const std::string src = ckpt.source();
  auto shape = [&](const std::string& official) -> std::vector<int64_t> {
    const std::string key = key_of(official);
    if (key.empty() || !ckpt.contains(key))
      throw WeightError(fmt::format("{}: missing '{}' — not a complete Wan2.1 T2V DiT", src, key.empty() ? official : key));
    return ckpt.entry(key).shape;
  };
  WanConfig c;
  const auto pe = shape("patch_embedding.weight");
  if (pe.size() != 5) throw WeightError(fmt::format("{}: patch_embedding.weight has {} dims, expected 5", src, pe.size()));
  c.dim = int(pe[0]);
  c.in_dim = int(pe[1]);
  c.patch = {int(pe[2]), int(pe[3]), int(pe[4])};
  c.text_dim = int(shape("text_embedding.0.weight")[1]);
  c.freq_dim = int(shape("time_embedding.0.weight")[1]);
  c.ffn_dim = int(shape("blocks.0.ffn.0.weight")[0]);
  const int patch_volume = c.patch[0] * c.patch[1] * c.patch[2];
  c.out_dim = int(shape("head.head.weight")[0]) / patch_volume;
  c.cross_attn_norm = ckpt.contains(key_of("blocks.0.norm3.weight"));
  std::set<int> blocks;
  for (int i = 0;; ++i) {
    const std::string key = key_of(fmt::format("blocks.{}.modulation", i));
    if (!ckpt.contains(key)) break;
    blocks.insert(i);
  }
  c.num_layers = int(blocks.size());

  int heads_from_config = 0;
  if (!config_json.empty()) {
    std::ifstream in(config_json);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw WeightError(fmt::format("{}: not valid JSON", config_json));
    heads_from_config = j.value("num_heads", j.value("num_attention_heads", 0));
    c.eps = j.value("eps", c.eps);
    c.text_len = j.value("text_len", c.text_len);
    c.rope_max_seq_len = j.value("rope_max_seq_len", c.rope_max_seq_len);
    const int cfg_layers = j.value("num_layers", c.num_layers);
    if (cfg_layers != c.num_layers)
      throw WeightError(fmt::format("{} says num_layers = {} but {} holds {} blocks", config_json, cfg_layers, src, c.num_layers));
    const int cfg_dim = j.contains("dim") ? j["dim"].get<int>()
                        : j.contains("attention_head_dim") ? j["attention_head_dim"].get<int>() * heads_from_config
                                                           : c.dim;
    if (cfg_dim != c.dim)
      throw WeightError(fmt::format("{} says the model width is {} but {} has {}", config_json, cfg_dim, src, c.dim));
  }

  const bool is_1_3b = c.dim == 1536 && c.num_layers == 30 && c.ffn_dim == 8960;
  const bool is_14b = c.dim == 5120 && c.num_layers == 40 && c.ffn_dim == 13824;
  if (is_1_3b || is_14b) {
    c.variant = is_1_3b ? "1.3B" : "14B";
    c.num_heads = c.dim / 128;
  } else if (heads_from_config > 0) {
    c.variant = "custom";
    c.num_heads = heads_from_config;
  } else {
    throw WeightError(fmt::format("{}: unknown Wan2.1 variant (width {}, {} blocks, FFN {}): not 1.3B or 14B, and no "
                                  "config.json gives its head count",
                                  src, c.dim, c.num_layers, c.ffn_dim));
  }
  if (heads_from_config > 0 && heads_from_config != c.num_heads)
    throw WeightError(fmt::format("{} says {} heads, but a {} Wan2.1 has {}", config_json, heads_from_config, c.variant, c.num_heads));
  if (c.num_heads <= 0 || c.dim % c.num_heads != 0 || c.head_dim() % 2 != 0)
    throw WeightError(fmt::format("{}: width {} does not split into {} heads of even size", src, c.dim, c.num_heads));
  if (c.in_dim != 16 && c.variant != "custom")
    throw WeightError(fmt::format("{}: {} input channels: this is not a text-to-video Wan2.1 (image-to-video has 36)", src, c.in_dim));
  return c;
}

}  // namespace wanattn
