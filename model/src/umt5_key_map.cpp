#include "model/umt5_key_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <utility>

#include "model/weight_error.h"

namespace wanattn {
namespace {

// official suffix (after blocks.i.) <-> transformers suffix (after encoder.block.i.)
const std::pair<const char*, const char*> kBlockNames[] = {
    {"norm1.weight", "layer.0.layer_norm.weight"},
    {"attn.q.weight", "layer.0.SelfAttention.q.weight"},
    {"attn.k.weight", "layer.0.SelfAttention.k.weight"},
    {"attn.v.weight", "layer.0.SelfAttention.v.weight"},
    {"attn.o.weight", "layer.0.SelfAttention.o.weight"},
    {"pos_embedding.embedding.weight", "layer.0.SelfAttention.relative_attention_bias.weight"},
    {"norm2.weight", "layer.1.layer_norm.weight"},
    {"ffn.gate.0.weight", "layer.1.DenseReluDense.wi_0.weight"},  // the GELU branch
    {"ffn.fc1.weight", "layer.1.DenseReluDense.wi_1.weight"},     // the linear branch
    {"ffn.fc2.weight", "layer.1.DenseReluDense.wo.weight"},
};
const std::pair<const char*, const char*> kTopNames[] = {
    {"token_embedding.weight", "shared.weight"},
    {"norm.weight", "encoder.final_layer_norm.weight"},
};

bool has(const std::vector<std::string>& names, const std::string& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

}  // namespace

std::string UMT5KeyMap::describe() const {
  std::string s = layout == UMT5Layout::Official ? "official Wan2.1 names" : "transformers names";
  if (!prefix.empty()) s += fmt::format(" under prefix '{}'", prefix);
  return s;
}

UMT5KeyMap detect_umt5_key_map(const std::vector<std::string>& names, const std::string& source) {
  UMT5KeyMap m;
  if (has(names, "token_embedding.weight") || has(names, "blocks.0.attn.q.weight")) {
    m.layout = UMT5Layout::Official;
    return m;
  }
  // transformers names, possibly under a prefix (ComfyUI files and merged checkpoints).
  const std::string anchor = "encoder.final_layer_norm.weight";
  for (const auto& n : names) {
    if (n.size() >= anchor.size() && n.compare(n.size() - anchor.size(), anchor.size(), anchor) == 0) {
      m.prefix = n.substr(0, n.size() - anchor.size());
      m.has_shared = has(names, m.prefix + "shared.weight");
      if (!m.has_shared && !has(names, m.prefix + "encoder.embed_tokens.weight"))
        throw WeightError(fmt::format("{}: UMT5 encoder without token embedding: neither '{}shared.weight' nor "
                                      "'{}encoder.embed_tokens.weight' is there",
                                      source, m.prefix, m.prefix));
      return m;
    }
  }
  std::string sample;
  for (size_t i = 0; i < std::min<size_t>(3, names.size()); ++i) sample += (i ? ", '" : "'") + names[i] + "'";
  throw WeightError(fmt::format("{}: not a UMT5 encoder checkpoint: no 'encoder.final_layer_norm.weight' (transformers "
                                "names) nor 'token_embedding.weight' (official Wan2.1 names); {} tensors, e.g. {}",
                                source, names.size(), sample.empty() ? "none" : sample));
}

std::string umt5_module_key(const UMT5KeyMap& map, const std::string& key_in) {
  if (map.layout == UMT5Layout::Official) {
    for (const auto& [off, mod] : kTopNames)
      if (key_in == off) return mod;
    static const std::regex block(R"(blocks\.(\d+)\.(.+))");
    std::smatch m;
    if (std::regex_match(key_in, m, block)) {
      for (const auto& [off, mod] : kBlockNames)
        if (m[2] == off) return fmt::format("encoder.block.{}.{}", m[1].str(), mod);
    }
    return key_in;  // unknown: reported as unexpected under its own name
  }
  if (key_in == "spiece_model") return "";  // ComfyUI may carry the tokenizer inside
  std::string key = key_in;
  if (!map.prefix.empty()) {
    if (key.rfind(map.prefix, 0) != 0) return key;  // outside the encoder's prefix: unexpected
    key.erase(0, map.prefix.size());
  }
  if (key.rfind("decoder.", 0) == 0 || key.rfind("lm_head.", 0) == 0) return "";
  if (key == "encoder.embed_tokens.weight") return map.has_shared ? "" : "shared.weight";
  return key;
}

std::string umt5_official_key(const std::string& module_key) {
  for (const auto& [off, mod] : kTopNames)
    if (module_key == mod) return off;
  static const std::regex block(R"(encoder\.block\.(\d+)\.(.+))");
  std::smatch m;
  if (std::regex_match(module_key, m, block))
    for (const auto& [off, mod] : kBlockNames)
      if (m[2] == mod) return fmt::format("blocks.{}.{}", m[1].str(), off);
  return module_key;
}

}  // namespace wanattn
