// Hyper-parameters of a Wan2.1 DiT, detected from a checkpoint's tensor names and shapes
// (and its config.json where one exists).
#pragma once
#include <array>
#include <functional>
#include <string>

#include "model/checkpoint.h"

namespace wanattn {

struct WanConfig {
  std::string variant;  // "1.3B", "14B" or "custom" (only with a config.json)
  int dim = 1536;
  int ffn_dim = 8960;
  int freq_dim = 256;
  int text_dim = 4096;
  int in_dim = 16;
  int out_dim = 16;
  int num_heads = 12;
  int num_layers = 30;
  std::array<int, 3> patch{1, 2, 2};
  double eps = 1e-6;
  int text_len = 512;
  bool cross_attn_norm = true;
  int rope_max_seq_len = 1024;

  int head_dim() const { return dim / num_heads; }
};

WanConfig wan_1_3b_config();
WanConfig wan_14b_config();

// `key_of` maps an official key name to the checkpoint's own (see wan_key_map.h);
// `config_json` is the folder's config.json ("" when there is none). Shapes decide; the
// config adds the head count and must agree. Throws WeightError for an unknown variant.
WanConfig detect_wan_config(const Checkpoint& checkpoint, const std::function<std::string(const std::string&)>& key_of,
                            const std::string& config_json = "");

}  // namespace wanattn
