// A prompt on its way from what the user typed to what the tokenizer sees. Every step
// (weight syntax, cleaning) works on code points that remember which bytes of the typed
// prompt they came from, so each token can point back at what the user wrote.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wanattn {

struct PromptChar {
  char32_t cp = 0;
  int64_t begin = 0;  // [begin, end): UTF-8 byte span in the typed prompt
  int64_t end = 0;
  float weight = 1.0f;  // prompt weighting, 1 outside (text:w) groups
};

using PromptChars = std::vector<PromptChar>;

// Decodes UTF-8; throws PromptSyntaxError naming the byte offset of invalid input.
PromptChars decode_prompt(std::string_view typed);

void append_utf8(std::string& out, char32_t cp);
// The text as UTF-8; byte_to_char (optional) gets, for each output byte, its char index.
std::string prompt_utf8(const PromptChars& chars, std::vector<int>* byte_to_char = nullptr);

// Python's str.isspace(), which `re.sub(r"\s+", ...)` of the reference cleaning uses.
bool is_python_space(char32_t cp);

}  // namespace wanattn
