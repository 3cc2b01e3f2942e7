// All renaming between UMT5 checkpoint layouts and the module's own (transformers) names, in
// one place (spec 6.3):
//   transformers / diffusers text_encoder/: shared.weight, encoder.block.i.layer.0.SelfAttention.q.weight, ...
//   ComfyUI single files: the same names, possibly under a prefix; fp8-scaled companions
//   official Wan2.1 .pth (converted to safetensors): token_embedding.weight, blocks.i.attn.q.weight, ...
#pragma once
#include <string>
#include <vector>

namespace wanattn {

enum class UMT5Layout { Transformers, Official };

struct UMT5KeyMap {
  UMT5Layout layout = UMT5Layout::Transformers;
  std::string prefix;        // stripped from every key ("" for none)
  bool has_shared = true;    // else encoder.embed_tokens.weight is the embedding
  std::string describe() const;
};

// Looks at the names; throws WeightError naming `source` when they are no UMT5 encoder.
UMT5KeyMap detect_umt5_key_map(const std::vector<std::string>& names, const std::string& source);

// The module's name for a checkpoint key, or "" for keys that are not encoder weights
// (a decoder, lm_head, the tied encoder.embed_tokens copy, ComfyUI's spiece_model).
std::string umt5_module_key(const UMT5KeyMap& map, const std::string& checkpoint_key);

// The official name of a module key (for the converter tests and messages).
std::string umt5_official_key(const std::string& module_key);

}  // namespace wanattn
