// Parity with transformers' T5Tokenizer and Python sentencepiece on the tiny model the
// fixture trains (tests/support/train_tiny_spm.cpp, tests/reference/tokenizer_reference.py),
// plus spans, words, weights, layouts and the manifest.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model/prompt_clean.h"
#include "model/t5_tokenizer.h"
#include "model/text_error.h"
#include "support/synthetic_run.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kFixture = fs::path(WANATTN_TEXT_FIXTURES) / "tokenizer";

nlohmann::json expected() {
  std::ifstream f(kFixture / "expected.json");
  if (!f) return nullptr;
  return nlohmann::json::parse(f);
}

}  // namespace

TEST_CASE("tokenizer ids equal transformers and sentencepiece on the reference prompts", "[parity]") {
  const auto ref = expected();
  if (ref.is_null()) WANATTN_SKIP("no reference ids (fixture tokenizer_reference did not run)");
  const T5Tokenizer tok = T5Tokenizer::from_folder(kFixture.string());
  for (const auto& p : ref["prompts"]) {
    const std::string prompt = p["prompt"];
    INFO("prompt: " << prompt);
    const TokenizedPrompt t = tok.encode(prompt);
    CHECK(t.cleaned == p["cleaned"].get<std::string>());
    CHECK(t.ids == p["hf_ids"].get<std::vector<int64_t>>());
    CHECK(t.mask() == p["hf_mask"].get<std::vector<int64_t>>());
    if (prompt.find('<') == std::string::npos) {  // sentencepiece alone knows no special tokens
      const auto sp = p["sp_ids"].get<std::vector<int64_t>>();
      CHECK(std::vector<int64_t>(t.ids.begin(), t.ids.begin() + std::ptrdiff_t(sp.size())) == sp);
    }
    const int64_t pieces = p["sp_pieces"];
    CHECK(t.dropped_tokens == std::max<int64_t>(0, pieces - 511));
    CHECK(t.warnings.size() == (t.dropped_tokens > 0 ? 1u : 0u));
    REQUIRE(t.real_tokens() >= 1);
    CHECK(t.tokens.back().id == 1);
    CHECK(t.tokens.back().word == -1);
    for (const auto& tk : t.tokens) {  // every span lies inside the typed prompt
      CHECK(tk.begin >= 0);
      CHECK(tk.begin <= tk.end);
      CHECK(tk.end <= int64_t(prompt.size()));
    }
  }
}

TEST_CASE("truncation keeps 511 tokens + EOS and says how many were dropped", "[fast]") {
  const T5Tokenizer tok = T5Tokenizer::from_folder(kFixture.string());
  std::string prompt;
  for (int i = 0; i < 200; ++i) prompt += "cinematic shot ";
  const TokenizedPrompt t = tok.encode(prompt);
  REQUIRE(t.real_tokens() == 512);
  CHECK(t.ids.size() == 512);
  CHECK(t.ids[511] == 1);
  REQUIRE(t.dropped_tokens > 0);
  REQUIRE(t.warnings.size() == 1);
  CHECK_THAT(t.warnings[0], ContainsSubstring("the last " + std::to_string(t.dropped_tokens) + " tokens"));
  const TokenizedPrompt shorter = tok.encode(prompt, 16);
  CHECK(shorter.ids.size() == 16);
  CHECK(shorter.real_tokens() == 16);
}

TEST_CASE("empty and whitespace prompts are EOS alone", "[fast]") {
  const T5Tokenizer tok = T5Tokenizer::from_folder(kFixture.string());
  for (const char* p : {"", "   ", "\t\n"}) {
    const TokenizedPrompt t = tok.encode(p);
    REQUIRE(t.real_tokens() == 1);
    CHECK(t.ids[0] == 1);
    CHECK(t.ids[1] == 0);
    CHECK(t.words.empty());
    CHECK(t.tokens[0].begin == int64_t(std::string(p).size()));
  }
}

