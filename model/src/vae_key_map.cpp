#include "model/vae_key_map.h"

#include <regex>
#include <utility>
#include <vector>

namespace wanattn {
namespace {

// Residual-block parameter names (suffixes after the block prefix).
const std::vector<std::pair<std::string, std::string>> kResidual = {
    {"norm1.gamma", "residual.0.gamma"}, {"conv1.weight", "residual.2.weight"}, {"conv1.bias", "residual.2.bias"},
    {"norm2.gamma", "residual.3.gamma"}, {"conv2.weight", "residual.6.weight"}, {"conv2.bias", "residual.6.bias"},
    {"conv_shortcut.weight", "shortcut.weight"}, {"conv_shortcut.bias", "shortcut.bias"},
};

std::string residual_suffix(const std::string& suffix, bool to_official) {
  for (const auto& [d, o] : kResidual)
    if (suffix == (to_official ? d : o)) return to_official ? o : d;
  return "";
}


}  // namespace

bool vae_key_is_encoder(const std::string& k) { return k.starts_with("encoder.") || k.starts_with("conv1."); }

std::string vae_key_from_diffusers(const std::string& k, int R) {
  if (k.starts_with("encoder.") || k.starts_with("quant_conv.")) return "";
  if (k.starts_with("post_quant_conv.")) return "conv2." + k.substr(16);
  if (k.starts_with("decoder.conv_in.")) return "decoder.conv1." + k.substr(16);
  if (k.starts_with("decoder.norm_out.")) return "decoder.head.0." + k.substr(17);
  if (k.starts_with("decoder.conv_out.")) return "decoder.head.2." + k.substr(17);
  std::smatch m;
  static const std::regex mid(R"(decoder\.mid_block\.(resnets|attentions)\.(\d+)\.(.+))");
  if (std::regex_match(k, m, mid)) {
    if (m[1] == "attentions") return "decoder.middle.1." + m[3].str();
    const std::string s = residual_suffix(m[3], true);
    return s.empty() ? k : "decoder.middle." + std::to_string(m[2] == "0" ? 0 : 2) + "." + s;
  }
  static const std::regex up(R"(decoder\.up_blocks\.(\d+)\.(resnets|upsamplers)\.(\d+)\.(.+))");
  if (std::regex_match(k, m, up)) {
    const int stage = std::stoi(m[1]), j = std::stoi(m[3]);
    const int base = stage * (R + 1);
    if (m[2] == "upsamplers") return "decoder.upsamples." + std::to_string(base + R) + "." + m[4].str();
    const std::string s = residual_suffix(m[4], true);
    return s.empty() ? k : "decoder.upsamples." + std::to_string(base + j) + "." + s;
  }
  return k;  // unknown: keeps its name, so the loader reports it as unexpected
}

std::string vae_key_to_diffusers(const std::string& k, int R) {
  if (k.starts_with("conv2.")) return "post_quant_conv." + k.substr(6);
  if (k.starts_with("conv1.")) return "quant_conv." + k.substr(6);
  if (k.starts_with("decoder.conv1.")) return "decoder.conv_in." + k.substr(14);
  if (k.starts_with("decoder.head.0.")) return "decoder.norm_out." + k.substr(15);
  if (k.starts_with("decoder.head.2.")) return "decoder.conv_out." + k.substr(15);
  std::smatch m;
  static const std::regex mid(R"(decoder\.middle\.(\d)\.(.+))");
  if (std::regex_match(k, m, mid)) {
    if (m[1] == "1") return "decoder.mid_block.attentions.0." + m[2].str();
    return "decoder.mid_block.resnets." + std::string(m[1] == "0" ? "0" : "1") + "." + residual_suffix(m[2], false);
  }
  static const std::regex up(R"(decoder\.upsamples\.(\d+)\.(.+))");
  if (std::regex_match(k, m, up)) {
    const int n = std::stoi(m[1]), stage = n / (R + 1), j = n % (R + 1);
    if (j == R) return "decoder.up_blocks." + std::to_string(stage) + ".upsamplers.0." + m[2].str();
    return "decoder.up_blocks." + std::to_string(stage) + ".resnets." + std::to_string(j) + "." + residual_suffix(m[2], false);
  }
  return k;
}

}  // namespace wanattn
