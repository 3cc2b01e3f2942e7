#include <sys/stat.h>

#include <filesystem>
#include <thread>

#include "catch_compat.h"
#include "core/half.h"
#include "core/run_files.h"
#include "core/run_reader.h"
#include "core/store_error.h"
#include "support/synthetic_run.h"
#include "support/temp_dir.h"

using namespace wanattn;
using test::SyntheticSpec;

namespace {
float at(const MapView& v, int f, int y, int x) { return half_to_float(v.data[(size_t(f) * v.height + y) * v.width + x]); }
}  // namespace

TEST_CASE("a written run reads back slice by slice, zero copy", "[fast]") {
  test::TempDir tmp("store");
  const SyntheticSpec spec;
  test::write_synthetic_run(tmp.sub("run"), spec);
  const RunReader run = RunReader::open(tmp.sub("run"));
  CHECK(run.health() == RunHealth::Complete);
  CHECK(run.ready_count() == spec.steps * spec.blocks);
  CHECK(run.manifest().capture.steps == std::vector<int>{0, 2, 4});
  for (int s = 0; s < spec.steps; ++s)
    for (int b = 0; b < spec.blocks; ++b)
      for (int h = 0; h < spec.heads; ++h)
        for (int t = 0; t < spec.tokens; ++t) {
          const MapView v = run.map(s, b, h, t);
          REQUIRE(v.frames == spec.frames);
          for (int f = 0; f < spec.frames; ++f)
            for (int y = 0; y < spec.height; ++y)
              for (int x = 0; x < spec.width; ++x)
                REQUIRE(at(v, f, y, x) == half_to_float(float_to_half(test::synthetic_value(spec, s, b, h, t, f, y, x))));
        }
  const MapView p = run.padding(1, 2, 1);
  CHECK(at(p, 1, 2, 3) == half_to_float(float_to_half(test::synthetic_padding(spec, 1, 2, 1, 1, 2, 3))));
  // Zero copy: two views of the same slice point at the same mapped bytes.
  CHECK(run.map(1, 1, 0, 0).data == run.map(1, 1, 0, 0).data);
}

TEST_CASE("stored aggregates equal the means recomputed from the maps", "[fast]") {
  test::TempDir tmp("agg");
  const SyntheticSpec spec;
  test::write_synthetic_run(tmp.sub("run"), spec);
  const RunReader run = RunReader::open(tmp.sub("run"));
  REQUIRE(run.has_stored_token_mean());
  const size_t L = size_t(run.grid().size());
  for (int t = 0; t < spec.tokens; ++t) {
    std::vector<double> expect(L, 0.0);
    for (int s = 0; s < spec.steps; ++s)
      for (int b = 0; b < spec.blocks; ++b) {
        std::vector<double> hm(L, 0.0);
        for (int h = 0; h < spec.heads; ++h) {
          const MapView v = run.map(s, b, h, t);
          for (size_t i = 0; i < L; ++i) {
            hm[i] += half_to_float(v.data[i]) / spec.heads;
            expect[i] += half_to_float(v.data[i]);
          }
        }
        const MapView stored = run.head_mean(s, b, t);
        for (size_t i = 0; i < L; ++i) REQUIRE(half_to_float(stored.data[i]) == Approx(hm[i]).epsilon(1e-3).margin(1e-6));
      }
    const auto mean = run.token_mean(t);
    for (size_t i = 0; i < L; ++i)
      REQUIRE(mean[i] == Approx(expect[i] / (spec.steps * spec.blocks * spec.heads)).epsilon(1e-5));
  }
}

TEST_CASE("the reader computes the token mean when the aggregate is absent", "[fast]") {
  test::TempDir tmp("agg2");
  const SyntheticSpec spec;
  test::write_synthetic_run(tmp.sub("run"), spec);
  const RunReader stored = RunReader::open(tmp.sub("run"));
  const auto want = stored.token_mean(3);
  std::filesystem::remove(tmp.sub("run/token_mean.npy"));
  const RunReader computed = RunReader::open(tmp.sub("run"));
  CHECK_FALSE(computed.has_stored_token_mean());
  const auto got = computed.token_mean(3);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == Approx(want[i]).epsilon(1e-5));
}

