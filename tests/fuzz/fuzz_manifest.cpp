// libFuzzer target: wanattn::parse_manifest on arbitrary text (docs/fuzzing.md).
// Expected: a manifest, or StoreError(BadManifest / UnknownVersion) naming the file.
// Anything else (another exception, a crash, a sanitizer report, a violated invariant
// below) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/manifest.h"
#include "core/store_error.h"
#include "fuzz_check.h"

using namespace wanattn;

namespace {
// A manifest the store wrote must read back; a StoreError here is a finding too.
RunManifest must_parse(const nlohmann::json& j, const std::string& text, const char* what) {
  try {
    return text.empty() ? manifest_from_json(j, what) : parse_manifest(text, what);
  } catch (const StoreError& e) {
    std::fprintf(stderr, "the store rejects a manifest it wrote itself (%s): %s\n", what, e.what());
    std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string where = "fuzz/manifest.json";
  RunManifest m;
  try {
    m = parse_manifest(std::string_view(reinterpret_cast<const char*>(data), size), where);
  } catch (const StoreError& e) {
    FUZZ_CHECK(e.kind() == StoreErrorKind::BadManifest || e.kind() == StoreErrorKind::UnknownVersion);
    FUZZ_CHECK(names_file(e.what(), where));
    return 0;
  }

  // The sizes the reader trusts when it maps attention.npy are within the checked ranges.
  const std::vector<uint64_t> shape = m.attention_shape();
  FUZZ_CHECK(shape.size() == 7);
  FUZZ_CHECK(shape[0] <= 10000 && shape[1] <= 1000 && shape[2] >= 1 && shape[2] <= 1024 && shape[3] <= 512);
  FUZZ_CHECK(shape[4] >= 1 && shape[4] <= 1024 && shape[5] >= 1 && shape[5] <= 1024 && shape[6] >= 1 && shape[6] <= 1024);
  FUZZ_CHECK(m.capture.tokens <= int(m.tokens.size()));
  for (const TokenInfo& t : m.tokens) FUZZ_CHECK(t.word >= -1 && t.word < int(m.words.size()));

  // In-memory round trip: to_json + manifest_from_json keeps the array shape.
  const nlohmann::json j = to_json(m);
  const RunManifest back = must_parse(j, "", "round trip");
  FUZZ_CHECK(back.attention_shape() == shape);
  FUZZ_CHECK(to_json(back) == j);

  // Through the text save_manifest_atomic writes.
  const std::string saved = j.dump(2) + "\n";
  const RunManifest again = must_parse(nullptr, saved, "saved text");
  FUZZ_CHECK(again.attention_shape() == shape);
  FUZZ_CHECK(to_json(again) == j);
  return 0;
}
