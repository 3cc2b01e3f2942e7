// The demo model's tokenizer: a SentencePiece unigram model trained (libsentencepiece's own
// trainer) on captions of the demo grammar plus the alphabet and digits, with umT5's
// conventions (<pad> 0, </s> 1, <unk> 2, no BOS) and case folding, so that every grammar
// word is one piece ("green" and "triangle" are separate tokens) and any other text still
// tokenizes, letter by letter. Deterministic: a corpus drawn from `seed`, one thread.
#pragma once
#include <cstdint>
#include <string>

namespace wanattn::demo {

// Writes DIR/spiece.model and DIR/tokenizer_config.json (no sentinel tokens). Throws
// std::runtime_error with SentencePiece's message when training fails.
void train_tokenizer(const std::string& dir, uint64_t seed = 1);

}  // namespace wanattn::demo
