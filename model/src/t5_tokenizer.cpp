#include "model/t5_tokenizer.h"

#include <fmt/format.h>
#include <sentencepiece_processor.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model/prompt_clean.h"
#include "model/prompt_weights.h"
#include "model/prompt_words.h"
#include "model/text_error.h"

namespace fs = std::filesystem;

namespace wanattn {
namespace {

constexpr std::string_view kMarker = "\xE2\x96\x81";      // U+2581, SentencePiece's word boundary
constexpr std::string_view kVisibleSpace = "\xE2\x90\xA3";  // U+2423, shown for a lone marker

std::string readable_piece(std::string piece) {
  if (piece == kMarker) return std::string(kVisibleSpace);
  if (piece.starts_with(kMarker)) piece.erase(0, kMarker.size());
  for (size_t at; (at = piece.find(kMarker)) != std::string::npos;) piece.replace(at, kMarker.size(), " ");
  return piece;
}

std::optional<nlohmann::json> read_json(const fs::path& p) {
  if (!fs::exists(p)) return std::nullopt;
  std::ifstream f(p);
  try {
    return nlohmann::json::parse(f);
  } catch (const std::exception& e) {
    throw TokenizerError(fmt::format("{}: not valid JSON: {}", p.string(), e.what()));
  }
}

// The added (special) tokens that transformers splits out of the text before SentencePiece:
// tokenizer.json's "added_tokens", else tokenizer_config.json's "added_tokens_decoder",
// else its "extra_ids" (T5Tokenizer's default: 100 sentinels <extra_id_0> = last id).
std::vector<std::pair<std::string, int64_t>> added_tokens(const fs::path& dir, int pieces) {
  std::vector<std::pair<std::string, int64_t>> out;
  if (auto tj = read_json(dir / "tokenizer.json"); tj && tj->contains("added_tokens")) {
    for (const auto& t : (*tj)["added_tokens"]) out.emplace_back(t.at("content").get<std::string>(), t.at("id").get<int64_t>());
    return out;
  }
  int extra_ids = 100;
  if (auto cfg = read_json(dir / "tokenizer_config.json")) {
    if (cfg->contains("added_tokens_decoder")) {
      for (const auto& [id, t] : (*cfg)["added_tokens_decoder"].items())
        out.emplace_back(t.at("content").get<std::string>(), std::stoll(id));
      return out;
    }
    if (cfg->contains("extra_ids")) extra_ids = cfg->at("extra_ids").get<int>();
  }
  for (int i = 0; i < extra_ids; ++i) out.emplace_back(fmt::format("<extra_id_{}>", i), pieces + extra_ids - 1 - i);
  return out;
}

}  // namespace

std::vector<int64_t> TokenizedPrompt::mask() const {
  std::vector<int64_t> m(ids.size(), 0);
  std::fill_n(m.begin(), std::min(m.size(), tokens.size()), 1);
  return m;
}

std::string find_tokenizer_model(const std::string& folder) {
  const fs::path root(folder);
  if (fs::is_regular_file(root) && root.filename() == "spiece.model") return root.string();
  const fs::path candidates[] = {root / "spiece.model", root / "tokenizer" / "spiece.model",
                                 root / "google" / "umt5-xxl" / "spiece.model"};
  for (const auto& c : candidates)
    if (fs::is_regular_file(c)) return c.string();
  std::string hint;
  if (fs::is_regular_file(root) || (fs::is_directory(root) && !fs::exists(root / "tokenizer"))) {
    hint = " A ComfyUI text-encoder file (umt5_xxl_*.safetensors) holds only the encoder weights: "
           "get the umT5 tokenizer folder (spiece.model) from google/umt5-xxl or the tokenizer/ folder of "
           "Wan-AI/Wan2.1-T2V-1.3B-Diffusers and pass that folder as the tokenizer.";
  }
  throw TokenizerError(fmt::format("no umT5 tokenizer (spiece.model) found for '{}': looked in {}, {} and {}.{}", folder,
                                   candidates[0].string(), candidates[1].string(), candidates[2].string(), hint));
}

T5Tokenizer T5Tokenizer::from_folder(const std::string& folder) { return from_file(find_tokenizer_model(folder)); }

T5Tokenizer T5Tokenizer::from_file(const std::string& spiece_model) {
  T5Tokenizer t;
  t.path_ = spiece_model;
  t.sp_ = std::make_shared<sentencepiece::SentencePieceProcessor>();
  if (!fs::is_regular_file(spiece_model)) throw TokenizerError(fmt::format("{}: no such file", spiece_model));
  if (const auto st = t.sp_->Load(spiece_model); !st.ok())
    throw TokenizerError(fmt::format("{}: not a SentencePiece model: {}", spiece_model, st.ToString()));
  // T5 ids: <pad> 0, </s> 1, <unk> 2 (spec 2.1); read them from the model, not assumed.
  t.pad_id_ = t.sp_->pad_id() >= 0 ? t.sp_->pad_id() : 0;
  t.eos_id_ = t.sp_->eos_id();
  if (t.eos_id_ < 0) throw TokenizerError(fmt::format("{}: the SentencePiece model has no EOS piece", spiece_model));
  for (int id : {t.sp_->pad_id(), t.sp_->eos_id(), t.sp_->unk_id()})
    if (id >= 0) t.special_.emplace_back(t.sp_->IdToPiece(id), id);
  for (auto& a : added_tokens(fs::path(spiece_model).parent_path(), t.sp_->GetPieceSize()))
    if (std::find(t.special_.begin(), t.special_.end(), a) == t.special_.end()) t.special_.push_back(std::move(a));
  // Longest first, so the leftmost match found is also the longest.
  std::stable_sort(t.special_.begin(), t.special_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return t;
}

int T5Tokenizer::piece_count() const { return sp_->GetPieceSize(); }

TokenizedPrompt T5Tokenizer::encode(std::string_view typed, int max_length) const {
  if (max_length < 1) throw TokenizerError(fmt::format("max_length must be at least 1, got {}", max_length));
  TokenizedPrompt out;
  out.typed = std::string(typed);
  const PromptChars chars = prompt_clean(parse_prompt_weights(typed));
  std::vector<int> byte_to_char;
  out.cleaned = prompt_utf8(chars, &byte_to_char);
  const std::string& text = out.cleaned;

  // Pieces over the cleaned text: special tokens split out, every chunk between them
  // encoded on its own (each gets its own leading marker, as in transformers).
  struct Piece {
    int64_t id;
    std::string piece;
    size_t begin, end;  // bytes of `text`
  };
  std::vector<Piece> pieces;
  auto encode_chunk = [&](size_t from, size_t to) {
    if (from >= to) return;
    const auto spt = sp_->EncodeAsImmutableProto(std::string_view(text).substr(from, to - from));
    for (const auto& p : spt.pieces()) pieces.push_back({int64_t(p.id()), p.piece(), from + p.begin(), from + p.end()});
  };
  size_t chunk = 0;
  for (size_t i = 0; i < text.size();) {
    const auto hit = std::find_if(special_.begin(), special_.end(),
                                  [&](const auto& s) { return std::string_view(text).substr(i).starts_with(s.first); });
    if (hit == special_.end()) {
      ++i;
      continue;
    }
    encode_chunk(chunk, i);
    pieces.push_back({hit->second, hit->first, i, i + hit->first.size()});
    i += hit->first.size();
    chunk = i;
  }
  encode_chunk(chunk, text.size());

  const size_t keep = std::min(pieces.size(), size_t(max_length - 1));
  out.dropped_tokens = int64_t(pieces.size() - keep);
  std::vector<bool> starts_word, marker_only;
  for (size_t k = 0; k < keep; ++k) {
    const Piece& p = pieces[k];
    PromptToken t;
    t.id = p.id;
    t.piece = readable_piece(p.piece);
    starts_word.push_back(p.piece.starts_with(kMarker));
    marker_only.push_back(p.piece == kMarker);
    // Span in the typed prompt: the source characters, leading/trailing spaces trimmed; a
    // piece with no text of its own (a word marker, whether SentencePiece added it or it
    // stands for a space) gets an empty span where the text after it starts.
    size_t c0 = p.begin < byte_to_char.size() ? size_t(byte_to_char[p.begin]) : chars.size();
    size_t c1 = p.end > p.begin ? size_t(byte_to_char[p.end - 1]) + 1 : c0;
    size_t t0 = c0, t1 = c1;
    while (t0 < t1 && chars[t0].cp == ' ') ++t0;
    while (t1 > t0 && chars[t1 - 1].cp == ' ') --t1;
    if (t0 < t1) {
      t.begin = chars[t0].begin;
      t.end = chars[t0].end;
      for (size_t c = t0; c < t1; ++c) t.begin = std::min(t.begin, chars[c].begin), t.end = std::max(t.end, chars[c].end);
      t.weight = chars[t0].weight;
    } else {  // only a word marker: an empty span where the next text starts
      const size_t next = t1;
      t.begin = t.end = next < chars.size() ? chars[next].begin : int64_t(typed.size());
      if (next < chars.size()) t.weight = chars[next].weight;
    }
    out.tokens.push_back(std::move(t));
  }
  out.words = assign_words(typed, out.tokens, keep, starts_word, marker_only);
  if (out.dropped_tokens > 0) {
    const Piece& first = pieces[keep];
    const int64_t at = first.begin < byte_to_char.size() ? chars[size_t(byte_to_char[first.begin])].begin : int64_t(typed.size());
    out.warnings.push_back(fmt::format(
        "prompt too long: {} tokens, the text encoder takes {} + EOS; the last {} tokens (from byte {} of the prompt) "
        "were dropped",
        pieces.size(), max_length - 1, out.dropped_tokens, at));
  }
  out.tokens.push_back({eos_id_, "</s>", -1, int64_t(typed.size()), int64_t(typed.size()), 1.0f});

  out.ids.assign(size_t(max_length), pad_id_);
  for (size_t k = 0; k < out.tokens.size(); ++k) out.ids[k] = out.tokens[k].id;
  return out;
}

std::pair<std::vector<TokenInfo>, std::vector<WordInfo>> manifest_tokens(const TokenizedPrompt& p) {
  std::pair<std::vector<TokenInfo>, std::vector<WordInfo>> r;
  for (const auto& t : p.tokens) r.first.push_back({t.id, t.piece, t.word, t.begin, t.end});
  for (const auto& w : p.words) r.second.push_back({w.text, w.begin, w.end});
  return r;
}

void fill_manifest_tokens(const TokenizedPrompt& p, RunManifest& m) {
  auto [tokens, words] = manifest_tokens(p);
  m.prompt = p.typed;
  m.tokens = std::move(tokens);
  m.words = std::move(words);
  m.capture.tokens = p.real_tokens();
}

}  // namespace wanattn
