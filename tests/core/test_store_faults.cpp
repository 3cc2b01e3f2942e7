// Faults while writing: a killed writer process, a full disk.
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>

#include "catch_compat.h"
#include "core/half.h"
#include "core/npy_file.h"
#include "core/run_reader.h"
#include "core/store_error.h"
#include "support/synthetic_run.h"
#include "support/temp_dir.h"

using namespace wanattn;
using test::SyntheticSpec;

namespace {

SyntheticSpec big_spec() {
  SyntheticSpec spec;
  spec.steps = 40;
  spec.blocks = 30;
  spec.heads = 4;
  spec.tokens = 6;
  spec.frames = 4;
  spec.height = 12;
  spec.width = 16;
  return spec;
}

// Every flagged slice must hold exactly what was written for it.
int check_flagged_slices(const RunReader& run, const SyntheticSpec& spec) {
  int flagged = 0;
  std::vector<uint16_t> att, pad;
  const size_t L = size_t(run.grid().size());
  for (int s = 0; s < run.steps(); ++s)
    for (int b = 0; b < run.blocks(); ++b) {
      if (!run.ready(s, b)) continue;
      ++flagged;
      test::synthetic_slice(spec, s, b, att, pad);
      for (int h = 0; h < run.heads(); ++h)
        for (int t = 0; t < run.tokens(); ++t)
          REQUIRE(std::equal(att.begin() + long((h * spec.tokens + t) * L), att.begin() + long((h * spec.tokens + t + 1) * L),
                             run.map(s, b, h, t).data));
    }
  return flagged;
}

}  // namespace

TEST_CASE("a writer killed with SIGKILL leaves a partial run with every flagged slice intact", "[fast]") {
  test::TempDir tmp("kill");
  const std::string dir = tmp.sub("run");
  const SyntheticSpec spec = big_spec();
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child writes slowly forever; the parent kills it mid-run.
    try {
      auto writer = RunWriter::create(dir, test::synthetic_manifest(spec));
      std::vector<uint16_t> att, pad;
      for (int s = 0; s < spec.steps; ++s)
        for (int b = 0; b < spec.blocks; ++b) {
          test::synthetic_slice(spec, s, b, att, pad);
          writer->write_slice(s, b, att.data(), pad.data());
        }
      writer->finish(RunState::Complete);
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(0);
  }
  // Wait until the child has written a good part of the run, then kill it.
  int seen = 0;
  for (int i = 0; i < 2000 && seen < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    try {
      seen = RunReader::open(dir).ready_count();
    } catch (const StoreError&) {
      // not created yet
    }
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);

  const RunReader run = RunReader::open(dir);
  CHECK(run.manifest().status.state == RunState::Running);
  CHECK(run.health() == RunHealth::Interrupted);
  const int flagged = check_flagged_slices(run, spec);
  CHECK(flagged >= 100);
  CHECK(flagged < spec.steps * spec.blocks);
  // The partial run still gives aggregates over what it has.
  CHECK_FALSE(run.has_stored_token_mean());
  CHECK(run.token_mean(0)[0] > 0.0f);
}

TEST_CASE("disk full (injected ENOSPC): clear error, status failed, earlier slices readable", "[fast]") {
  test::TempDir tmp("enospc");
  const std::string dir = tmp.sub("run");
  const SyntheticSpec spec;
  auto writer = RunWriter::create(dir, test::synthetic_manifest(spec));
  std::vector<uint16_t> att, pad;
  for (int b = 0; b < 3; ++b) {
    test::synthetic_slice(spec, 0, b, att, pad);
    writer->write_slice(0, b, att.data(), pad.data());
  }
  testing::inject_write_failure(ENOSPC, 1);  // the padding write of the next slice fails
  test::synthetic_slice(spec, 0, 3, att, pad);
  try {
    writer->write_slice(0, 3, att.data(), pad.data());
    FAIL("the write succeeded on a full disk");
  } catch (const StoreError& e) {
    CHECK(e.kind() == StoreErrorKind::Io);
    CHECK_THAT(std::string(e.what()), ContainsSubstring("disk full"));
    CHECK_THAT(std::string(e.what()), ContainsSubstring("padding.npy"));
  }
  testing::inject_write_failure(0, 0);
  CHECK_THROWS_AS(writer->write_slice(1, 0, att.data(), pad.data()), StoreError);  // finished
  const RunReader run = RunReader::open(dir);
  CHECK(run.health() == RunHealth::Failed);
  CHECK_THAT(run.manifest().status.message, ContainsSubstring("disk full"));
  CHECK_FALSE(run.ready(0, 3));
  CHECK(check_flagged_slices(run, spec) == 3);
}

TEST_CASE("disk full on a real small file system (tmpfs)", "[fast]") {
  test::TempDir tmp("tmpfs");
  const std::string mnt = tmp.sub("mnt");
  std::filesystem::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=4m") != 0)
    WANATTN_SKIP("cannot mount a tmpfs here (needs root); the injected-ENOSPC test covers the path");
  struct Unmount {
    std::string p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{mnt};

  SyntheticSpec spec = big_spec();  // 40*30 slices of 4*6*768*2 bytes = 44 MB: far beyond 4 MB
  const std::string dir = mnt + "/run";
  auto writer = RunWriter::create(dir, test::synthetic_manifest(spec));
  std::vector<uint16_t> att, pad;
  std::string error;
  int written = 0;
  try {
    for (int s = 0; s < spec.steps; ++s)
      for (int b = 0; b < spec.blocks; ++b) {
        test::synthetic_slice(spec, s, b, att, pad);
        writer->write_slice(s, b, att.data(), pad.data());
        ++written;
      }
  } catch (const StoreError& e) {
    error = e.what();
  }
  CHECK_THAT(error, ContainsSubstring("disk full"));
  CHECK(written > 10);
  const RunReader run = RunReader::open(dir);
  CHECK(run.health() == RunHealth::Failed);  // the reserve file made room for the status
  CHECK_THAT(run.manifest().status.message, ContainsSubstring("disk full"));
  CHECK(check_flagged_slices(run, spec) == written);
}
