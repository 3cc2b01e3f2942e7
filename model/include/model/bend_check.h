// Checks of bends: structure (any time: ranges, an op its target takes, a region where one is
// needed) and limits (against a run: the model's blocks/heads/FFN width, the sampler's
// steps, the prompt's tokens). Both throw BendError naming the field and the value.
#pragma once
#include <string>

#include "model/bend.h"

namespace wanattn {

// `path` prefixes the field names in messages ("bends[0]").
void validate_bend(const Bend& bend, const std::string& path);
void validate_bend_set(const BendSet& set);

struct BendLimits {
  int steps = 0;    // sampler steps of the run
  int blocks = 0;   // transformer blocks
  int heads = 0;    // attention heads
  int tokens = 0;   // real prompt tokens (EOS included) of the conditional prompt
  int ffn_dim = 0;  // FFN hidden width
};

// Structure and indices. An index past a run's last step is allowed (such a bend never
// applies); blocks, heads, tokens and neurons must exist.
void check_bend_set(const BendSet& set, const BendLimits& limits);

}  // namespace wanattn
