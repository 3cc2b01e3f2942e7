// Prompt weighting syntax: "(red hat:1.5)" weights the tokens of "red hat" by 1.5. Groups
// nest and their weights multiply. Parentheses that do not end in ":NUMBER)" are ordinary
// text ("a dancer (in slow motion)" keeps its parentheses). "\(", "\)", "\:" and "\\" write
// the literal character. The syntax characters are removed; every remaining character keeps
// its span in the typed prompt. The pipeline applies the weights; this only parses.
#pragma once
#include <string_view>

#include "model/prompt_text.h"

namespace wanattn {

inline constexpr float kMaxPromptWeight = 10.0f;

// Throws PromptSyntaxError naming the byte offset for: a weight that closes no '(', a
// weighted group missing its ')', an empty group "(:1.5)", a missing weight "(cat:)", and
// a weight outside [0, kMaxPromptWeight].
PromptChars parse_prompt_weights(std::string_view typed);

}  // namespace wanattn
