// The reference prompt cleaning (Wan `HuggingfaceTokenizer(clean='whitespace')`, diffusers
// `prompt_clean`): ftfy.fix_text, html.unescape twice, strip, collapse whitespace runs to
// one space. ftfy is reproduced for its character-level fixes only; see
// docs/text-encoder.md for exactly what is and is not done instead of ftfy.
#pragma once
#include <string>
#include <string_view>

#include "model/prompt_text.h"

namespace wanattn {

// Each output character keeps the span (in the typed prompt) and weight of its source.
PromptChars prompt_clean(const PromptChars& text);
std::string prompt_clean(std::string_view text);

// The parts, in the reference's order (exposed for tests).
PromptChars ftfy_fix_text(const PromptChars& text);
PromptChars whitespace_clean(const PromptChars& text);

}  // namespace wanattn
