#include "model/umt5_config.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "model/weight_error.h"

namespace wanattn {

int64_t UMT5Config::parameter_count() const {
  const int64_t per_layer = 4 * d_model * inner_dim() + num_buckets * num_heads + 3 * d_model * d_ff + 2 * d_model;
  return vocab_size * d_model + num_layers * per_layer + d_model;
}

UMT5Options UMT5Options::for_device(at::Device device) {
  return {device, device.is_cuda() ? at::kBFloat16 : at::kFloat};
}

UMT5Config umt5_config_from_json_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw WeightError(fmt::format("{}: cannot open", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const std::exception& e) {
    throw WeightError(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  UMT5Config c;
  auto get = [&](const char* key, int64_t& v) {
    if (!j.contains(key)) return;
    if (!j[key].is_number_integer() || j[key].get<int64_t>() <= 0)
      throw WeightError(fmt::format("{}: '{}' = {} is not a positive integer", path, key, j[key].dump()));
    v = j[key].get<int64_t>();
  };
  get("vocab_size", c.vocab_size);
  get("d_model", c.d_model);
  get("d_kv", c.d_kv);
  get("d_ff", c.d_ff);
  get("num_heads", c.num_heads);
  get("num_layers", c.num_layers);
  get("relative_attention_num_buckets", c.num_buckets);
  get("relative_attention_max_distance", c.max_distance);
  if (j.contains("layer_norm_epsilon")) c.eps = j["layer_norm_epsilon"].get<double>();
  // Wan's UMT5-XXL: gated FFN with the tanh GELU ("gated-gelu" -> gelu_new).
  const std::string ff = j.value("feed_forward_proj", "gated-gelu");
  if (ff != "gated-gelu" && ff != "gated-gelu_new")
    throw WeightError(fmt::format("{}: 'feed_forward_proj' = \"{}\": only the gated tanh-GELU FFN of UMT5-XXL "
                                  "(\"gated-gelu\") is implemented",
                                  path, ff));
  return c;
}

UMT5Config umt5_config_from_shapes(const std::map<std::string, std::vector<int64_t>>& shapes, const std::string& source,
                                   const UMT5Config& base) {
  auto shape = [&](const std::string& name, size_t rank) -> const std::vector<int64_t>& {
    const auto it = shapes.find(name);
    if (it == shapes.end()) throw WeightError(fmt::format("{}: no tensor for '{}': not a UMT5 encoder", source, name));
    if (it->second.size() != rank)
      throw WeightError(fmt::format("{}: '{}' has {} dimensions, expected {}", source, name, it->second.size(), rank));
    return it->second;
  };
  UMT5Config c = base;
  const auto& emb = shape("shared.weight", 2);
  c.vocab_size = emb[0];
  c.d_model = emb[1];
  const std::regex block(R"(encoder\.block\.(\d+)\..*)");
  int64_t layers = 0;
  for (const auto& [name, s] : shapes) {
    std::smatch m;
    if (std::regex_match(name, m, block)) layers = std::max<int64_t>(layers, std::stoll(m[1]) + 1);
  }
  if (layers == 0) throw WeightError(fmt::format("{}: no 'encoder.block.N' tensors: not a UMT5 encoder", source));
  c.num_layers = layers;
  const std::string a = "encoder.block.0.layer.0.SelfAttention.";
  const auto& bias = shape(a + "relative_attention_bias.weight", 2);
  c.num_buckets = bias[0];
  c.num_heads = bias[1];
  const auto& q = shape(a + "q.weight", 2);
  if (q[0] % c.num_heads != 0)
    throw WeightError(fmt::format("{}: '{}q.weight' has {} rows, not a multiple of {} heads", source, a, q[0], c.num_heads));
  c.d_kv = q[0] / c.num_heads;
  c.d_ff = shape("encoder.block.0.layer.1.DenseReluDense.wi_0.weight", 2)[0];
  return c;
}

}  // namespace wanattn
