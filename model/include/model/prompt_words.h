// Joins tokens into the words an artist clicks: a word starts at a word-boundary marker
// ("▁"), and punctuation/symbol pieces (emoji included) are words of their own. A lone
// marker piece belongs to the word after it. EOS is no word (-1).
#pragma once
#include <string_view>
#include <vector>

#include "model/t5_tokenizer.h"

namespace wanattn {

// Sets token.word for tokens[0 .. n_text) and returns the words (spans into `typed`).
// `starts_word[i]` says the piece began with the marker; `marker_only[i]` that it is nothing else.
std::vector<PromptWord> assign_words(std::string_view typed, std::vector<PromptToken>& tokens, size_t n_text,
                                     const std::vector<bool>& starts_word, const std::vector<bool>& marker_only);

// True when every character of the UTF-8 text is punctuation or a symbol (emoji included).
bool is_punctuation_text(std::string_view utf8);

}  // namespace wanattn
