// Which prompt tokens a map shows, from what a person types on the CLI or clicks in the
// studio. A word made of several pieces ("Eiffel" = "▁E" "iff" "el") is shown as one: its
// map is the SUM of its pieces' maps, the attention mass that went to the word
// (docs/store-format.md). Each piece can still be opened on its own.
#pragma once
#include <string>
#include <vector>

#include "core/manifest.h"

namespace wanattn::render {

struct TokenSet {
  std::string label;        // what labels show: the word, the piece, "</s>", "padding"
  std::vector<int> tokens;  // store token indices whose maps are summed
  bool padding = false;     // the attention mass that went to the padding positions
  int word = -1;            // the word index when the set is a whole word
};

// Resolves one token spec (throws RenderError(BadSelection) naming the spec and listing
// the prompt's words when nothing matches):
//   cat          a word of the prompt, case- and punctuation-insensitive; cat@2 = its 2nd occurrence
//   #7           the stored token 7 alone (one piece)
//   piece:iff    a piece by its readable text
//   eos, </s>    the end-of-sequence token
//   padding      the padding mass (when the run kept it)
TokenSet resolve_token(const RunManifest& m, const std::string& spec, bool has_padding);
std::vector<TokenSet> resolve_tokens(const RunManifest& m, const std::vector<std::string>& specs, bool has_padding);

// Every word that has stored tokens, in prompt order, then EOS (the inverse query's candidates).
std::vector<TokenSet> word_sets(const RunManifest& m);

}  // namespace wanattn::render
