// Errors of the text side: tokenizer files and prompts. Messages name the file, or the
// byte offset in the prompt, at fault.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace wanattn {

class TokenizerError : public std::runtime_error {
 public:
  explicit TokenizerError(const std::string& message) : std::runtime_error(message) {}
};

// Malformed prompt: invalid UTF-8 or weight syntax. `offset` is the byte in the typed prompt.
class PromptSyntaxError : public std::runtime_error {
 public:
  PromptSyntaxError(const std::string& message, int64_t offset) : std::runtime_error(message), offset_(offset) {}
  int64_t offset() const { return offset_; }

 private:
  int64_t offset_;
};

}  // namespace wanattn