TEST_CASE("tokens carry readable pieces, spans, words and weights", "[fast]") {
  const T5Tokenizer tok = T5Tokenizer::from_folder(kFixture.string());
  const std::string typed = "A  cat, (red hat:1.5) &amp; 🎉!";
  const TokenizedPrompt t = tok.encode(typed);
  CHECK(t.cleaned == "A cat, red hat & 🎉!");
  std::vector<std::string> words;
  for (const auto& w : t.words) words.push_back(w.text);
  CHECK(words == std::vector<std::string>{"A", "cat", ",", "red", "hat", "&amp;", "🎉", "!"});
  for (const auto& w : t.words) CHECK(typed.substr(size_t(w.begin), size_t(w.end - w.begin)) == w.text);
  for (const auto& tk : t.tokens) {
    if (tk.word < 0) continue;
    INFO("piece " << tk.piece);
    const auto& w = t.words[size_t(tk.word)];
    CHECK(tk.begin >= w.begin);  // a token lies inside its word
    CHECK(tk.end <= w.end);
    CHECK(tk.piece.find("\xE2\x96\x81") == std::string::npos);  // no raw marker shown
    const bool weighted = w.text == "red" || w.text == "hat";
    CHECK(tk.weight == Approx(weighted ? 1.5 : 1.0));
  }
  const auto& eos = t.tokens.back();
  CHECK(eos.piece == "</s>");
  CHECK(eos.begin == int64_t(typed.size()));
}

TEST_CASE("the tokenizer is found in the diffusers and official layouts", "[fast]") {
  test::TempDir dir("tok-layouts");
  fs::create_directories(fs::path(dir.str()) / "diffusers" / "tokenizer");
  fs::create_directories(fs::path(dir.str()) / "official" / "google" / "umt5-xxl");
  fs::copy_file(kFixture / "spiece.model", fs::path(dir.sub("diffusers")) / "tokenizer" / "spiece.model");
  fs::copy_file(kFixture / "spiece.model", fs::path(dir.sub("official")) / "google" / "umt5-xxl" / "spiece.model");
  const auto a = T5Tokenizer::from_folder(dir.sub("diffusers")).encode("a red cat");
  const auto b = T5Tokenizer::from_folder(dir.sub("official")).encode("a red cat");
  CHECK(a.ids == b.ids);
  // No tokenizer_config.json there: T5Tokenizer's default of 100 sentinels.
  const T5Tokenizer official = T5Tokenizer::from_folder(dir.sub("official"));
  const auto& sp = official.special_tokens();
  CHECK(std::count_if(sp.begin(), sp.end(), [](const auto& s) { return s.first == "<extra_id_0>"; }) == 1);
}

TEST_CASE("a ComfyUI user with only the encoder file is told what to fetch", "[fast]") {
  test::TempDir dir("tok-comfy");
  std::ofstream(dir.sub("umt5_xxl_fp16.safetensors")) << "x";
  for (const std::string& where : {dir.str(), dir.sub("umt5_xxl_fp16.safetensors")}) {
    try {
      T5Tokenizer::from_folder(where);
      FAIL("no error");
    } catch (const TokenizerError& e) {
      CHECK_THAT(e.what(), ContainsSubstring("spiece.model"));
      CHECK_THAT(e.what(), ContainsSubstring("ComfyUI"));
      CHECK_THAT(e.what(), ContainsSubstring(where));
    }
  }
  std::ofstream(dir.sub("spiece.model")) << "not a model";
  CHECK_THROWS_AS(T5Tokenizer::from_folder(dir.str()), TokenizerError);
}

TEST_CASE("tokens and words land in the run manifest", "[fast]") {
  const T5Tokenizer tok = T5Tokenizer::from_folder(kFixture.string());
  const TokenizedPrompt t = tok.encode("A cat sits (on a red mat:1.2).");
  RunManifest m = test::synthetic_manifest({});
  fill_manifest_tokens(t, m);
  const RunManifest back = manifest_from_json(to_json(m), "test");
  REQUIRE(back.tokens.size() == t.tokens.size());
  REQUIRE(back.words.size() == t.words.size());
  CHECK(back.prompt == "A cat sits (on a red mat:1.2).");
  CHECK(back.capture.tokens == t.real_tokens());
  for (size_t i = 0; i < t.tokens.size(); ++i) {
    CHECK(back.tokens[i].id == t.tokens[i].id);
    CHECK(back.tokens[i].piece == t.tokens[i].piece);
    CHECK(back.tokens[i].word == t.tokens[i].word);
    CHECK(back.tokens[i].char_begin == t.tokens[i].begin);
    CHECK(back.tokens[i].char_end == t.tokens[i].end);
  }
  CHECK(back.words.back().text == ".");
}
