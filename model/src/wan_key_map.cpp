#include "model/wan_key_map.h"

#include <array>
#include <regex>
#include <utility>

namespace wanattn {
namespace {

// Non-block keys: (official, diffusers).
const std::array<std::pair<const char*, const char*>, 15> kTop = {{
    {"patch_embedding.weight", "patch_embedding.weight"},
    {"patch_embedding.bias", "patch_embedding.bias"},
    {"text_embedding.0.weight", "condition_embedder.text_embedder.linear_1.weight"},
    {"text_embedding.0.bias", "condition_embedder.text_embedder.linear_1.bias"},
    {"text_embedding.2.weight", "condition_embedder.text_embedder.linear_2.weight"},
    {"text_embedding.2.bias", "condition_embedder.text_embedder.linear_2.bias"},
    {"time_embedding.0.weight", "condition_embedder.time_embedder.linear_1.weight"},
    {"time_embedding.0.bias", "condition_embedder.time_embedder.linear_1.bias"},
    {"time_embedding.2.weight", "condition_embedder.time_embedder.linear_2.weight"},
    {"time_embedding.2.bias", "condition_embedder.time_embedder.linear_2.bias"},
    {"time_projection.1.weight", "condition_embedder.time_proj.weight"},
    {"time_projection.1.bias", "condition_embedder.time_proj.bias"},
    {"head.modulation", "scale_shift_table"},
    {"head.head.weight", "proj_out.weight"},
    {"head.head.bias", "proj_out.bias"},
}};

// Block-relative keys: (official, diffusers). Note the norm2/norm3 swap between the two.
const std::array<std::pair<const char*, const char*>, 27> kBlock = {{
    {"modulation", "scale_shift_table"},
    {"self_attn.q.weight", "attn1.to_q.weight"},         {"self_attn.q.bias", "attn1.to_q.bias"},
    {"self_attn.k.weight", "attn1.to_k.weight"},         {"self_attn.k.bias", "attn1.to_k.bias"},
    {"self_attn.v.weight", "attn1.to_v.weight"},         {"self_attn.v.bias", "attn1.to_v.bias"},
    {"self_attn.o.weight", "attn1.to_out.0.weight"},     {"self_attn.o.bias", "attn1.to_out.0.bias"},
    {"self_attn.norm_q.weight", "attn1.norm_q.weight"},  {"self_attn.norm_k.weight", "attn1.norm_k.weight"},
    {"norm3.weight", "norm2.weight"},                    {"norm3.bias", "norm2.bias"},
    {"cross_attn.q.weight", "attn2.to_q.weight"},        {"cross_attn.q.bias", "attn2.to_q.bias"},
    {"cross_attn.k.weight", "attn2.to_k.weight"},        {"cross_attn.k.bias", "attn2.to_k.bias"},
    {"cross_attn.v.weight", "attn2.to_v.weight"},        {"cross_attn.v.bias", "attn2.to_v.bias"},
    {"cross_attn.o.weight", "attn2.to_out.0.weight"},    {"cross_attn.o.bias", "attn2.to_out.0.bias"},
    {"cross_attn.norm_q.weight", "attn2.norm_q.weight"}, {"cross_attn.norm_k.weight", "attn2.norm_k.weight"},
    {"ffn.0.weight", "ffn.net.0.proj.weight"},           {"ffn.0.bias", "ffn.net.0.proj.bias"},
    {"ffn.2.weight", "ffn.net.2.weight"},                {"ffn.2.bias", "ffn.net.2.bias"},
}};

// "blocks.<i>.<rest>" -> (prefix "blocks.<i>.", rest), or empty prefix.
std::pair<std::string, std::string> split_block(const std::string& key) {
  static const std::regex re(R"(^(blocks\.\d+\.)(.*)$)");
  std::smatch m;
  if (std::regex_match(key, m, re)) return {m[1].str(), m[2].str()};
  return {"", key};
}

template <bool FromDiffusers>
std::string translate(const std::string& key) {
  const auto [prefix, rest] = split_block(key);
  if (!prefix.empty()) {
    for (const auto& [off, dif] : kBlock)
      if (rest == (FromDiffusers ? dif : off)) return prefix + (FromDiffusers ? off : dif);
    return "";
  }
  for (const auto& [off, dif] : kTop)
    if (key == (FromDiffusers ? dif : off)) return FromDiffusers ? off : dif;
  return "";
}

}  // namespace

const char* to_string(WanLayout layout) {
  switch (layout) {
    case WanLayout::Official: return "official";
    case WanLayout::Diffusers: return "diffusers";
    case WanLayout::Comfy: return "comfy";
  }
  return "?";
}

std::string dit_key_from_diffusers(const std::string& key) { return translate<true>(key); }
std::string dit_key_to_diffusers(const std::string& key) { return translate<false>(key); }

std::string dit_key_from_comfy(const std::string& key) {
  for (const char* p : {"model.diffusion_model.", "diffusion_model."})
    if (key.starts_with(p)) return key.substr(std::string(p).size());
  return key;
}

}  // namespace wanattn
