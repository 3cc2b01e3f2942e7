#include "model/html_unescape.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "html_entity.h"

namespace wanattn {
namespace {

struct HtmlCharref {
  uint32_t cp;
  const char* utf8;
};
#include "html_entities.inc"

const std::unordered_map<std::string_view, std::string_view>& entity_map() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string_view, std::string_view>;
    for (const auto& e : kHtmlEntities) m->emplace(e.name, e.utf8);
    return m;
  }();
  return *map;
}

bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_hex(char32_t c) { return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_value(char32_t c) { return is_ascii_digit(c) ? int(c - '0') : int((c | 0x20) - 'a' + 10); }

// Characters that end a named reference in html.unescape's pattern [^\t\n\f <&#;].
bool ends_name(char32_t c) { return c == '\t' || c == '\n' || c == '\f' || c == ' ' || c == '<' || c == '&' || c == '#' || c == ';'; }

}  // namespace

std::optional<std::string> html5_entity(std::string_view name) {
  const auto& m = entity_map();
  const auto it = m.find(name);
  if (it == m.end()) return std::nullopt;
  return std::string(it->second);
}

std::string html_numeric_reference(char32_t num, bool overflow) {
  if (!overflow) {
    for (const auto& r : kHtmlInvalidCharrefs)
      if (r.cp == num) return r.utf8;
  }
  if (overflow || num > 0x10FFFF || (num >= 0xD800 && num <= 0xDFFF)) return "\xEF\xBF\xBD";  // U+FFFD
  if (std::find(std::begin(kHtmlInvalidCodepoints), std::end(kHtmlInvalidCodepoints), uint32_t(num)) !=
      std::end(kHtmlInvalidCodepoints))
    return "";
  std::string s;
  append_utf8(s, num);
  return s;
}

void append_decoded(PromptChars& out, std::string_view s, const PromptChar& like) {
  for (const PromptChar& c : decode_prompt(s)) out.push_back({c.cp, like.begin, like.end, like.weight});
}

// Same matches as html.unescape's regex &(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?),
// scanned left to right, with its replacement rules.
PromptChars html_unescape(const PromptChars& in) {
  PromptChars out;
  out.reserve(in.size());
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    if (in[i].cp != '&' || i + 1 >= n) {
      out.push_back(in[i++]);
      continue;
    }
    size_t j = i + 1;
    PromptChar whole = in[i];
    if (in[j].cp == '#') {
      const bool hex = j + 1 < n && (in[j + 1].cp == 'x' || in[j + 1].cp == 'X');
      size_t k = j + (hex ? 2 : 1);
      const size_t digits_begin = k;
      char32_t num = 0;
      bool overflow = false;
      while (k < n && (hex ? is_hex(in[k].cp) : is_ascii_digit(in[k].cp))) {
        num = num * (hex ? 16 : 10) + char32_t(hex ? hex_value(in[k].cp) : int(in[k].cp - '0'));
        if (num > 0x10FFFF) overflow = true, num = 0x110000;
        ++k;
      }
      if (k == digits_begin) {  // "&#" without digits is no reference
        out.push_back(in[i++]);
        continue;
      }
      if (k < n && in[k].cp == ';') ++k;
      whole.end = in[k - 1].end;
      append_decoded(out, html_numeric_reference(num, overflow), whole);
      i = k;
      continue;
    }
    size_t k = j;
    while (k < n && k - j < 32 && !ends_name(in[k].cp)) ++k;
    if (k == j) {
      out.push_back(in[i++]);
      continue;
    }
    if (k < n && in[k].cp == ';') ++k;
    std::string name;
    std::vector<size_t> char_end;  // name byte length after each char
    for (size_t c = j; c < k; ++c) {
      append_utf8(name, in[c].cp);
      char_end.push_back(name.size());
    }
    if (auto v = html5_entity(name)) {
      whole.end = in[k - 1].end;
      append_decoded(out, *v, whole);
      i = k;
      continue;
    }
    // The longest prefix (at least 2 characters) that is a name; the rest stays as typed.
    bool found = false;
    for (size_t len = k - j - 1; len > 1; --len) {
      if (auto v = html5_entity(std::string_view(name).substr(0, char_end[len - 1]))) {
        whole.end = in[j + len - 1].end;
        append_decoded(out, *v, whole);
        for (size_t c = j + len; c < k; ++c) out.push_back(in[c]);
        found = true;
        break;
      }
    }
    if (!found)
      for (size_t c = i; c < k; ++c) out.push_back(in[c]);
    i = k;
  }
  return out;
}

}  // namespace wanattn
