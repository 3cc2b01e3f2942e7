// Python's html.unescape on prompt characters, keeping each character's span in the
// typed prompt: a decoded reference takes the span of the whole "&...;" it came from.
// The reference cleaning (Wan / diffusers `prompt_clean`) applies it twice.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "model/prompt_text.h"

namespace wanattn {

PromptChars html_unescape(const PromptChars& text);

// The HTML5 named reference `name` (without '&', e.g. "amp;" or "amp"), as UTF-8.
std::optional<std::string> html5_entity(std::string_view name);
// A numeric reference as html.unescape decodes it ("" when it drops it).
std::string html_numeric_reference(char32_t cp_or_overflow, bool overflow);

// Appends the code points of UTF-8 `s` to `out`, all with span/weight of `like`.
void append_decoded(PromptChars& out, std::string_view s, const PromptChar& like);

}  // namespace wanattn
