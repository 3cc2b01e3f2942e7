// Pre-tokenized prompts for the benchmarks that run the pipeline on random weights (no
// tokenizer file can be assumed there).
#pragma once
#include <cstdint>

#include "model/t5_tokenizer.h"

namespace wanattn::cli {

// T real positions (T-1 pseudo-random ids below `vocab` + EOS), padded to 512, one word per token.
TokenizedPrompt synthetic_prompt(int T, uint64_t seed, int64_t vocab);

}  // namespace wanattn::cli
