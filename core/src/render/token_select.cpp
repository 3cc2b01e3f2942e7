#include "core/render/token_select.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/render/render_error.h"

namespace wanattn::render {
namespace {

// "Cat," and "cat" are the same word to a person typing a token name.
std::string fold(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    if (c >= 0x80 || std::isalnum(c)) out += char(std::tolower(c));
  return out;
}

int stored_tokens(const RunManifest& m) { return std::min<int>(m.capture.tokens, int(m.tokens.size())); }

TokenSet word_set(const RunManifest& m, int w) {
  TokenSet set{m.words[size_t(w)].text, {}, false, w};
  for (int t = 0; t < stored_tokens(m); ++t)
    if (m.tokens[size_t(t)].word == w) set.tokens.push_back(t);
  return set;
}

int eos_token(const RunManifest& m) {
  for (int t = stored_tokens(m) - 1; t >= 0; --t)
    if (m.tokens[size_t(t)].word < 0) return t;
  return -1;
}

std::string word_list(const RunManifest& m) {
  std::string out;
  for (const auto& w : m.words) out += (out.empty() ? "" : " ") + w.text;
  return out;
}

[[noreturn]] void unknown(const RunManifest& m, const std::string& spec, const std::string& why) {
  throw RenderError(RenderErrorKind::BadSelection,
                    fmt::format("unknown token '{}': {} (the prompt's words: {}; or #N for stored token N of {}, "
                                "piece:TEXT, eos, padding)",
                                spec, why, word_list(m), stored_tokens(m)));
}

}  // namespace

TokenSet resolve_token(const RunManifest& m, const std::string& spec, bool has_padding) {
  const std::string key = fold(spec);
  if (spec == "padding") {
    if (!has_padding) unknown(m, spec, "this run did not keep the padding mass");
    return {"padding", {}, true, -1};
  }
  if (spec == "</s>" || key == "eos") {
    const int t = eos_token(m);
    if (t < 0) unknown(m, spec, "the stored tokens hold no end-of-sequence token");
    return {"</s>", {t}, false, -1};
  }
  if (spec.size() > 1 && spec[0] == '#') {
    int t = -1;
    try {
      size_t used = 0;
      t = std::stoi(spec.substr(1), &used);
      if (used != spec.size() - 1) t = -1;
    } catch (const std::exception&) {
      t = -1;
    }
    if (t < 0 || t >= stored_tokens(m)) unknown(m, spec, fmt::format("token index out of range 0..{}", stored_tokens(m) - 1));
    return {m.tokens[size_t(t)].piece, {t}, false, -1};
  }
  if (spec.rfind("piece:", 0) == 0) {
    const std::string piece = spec.substr(6);
    for (int t = 0; t < stored_tokens(m); ++t)
      if (m.tokens[size_t(t)].piece == piece || fold(m.tokens[size_t(t)].piece) == fold(piece))
        return {m.tokens[size_t(t)].piece, {t}, false, -1};
    unknown(m, spec, "no stored piece has that text");
  }
  // A word, optionally word@N for its N-th occurrence (1-based).
  std::string name = spec;
  int occurrence = 1;
  if (const auto at = spec.rfind('@'); at != std::string::npos && at + 1 < spec.size()) {
    try {
      occurrence = std::stoi(spec.substr(at + 1));
      name = spec.substr(0, at);
    } catch (const std::exception&) {
      occurrence = 1;
    }
  }
  int seen = 0;
  for (int w = 0; w < int(m.words.size()); ++w) {
    if (fold(m.words[size_t(w)].text) != fold(name) || fold(name).empty()) continue;
    if (++seen != occurrence) continue;
    TokenSet set = word_set(m, w);
    if (set.tokens.empty()) unknown(m, spec, "the word's tokens were not stored (the capture kept fewer tokens)");
    return set;
  }
  if (seen > 0) unknown(m, spec, fmt::format("the word occurs {} time(s)", seen));
  unknown(m, spec, "no word of the prompt matches");
}

std::vector<TokenSet> resolve_tokens(const RunManifest& m, const std::vector<std::string>& specs, bool has_padding) {
  std::vector<TokenSet> out;
  for (const auto& s : specs) out.push_back(resolve_token(m, s, has_padding));
  return out;
}

std::vector<TokenSet> word_sets(const RunManifest& m) {
  std::vector<TokenSet> out;
  for (int w = 0; w < int(m.words.size()); ++w) {
    TokenSet set = word_set(m, w);
    if (!set.tokens.empty()) out.push_back(std::move(set));
  }
  if (const int t = eos_token(m); t >= 0) out.push_back({"</s>", {t}, false, -1});
  return out;
}

}  // namespace wanattn::render
