#include <filesystem>
#include <fstream>

#include "catch_compat.h"
#include "core/npy_file.h"
#include "core/run_reader.h"
#include "core/store_error.h"
#include "support/synthetic_run.h"
#include "support/temp_dir.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {
// Opens the run and returns the error it gives (kind + message).
std::pair<StoreErrorKind, std::string> open_error(const std::string& dir) {
  try {
    RunReader::open(dir);
  } catch (const StoreError& e) {
    return {e.kind(), e.what()};
  }
  FAIL("the damaged run opened without an error");
  return {StoreErrorKind::Io, ""};
}
void overwrite(const std::string& path, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.write(bytes.data(), std::streamsize(bytes.size()));
}
}  // namespace

TEST_CASE("every store inconsistency gives a typed error naming the file", "[fast]") {
  test::TempDir tmp("errors");
  const std::string run = tmp.sub("run");
  test::write_synthetic_run(run, {});

  SECTION("not a directory") {
    auto [kind, msg] = open_error(tmp.sub("nothing-here"));
    CHECK(kind == StoreErrorKind::MissingFile);
    CHECK_THAT(msg, ContainsSubstring("nothing-here"));
  }
  SECTION("missing manifest") {
    fs::remove(run + "/manifest.json");
    auto [kind, msg] = open_error(run);
    CHECK(kind == StoreErrorKind::MissingFile);
    CHECK_THAT(msg, ContainsSubstring("manifest.json"));
  }
  SECTION("missing attention array") {
    fs::remove(run + "/attention.npy");
    auto [kind, msg] = open_error(run);
    CHECK(kind == StoreErrorKind::MissingFile);
    CHECK_THAT(msg, ContainsSubstring("attention.npy"));
  }
  SECTION("bad npy header") {
    overwrite(run + "/progress.npy", "GARBAGE!");
    auto [kind, msg] = open_error(run);
    CHECK(kind == StoreErrorKind::BadHeader);
    CHECK_THAT(msg, ContainsSubstring("progress.npy"));
  }
  SECTION("truncated array") {
    fs::resize_file(run + "/attention.npy", fs::file_size(run + "/attention.npy") - 100);
    auto [kind, msg] = open_error(run);
    CHECK(kind == StoreErrorKind::Truncated);
    CHECK_THAT(msg, ContainsSubstring("attention.npy"));
  }
  SECTION("empty array file") {
    fs::resize_file(run + "/padding.npy", 0);
    auto [kind, msg] = open_error(run);
    CHECK(kind == StoreErrorKind::BadHeader);
    CHECK_THAT(msg, ContainsSubstring("padding.npy"));
  }
  SECTION("shape disagreeing with the manifest") {
    fs::remove(run + "/head_mean.npy");
    std::vector<uint16_t> zeros(3 * 4 * 2 * 3 * 6 * 8);
    write_npy_atomic(run + "/head_mean.npy", DType::F16, {3, 4, 2, 3, 6, 8}, zeros.data());
    auto [kind, msg] = open_error(run);
    CHECK(kind == StoreErrorKind::ShapeMismatch);
    CHECK_THAT(msg, ContainsSubstring("head_mean.npy"));
    CHECK_THAT(msg, ContainsSubstring("[3, 4, 5, 3, 6, 8]"));
  }
  SECTION("wrong dtype") {
    fs::remove(run + "/token_mean.npy");
    std::vector<uint16_t> zeros(5 * 3 * 6 * 8);
    write_npy_atomic(run + "/token_mean.npy", DType::F16, {5, 3, 6, 8}, zeros.data());
    auto [kind, msg] = open_error(run);
    CHECK(kind == StoreErrorKind::ShapeMismatch);
    CHECK_THAT(msg, ContainsSubstring("float16"));
  }
  SECTION("unknown format version") {
    auto m = load_manifest(run + "/manifest.json");
    auto j = to_json(m);
    j["format_version"] = 7;
    std::ofstream(run + "/manifest.json") << j.dump();
    auto [kind, msg] = open_error(run);
    CHECK(kind == StoreErrorKind::UnknownVersion);
    CHECK_THAT(msg, ContainsSubstring("manifest.json"));
  }
  SECTION("corrupt manifest") {
    std::ofstream(run + "/manifest.json") << "{\"format\": \"wanattn-run\", \"format_version\": 1, \"prompt\": ";
    auto [kind, msg] = open_error(run);
    CHECK(kind == StoreErrorKind::BadManifest);
  }
  SECTION("indices outside the store") {
    const RunReader r = RunReader::open(run);
    CHECK_THROWS_AS(r.map(3, 0, 0, 0), StoreError);
    CHECK_THROWS_AS(r.map(0, 4, 0, 0), StoreError);
    CHECK_THROWS_AS(r.map(0, 0, 2, 0), StoreError);
    CHECK_THROWS_AS(r.map(0, 0, 0, 5), StoreError);
    CHECK_THROWS_AS(r.token_mean(-1), StoreError);
    try {
      r.map(9, 0, 0, 0);
    } catch (const StoreError& e) {
      CHECK(e.kind() == StoreErrorKind::OutOfRange);
      CHECK_THAT(std::string(e.what()), ContainsSubstring("step 9"));
    }
  }
}
