#include "model/prompt_words.h"

#include <locale.h>
#include <wctype.h>

#include "model/prompt_text.h"

namespace wanattn {
namespace {

// Combining marks and joiners continue a word (glibc calls them punctuation).
bool is_mark(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x0483 && c <= 0x0489) || (c >= 0x0591 && c <= 0x05C7) ||
         (c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) ||
         (c >= 0x0900 && c <= 0x0DFF && c != 0x0964 && c != 0x0965) || (c >= 0x0E31 && c <= 0x0E4E) ||
         (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
         (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200C || (c >= 0x3099 && c <= 0x309A);
}

// Unicode classes from glibc's C.UTF-8 locale (built in since glibc 2.35); without it
// only ASCII punctuation counts.
locale_t utf8_locale() {
  static const locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(nullptr));
    if (!l) l = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", locale_t(nullptr));
    return l;
  }();
  return loc;
}

bool is_punct(char32_t c) {
  if (c < 0x80) return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  if (is_mark(c)) return false;
  const locale_t loc = utf8_locale();
  return loc && iswpunct_l(wint_t(c), loc) != 0;
}

}  // namespace

bool is_punctuation_text(std::string_view utf8) {
  if (utf8.empty()) return false;
  for (const PromptChar& c : decode_prompt(utf8))
    if (!is_punct(c.cp)) return false;
  return true;
}

std::vector<PromptWord> assign_words(std::string_view typed, std::vector<PromptToken>& tokens, size_t n_text,
                                     const std::vector<bool>& starts_word, const std::vector<bool>& marker_only) {
  std::vector<PromptWord> words;
  std::vector<size_t> pending;  // lone markers waiting for the word they introduce
  bool boundary = true, last_punct = false;
  auto extend = [&](PromptWord& w, const PromptToken& t) {
    if (t.begin == t.end) return;  // no source text: does not widen the word
    if (w.begin == w.end) {
      w.begin = t.begin, w.end = t.end;
    } else {
      w.begin = std::min(w.begin, t.begin), w.end = std::max(w.end, t.end);
    }
  };
  for (size_t i = 0; i < n_text; ++i) {
    PromptToken& t = tokens[i];
    if (marker_only[i]) {
      pending.push_back(i);
      boundary = true;
      continue;
    }
    const bool punct = is_punctuation_text(t.piece);
    if (words.empty() || boundary || starts_word[i] || punct || last_punct) {
      words.push_back({"", t.begin, t.begin});
    }
    PromptWord& w = words.back();
    for (size_t m : pending) tokens[m].word = int(words.size() - 1);
    pending.clear();
    t.word = int(words.size() - 1);
    extend(w, t);
    boundary = false;
    last_punct = punct;
  }
  if (!pending.empty()) {  // trailing markers (truncation): a word of their own
    words.push_back({"", tokens[pending.front()].begin, tokens[pending.front()].begin});
    for (size_t m : pending) {
      tokens[m].word = int(words.size() - 1);
      extend(words.back(), tokens[m]);
    }
  }
  for (PromptWord& w : words) w.text = std::string(typed.substr(size_t(w.begin), size_t(w.end - w.begin)));
  return words;
}

}  // namespace wanattn
