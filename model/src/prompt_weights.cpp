#include "model/prompt_weights.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "model/text_error.h"

namespace wanattn {
namespace {

struct Item {
  PromptChar c;
  bool escaped = false;  // written with a backslash: never syntax
};

bool is_weight_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_blank(char32_t c) { return c == ' ' || c == '\t'; }
bool syntax(const Item& it, char32_t cp) { return !it.escaped && it.c.cp == cp; }

// After the ':' at `colon`: blanks, [+-]?(\d+(\.\d*)?|\.\d+), blanks. Returns the index
// after that (or colon + 1 when no number) and the number text.
size_t scan_weight(const std::vector<Item>& in, size_t colon, std::string& number) {
  size_t k = colon + 1;
  while (k < in.size() && !in[k].escaped && is_blank(in[k].c.cp)) ++k;
  const size_t start = k;
  if (k < in.size() && !in[k].escaped && (in[k].c.cp == '+' || in[k].c.cp == '-')) ++k;
  size_t digits = 0;
  while (k < in.size() && !in[k].escaped && is_weight_digit(in[k].c.cp)) ++k, ++digits;
  if (k < in.size() && !in[k].escaped && in[k].c.cp == '.') {
    ++k;
    while (k < in.size() && !in[k].escaped && is_weight_digit(in[k].c.cp)) ++k, ++digits;
  }
  if (digits == 0) return colon + 1;
  for (size_t c = start; c < k; ++c) number += char(in[c].c.cp);
  while (k < in.size() && !in[k].escaped && is_blank(in[k].c.cp)) ++k;
  return k;
}

}  // namespace

PromptChars parse_prompt_weights(std::string_view typed) {
  const PromptChars chars = decode_prompt(typed);
  std::vector<Item> in;
  in.reserve(chars.size());
  for (size_t i = 0; i < chars.size(); ++i) {
    const char32_t next = i + 1 < chars.size() ? chars[i + 1].cp : 0;
    if (chars[i].cp == '\\' && (next == '(' || next == ')' || next == ':' || next == '\\')) {
      PromptChar c = chars[i + 1];
      c.begin = chars[i].begin;  // the escape's span covers the backslash too
      in.push_back({c, true});
      ++i;
    } else {
      in.push_back({chars[i], false});
    }
  }

  PromptChars out;
  std::vector<size_t> open;  // indices in `out` of '(' not yet closed (literal so far)
  for (size_t i = 0; i < in.size(); ++i) {
    const Item& it = in[i];
    if (syntax(it, '(')) {
      open.push_back(out.size());
      out.push_back(it.c);
      continue;
    }
    if (syntax(it, ')')) {
      if (!open.empty()) open.pop_back();  // a literal pair
      out.push_back(it.c);
      continue;
    }
    if (!syntax(it, ':')) {
      out.push_back(it.c);
      continue;
    }
    std::string number;
    const size_t after = scan_weight(in, i, number);
    const bool closes = after < in.size() && syntax(in[after], ')');
    if (number.empty()) {
      if (closes && !open.empty())
        throw PromptSyntaxError(fmt::format("prompt weighting: missing weight after ':' at byte {} (write \"(text:1.5)\", "
                                            "or \"\\:\" for a literal colon)",
                                            it.c.begin),
                                it.c.begin);
      out.push_back(it.c);
      continue;
    }
    if (!closes) {
      if (after >= in.size() && !open.empty())
        throw PromptSyntaxError(fmt::format("prompt weighting: the group opened by '(' at byte {} has weight ':{}' "
                                            "but no ')'",
                                            out[open.back()].begin, number),
                                out[open.back()].begin);
      out.push_back(it.c);  // "10:30 pm": a colon in the text
      continue;
    }
    if (open.empty())
      throw PromptSyntaxError(fmt::format("prompt weighting: ':{})' at byte {} closes no '(' (write \"(text:{})\", or "
                                          "\"\\)\" for a literal parenthesis)",
                                          number, it.c.begin, number),
                              it.c.begin);
    const size_t p = open.back();
    open.pop_back();
    const int64_t group_begin = out[p].begin;
    bool empty = true;
    for (size_t c = p + 1; c < out.size(); ++c) empty = empty && (out[c].cp == ' ' || out[c].cp == '\t');
    if (empty)
      throw PromptSyntaxError(fmt::format("prompt weighting: empty group at byte {}: nothing to weight by {}",
                                          group_begin, number),
                              group_begin);
    const double w = std::strtod(number.c_str(), nullptr);
    if (!std::isfinite(w) || w < 0 || w > kMaxPromptWeight)
      throw PromptSyntaxError(fmt::format("prompt weighting: weight {} at byte {} is outside [0, {}]", number,
                                          it.c.begin, kMaxPromptWeight),
                              it.c.begin);
    for (size_t c = p + 1; c < out.size(); ++c) out[c].weight *= float(w);
    out.erase(out.begin() + std::ptrdiff_t(p));
    // Later literal '(' positions shift by one.
    for (size_t& o : open)
      if (o > p) --o;
    i = after;  // the ')'
  }
  return out;
}

}  // namespace wanattn
