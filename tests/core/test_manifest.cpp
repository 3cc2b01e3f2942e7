#include <filesystem>

#include "catch_compat.h"
#include "core/manifest.h"
#include "core/store_error.h"
#include "support/synthetic_run.h"

using namespace wanattn;

namespace {
std::string error_of(const nlohmann::json& j) {
  try {
    manifest_from_json(j, "m.json");
  } catch (const StoreError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("manifest round trips through JSON, keeping unknown fields", "[fast]") {
  RunManifest m = test::synthetic_manifest({});
  m.status.state = RunState::Cancelled;
  m.status.message = "user pressed cancel";
  m.timings["dit"] = 1.25;
  m.extra["future_field"] = {1, 2, 3};
  const RunManifest back = manifest_from_json(to_json(m), "m.json");
  CHECK(back.prompt == m.prompt);
  CHECK(back.tokens.size() == m.tokens.size());
  CHECK(back.tokens[2].piece == "circle");
  CHECK(back.tokens[2].word == 2);
  CHECK(back.words[2].char_begin == m.words[2].char_begin);
  CHECK(back.capture.steps == m.capture.steps);
  CHECK(back.attention_shape() == m.attention_shape());
  CHECK(back.status.state == RunState::Cancelled);
  CHECK(back.status.message == "user pressed cancel");
  CHECK(back.timings.at("dit") == 1.25);
  CHECK(back.extra["future_field"] == nlohmann::json({1, 2, 3}));
  CHECK(back.generation["seed"] == 58);
}

TEST_CASE("manifest errors name the field at fault", "[fast]") {
  const nlohmann::json good = to_json(test::synthetic_manifest({}));
  auto j = good;
  j.erase("prompt");
  CHECK_THAT(error_of(j), ContainsSubstring("missing field 'prompt'"));
  j = good;
  j["latent_grid"]["width"] = "wide";
  CHECK_THAT(error_of(j), ContainsSubstring("latent_grid.width"));
  j = good;
  j["latent_grid"]["height"] = 0;
  CHECK_THAT(error_of(j), ContainsSubstring("latent_grid.height"));
  j = good;
  j["capture"]["tokens"] = 600;
  CHECK_THAT(error_of(j), ContainsSubstring("capture.tokens"));
  j = good;
  j["tokens"][1]["word"] = 99;
  CHECK_THAT(error_of(j), ContainsSubstring("tokens[1].word"));
  j = good;
  j["status"]["state"] = "exploded";
  CHECK_THAT(error_of(j), ContainsSubstring("exploded"));
  j = good;
  j["capture"]["head_mode"] = "mean";
  CHECK_THAT(error_of(j), ContainsSubstring("capture.heads"));
  CHECK_THAT(error_of(nlohmann::json::array()), ContainsSubstring("not a JSON object"));
}

TEST_CASE("an unknown format version is a typed error", "[fast]") {
  auto j = to_json(test::synthetic_manifest({}));
  j["format_version"] = 99;
  try {
    manifest_from_json(j, "m.json");
    FAIL("accepted version 99");
  } catch (const StoreError& e) {
    CHECK(e.kind() == StoreErrorKind::UnknownVersion);
    CHECK_THAT(std::string(e.what()), ContainsSubstring("99"));
  }
}

TEST_CASE("invalid JSON is a bad-manifest error", "[fast]") {
  try {
    parse_manifest("{\"format\": \"wanattn-run\", ", "runs/x/manifest.json");
    FAIL("accepted broken JSON");
  } catch (const StoreError& e) {
    CHECK(e.kind() == StoreErrorKind::BadManifest);
    CHECK_THAT(std::string(e.what()), ContainsSubstring("runs/x/manifest.json"));
  }
}

TEST_CASE("manifest save is atomic and leaves no temp file", "[fast]") {
  const auto dir = std::filesystem::temp_directory_path() / "wanattn-manifest-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto path = (dir / "manifest.json").string();
  RunManifest m = test::synthetic_manifest({});
  save_manifest_atomic(m, path);
  m.prompt = "second";
  save_manifest_atomic(m, path);
  CHECK(load_manifest(path).prompt == "second");
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  std::filesystem::remove_all(dir);
}

// Found by fuzz_manifest (docs/fuzzing.md): nlohmann's get<int>() static_casts any JSON
// number, so a float too large for the field was undefined behaviour (UBSan:
// "5.33333e+36 is outside the range of representable values of type 'long'") and an
// integer too large wrapped (format_version 4294967297 read as 1).
TEST_CASE("manifest integer fields must be JSON integers that fit", "[fast]") {
  const nlohmann::json good = to_json(test::synthetic_manifest({}));
  auto j = good;
  j["words"][1]["span"][1] = 5.33333e36;
  CHECK_THAT(error_of(j), ContainsSubstring("words[1].span[1]"));
  j = good;
  j["capture"]["heads"] = 1e10;
  CHECK_THAT(error_of(j), ContainsSubstring("capture.heads"));
  j = good;
  j["capture"]["heads"] = 2.5;
  CHECK_THAT(error_of(j), ContainsSubstring("must be an integer"));
  j = good;
  j["capture"]["heads"] = 4294967298ull;  // was read as 2
  CHECK_THAT(error_of(j), ContainsSubstring("capture.heads"));
  j = good;
  j["format_version"] = 4294967297ll;  // was read as version 1
  CHECK_THAT(error_of(j), ContainsSubstring("format_version"));
  j = good;
  j["capture"]["steps"] = {0, 1e300};
  CHECK_THAT(error_of(j), ContainsSubstring("capture.steps[1]"));
  j = good;
  j["tokens"][0]["id"] = 18446744073709551615ull;
  CHECK_THAT(error_of(j), ContainsSubstring("tokens[0].id"));
  j = good;
  j["latent_grid"]["width"] = true;
  CHECK_THAT(error_of(j), ContainsSubstring("wrong type"));
  j = good;
  j["status"]["writer_pid"] = int64_t(1) << 40;  // int64 fields take the whole int64 range
  CHECK(error_of(j).empty());

  // The fuzzer's input: an integer literal too long for uint64 parses as a double.
  std::string text = good.dump();
  const std::string span = "\"span\":[2,5]";
  REQUIRE(text.rfind(span) != std::string::npos);  // words[1] (after tokens[1])
  text.replace(text.rfind(span), span.size(), "\"span\":[2,5333333333333333333333333333333333333]");
  try {
    parse_manifest(text, "runs/x/manifest.json");
    FAIL("accepted a span end of 5.3e36");
  } catch (const StoreError& e) {
    CHECK(e.kind() == StoreErrorKind::BadManifest);
    CHECK_THAT(std::string(e.what()), ContainsSubstring("words[1].span[1]"));
  }
}

// Found while fuzzing (docs/fuzzing.md): nlohmann copies, compares and prints JSON
// recursively, so deeply nested brackets in a free-form field overflowed the stack
// (10^6 levels crashed `wanattn info`; 2*10^4 under ASan).
TEST_CASE("a manifest nested absurdly deep is a bad-manifest error, not a crash", "[fast]") {
  const std::string good = to_json(test::synthetic_manifest({})).dump();
  nlohmann::json j = nlohmann::json::parse(good);
  j.erase("model");
  std::string base = j.dump();
  base.pop_back();  // drop the final '}'
  const auto nested = [&](size_t depth) {
    return base + ",\"model\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  };
  // A few levels of free-form config are fine.
  CHECK(parse_manifest(nested(20), "m.json").model.is_array());
  for (size_t depth : {size_t(200), size_t(1000000)}) {
    try {
      parse_manifest(nested(depth), "runs/x/manifest.json");
      FAIL("accepted " << depth << " nested arrays");
    } catch (const StoreError& e) {
      CHECK(e.kind() == StoreErrorKind::BadManifest);
      CHECK_THAT(std::string(e.what()), ContainsSubstring("nested deeper"));
    }
  }
}
