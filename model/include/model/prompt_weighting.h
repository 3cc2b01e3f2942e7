// Prompt weights "(red hat:1.5)" (parsed by prompt_weights.h) applied to the text encoder's
// output (docs/bending.md, "prompt weighting"): each weighted token's row is multiplied by
// its weight, then all real rows are rescaled together so that their mean L2 norm is what it
// was. The weighted words gain against the rest of the prompt while the context keeps its
// overall magnitude (a prompt weighted evenly everywhere is unchanged), which is what the
// DiT's text MLP was trained on. Padding rows (zero) stay zero.
#pragma once
#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace wanattn {

inline constexpr const char* kPromptWeightingMethod =
    "row_i *= weight_i, then all real rows *= mean_i |row_i| before / mean_i |row_i| after (L2 norms)";

// context [S, d] with S >= weights.size(): rows 0..T-1 are the real tokens (EOS included);
// changed in place. Returns the common rescale factor (1 when no weight differs from 1).
double apply_prompt_weights(at::Tensor& context, const std::vector<float>& weights);

}  // namespace wanattn
