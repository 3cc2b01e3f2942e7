// The umT5 tokenizer (reference: transformers T5Tokenizer / T5TokenizerFast as Wan and
// diffusers call it: clean, EOS appended, right padding with 0 to 512, truncation to
// 511 + EOS) on libsentencepiece, plus what the studio needs: for every real position the
// piece, its byte span in the prompt as typed, its word and its prompt weight.
// Immutable after loading; encode() may run on any thread.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/manifest.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace wanattn {

inline constexpr int kTextLength = 512;  // UMT5 text slots (spec 2.1)

struct PromptToken {
  int64_t id = 0;
  std::string piece;       // readable: "cine", "matic", "</s>"; "␣" for a lone word marker
  int word = -1;           // index into TokenizedPrompt::words, -1 for EOS
  int64_t begin = 0;       // [begin, end): UTF-8 byte span in the typed prompt
  int64_t end = 0;
  float weight = 1.0f;     // prompt weighting of the token's first character
};

struct PromptWord {
  std::string text;  // the typed bytes [begin, end)
  int64_t begin = 0;
  int64_t end = 0;
};

struct TokenizedPrompt {
  std::string typed;                // as the user typed it; spans index into it
  std::string cleaned;              // what the tokenizer saw (weight syntax removed, cleaned)
  std::vector<int64_t> ids;         // max_length ids, right-padded with the pad id (0)
  std::vector<PromptToken> tokens;  // the real positions 0..T-1, EOS last
  std::vector<PromptWord> words;
  int64_t dropped_tokens = 0;       // text tokens cut by truncation
  std::vector<std::string> warnings;

  int real_tokens() const { return int(tokens.size()); }  // T (EOS included)
  std::vector<int64_t> mask() const;                       // 1 for the T real positions
};

class T5Tokenizer {
 public:
  // spiece.model in `folder`, or in its tokenizer/ (diffusers) or google/umt5-xxl/ (official)
  // sub-folder. Throws TokenizerError saying where it looked (and what ComfyUI users need).
  static T5Tokenizer from_folder(const std::string& folder);
  // A spiece.model file; sentinel tokens come from the tokenizer.json / tokenizer_config.json
  // beside it (T5Tokenizer's default of 100 <extra_id_N> without them).
  static T5Tokenizer from_file(const std::string& spiece_model);

  TokenizedPrompt encode(std::string_view typed, int max_length = kTextLength) const;

  const std::string& model_path() const { return path_; }
  int piece_count() const;  // SentencePiece pieces (sentinels come after)
  int64_t eos_id() const { return eos_id_; }
  int64_t pad_id() const { return pad_id_; }
  // Special tokens that the text can contain literally ("</s>", "<extra_id_0>", ...).
  const std::vector<std::pair<std::string, int64_t>>& special_tokens() const { return special_; }

 private:
  T5Tokenizer() = default;
  std::string path_;
  std::shared_ptr<sentencepiece::SentencePieceProcessor> sp_;
  std::vector<std::pair<std::string, int64_t>> special_;  // longest first
  int64_t eos_id_ = 1, pad_id_ = 0;
};

// Where spiece.model lives for a model folder (see from_folder); throws TokenizerError.
std::string find_tokenizer_model(const std::string& folder);

// The run manifest's tokens and words.
void fill_manifest_tokens(const TokenizedPrompt& p, RunManifest& m);
std::pair<std::vector<TokenInfo>, std::vector<WordInfo>> manifest_tokens(const TokenizedPrompt& p);

}  // namespace wanattn