TEST_CASE("head-mean capture stores one head and no head_mean file", "[fast]") {
  test::TempDir tmp("mean");
  SyntheticSpec spec;
  spec.head_mode = "mean";
  spec.padding = false;
  test::write_synthetic_run(tmp.sub("run"), spec);
  const RunReader run = RunReader::open(tmp.sub("run"));
  CHECK(run.heads() == 1);
  CHECK_FALSE(std::filesystem::exists(tmp.sub("run/head_mean.npy")));
  CHECK_FALSE(run.has_padding());
  CHECK(run.head_mean(1, 1, 2).data == run.map(1, 1, 0, 2).data);
}

TEST_CASE("a reader sees slices appear while the writer is still running", "[fast]") {
  test::TempDir tmp("live");
  const SyntheticSpec spec;
  auto writer = RunWriter::create(tmp.sub("run"), test::synthetic_manifest(spec));
  RunReader run = RunReader::open(tmp.sub("run"));  // opened before any slice exists
  CHECK(run.health() == RunHealth::Running);
  CHECK(run.ready_count() == 0);
  std::vector<uint16_t> att, pad;
  test::synthetic_slice(spec, 1, 2, att, pad);
  std::thread other([&] { writer->write_slice(1, 2, att.data(), pad.data()); });  // "any thread"
  other.join();
  CHECK(run.ready(1, 2));
  CHECK_FALSE(run.ready(0, 0));
  CHECK(half_to_float(run.map(1, 2, 1, 3).data[5]) == half_to_float(att[(1 * spec.tokens + 3) * run.grid().size() + 5]));
  writer->finish(RunState::Cancelled, "user cancelled");
  run.refresh();
  CHECK(run.health() == RunHealth::Cancelled);
  CHECK(run.manifest().status.message == "user cancelled");
  CHECK(run.ready_count() == 1);
  // The partial token mean covers what was written.
  CHECK(run.token_mean(0).size() == size_t(run.grid().size()));
}

TEST_CASE("the store is created sparse, at full size, before any slice is written", "[fast]") {
  test::TempDir tmp("sparse");
  SyntheticSpec spec;
  spec.steps = 50;
  spec.blocks = 30;
  spec.heads = 12;
  spec.tokens = 30;
  spec.frames = 4;
  spec.height = 30;
  spec.width = 52;
  auto writer = RunWriter::create(tmp.sub("run"), test::synthetic_manifest(spec));
  const auto path = tmp.sub("run/attention.npy");
  const uint64_t logical = std::filesystem::file_size(path);
  CHECK(logical >= uint64_t(50) * 30 * 12 * 30 * 4 * 30 * 52 * 2);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK(uint64_t(st.st_blocks) * 512 < logical / 100);  // nothing was zero-filled
  writer->finish(RunState::Cancelled);
}

TEST_CASE("a second run cannot be created over an existing one", "[fast]") {
  test::TempDir tmp("twice");
  test::write_synthetic_run(tmp.sub("run"), {});
  CHECK_THROWS_AS(RunWriter::create(tmp.sub("run"), test::synthetic_manifest({})), StoreError);
  CHECK(RunReader::open(tmp.sub("run")).health() == RunHealth::Complete);  // untouched
}

TEST_CASE("a writer dropped without finish marks the run failed", "[fast]") {
  test::TempDir tmp("drop");
  { auto writer = RunWriter::create(tmp.sub("run"), test::synthetic_manifest({})); }
  const RunReader run = RunReader::open(tmp.sub("run"));
  CHECK(run.health() == RunHealth::Failed);
  CHECK_THAT(run.manifest().status.message, ContainsSubstring("before the run finished"));
}
