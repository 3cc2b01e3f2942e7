#include "model/prompt_clean.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "html_entity.h"
#include "model/html_unescape.h"

namespace wanattn {
namespace {

struct FtfyCharFix {
  uint32_t cp;
  const char* utf8;
};
#include "ftfy_tables.inc"

const std::string_view* char_fix(char32_t cp) {
  static const auto* map = [] {
    auto* m = new std::unordered_map<char32_t, std::string_view>;
    for (const auto& f : kFtfyCharFixes) m->emplace(f.cp, f.utf8);
    return m;
  }();
  const auto it = map->find(cp);
  return it == map->end() ? nullptr : &it->second;
}

bool is_control_char(char32_t cp) {
  return std::binary_search(std::begin(kFtfyControlChars), std::end(kFtfyControlChars), uint32_t(cp));
}

std::optional<std::string> upper_entity(std::string_view name) {
  for (const auto& e : kFtfyUpperEntities)
    if (name == e.name) return std::string(e.utf8);
  return std::nullopt;
}

bool is_alnum_ascii(char32_t c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// ftfy's unescape_html: only references matching &#?[0-9A-Za-z]{1,24}; that are HTML5 names
// ending in ';' (or ftfy's all-caps variants), or numeric references html.unescape decodes whole.
PromptChars ftfy_unescape_html(const PromptChars& in) {
  PromptChars out;
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    if (in[i].cp != '&') {
      out.push_back(in[i++]);
      continue;
    }
    size_t j = i + 1;
    const bool numeric = j < n && in[j].cp == '#';
    if (numeric) ++j;
    size_t k = j;
    while (k < n && k - j < 25 && is_alnum_ascii(in[k].cp)) ++k;
    if (k == j || k - j > 24 || k >= n || in[k].cp != ';') {
      out.push_back(in[i++]);
      continue;
    }
    std::string body;  // between '&' / '&#' and ';'
    for (size_t c = j; c < k; ++c) body += char(in[c].cp);
    PromptChar whole = in[i];
    whole.end = in[k].end;
    std::optional<std::string> value;
    if (!numeric) {
      value = html5_entity(body + ";");
      if (!value) value = upper_entity(body + ";");
    } else {
      // html.unescape must consume the whole reference, else ftfy keeps the text.
      const bool hex = body[0] == 'x' || body[0] == 'X';
      const std::string digits = hex ? body.substr(1) : body;
      const bool ok = !digits.empty() && std::all_of(digits.begin(), digits.end(), [&](char c) {
        return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0 : (c >= '0' && c <= '9');
      });
      if (ok) {
        char32_t num = 0;
        bool overflow = false;
        for (char c : digits) {
          const int d = (c >= '0' && c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
          num = num * (hex ? 16 : 10) + char32_t(d);
          if (num > 0x10FFFF) overflow = true, num = 0x110000;
        }
        value = html_numeric_reference(num, overflow);
      }
    }
    if (!value) {
      out.push_back(in[i++]);
      continue;
    }
    append_decoded(out, *value, whole);
    i = k + 1;
  }
  return out;
}

PromptChars fix_chars(const PromptChars& in) {
  PromptChars out;
  out.reserve(in.size());
  for (const PromptChar& c : in) {
    if (const auto* fix = char_fix(c.cp)) {
      append_decoded(out, *fix, c);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// "\r\n", "\r", U+2028, U+2029, U+0085 -> "\n".
PromptChars fix_line_breaks(const PromptChars& in) {
  PromptChars out;
  for (size_t i = 0; i < in.size(); ++i) {
    PromptChar c = in[i];
    if (c.cp == '\r' && i + 1 < in.size() && in[i + 1].cp == '\n') {
      c.end = in[++i].end;
      c.cp = '\n';
    } else if (c.cp == '\r' || c.cp == 0x2028 || c.cp == 0x2029 || c.cp == 0x85) {
      c.cp = '\n';
    }
    out.push_back(c);
  }
  return out;
}

// ANSI escapes: ESC '[' [0-9;]* [A-Za-z].
PromptChars remove_terminal_escapes(const PromptChars& in) {
  PromptChars out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].cp == 0x1B && i + 1 < in.size() && in[i + 1].cp == '[') {
      size_t k = i + 2;
      while (k < in.size() && ((in[k].cp >= '0' && in[k].cp <= '9') || in[k].cp == ';')) ++k;
      if (k < in.size() && ((in[k].cp | 0x20) >= 'a' && (in[k].cp | 0x20) <= 'z')) {
        i = k;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

bool same_text(const PromptChars& a, const PromptChars& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const PromptChar& x, const PromptChar& y) { return x.cp == y.cp; });
}

}  // namespace

// ftfy.fix_text: line by line; HTML unescaping stops for good at the first line holding '<';
// each line is fixed until it stops changing. Not done: mojibake repair (fix_encoding and its
// byte-level helpers) and the final NFC normalization.
PromptChars ftfy_fix_text(const PromptChars& in) {
  PromptChars out;
  bool unescape = true;
  size_t pos = 0;
  while (pos < in.size()) {
    size_t end = pos;
    while (end < in.size() && in[end].cp != '\n') ++end;
    if (end < in.size()) ++end;  // the segment keeps its '\n'
    PromptChars seg(in.begin() + std::ptrdiff_t(pos), in.begin() + std::ptrdiff_t(end));
    if (std::any_of(seg.begin(), seg.end(), [](const PromptChar& c) { return c.cp == '<'; })) unescape = false;
    for (;;) {
      const PromptChars before = seg;
      if (unescape) seg = ftfy_unescape_html(seg);
      seg = fix_chars(seg);
      seg = fix_line_breaks(seg);
      seg = remove_terminal_escapes(seg);
      std::erase_if(seg, [](const PromptChar& c) { return is_control_char(c.cp); });
      if (same_text(before, seg)) break;
    }
    out.insert(out.end(), seg.begin(), seg.end());
    pos = end;
  }
  return out;
}

// re.sub(r"\s+", " ", text).strip(): a run of whitespace becomes one space spanning the run.
PromptChars whitespace_clean(const PromptChars& in) {
  PromptChars out;
  for (size_t i = 0; i < in.size();) {
    if (!is_python_space(in[i].cp)) {
      out.push_back(in[i++]);
      continue;
    }
    PromptChar space = in[i];
    space.cp = ' ';
    while (i < in.size() && is_python_space(in[i].cp)) space.end = in[i++].end;
    out.push_back(space);
  }
  if (!out.empty() && out.back().cp == ' ') out.pop_back();
  if (!out.empty() && out.front().cp == ' ') out.erase(out.begin());
  return out;
}

PromptChars prompt_clean(const PromptChars& text) {
  // basic_clean: ftfy, html.unescape twice, strip; then whitespace_clean (which strips too).
  return whitespace_clean(html_unescape(html_unescape(ftfy_fix_text(text))));
}

std::string prompt_clean(std::string_view text) { return prompt_utf8(prompt_clean(decode_prompt(text))); }

}  // namespace wanattn
