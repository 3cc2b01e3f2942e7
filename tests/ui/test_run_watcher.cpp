#include <QCoreApplication>
#include <QElapsedTimer>
#include <set>
#include <thread>

#include "catch_compat.h"
#include "core/store_error.h"
#include "support/synthetic_run.h"
#include "support/temp_dir.h"
#include "ui/run_watcher.h"
#include "ui/ui_support.h"

using namespace wanattn;

using test::process_until;

TEST_CASE("RunWatcher reports slices as a writer thread produces them, then the end", "[gui]") {
  test::TempDir tmp("watch");
  const test::SyntheticSpec spec;
  auto writer = RunWriter::create(tmp.sub("run"), test::synthetic_manifest(spec));
  RunWatcher watcher;
  std::set<std::pair<int, int>> slices;
  QString final_state;
  int last_ready = 0;
  QObject::connect(&watcher, &RunWatcher::sliceReady, [&](int s, int b) { slices.insert({s, b}); });
  QObject::connect(&watcher, &RunWatcher::progressChanged, [&](int ready, int total) {
    CHECK(total == spec.steps * spec.blocks);
    last_ready = ready;
  });
  QObject::connect(&watcher, &RunWatcher::finished, [&](const QString& s) { final_state = s; });
  watcher.open(QString::fromStdString(tmp.sub("run")), 5);
  CHECK(watcher.readyCount() == 0);

  std::vector<uint16_t> att, pad;
  test::synthetic_slice(spec, 0, 1, att, pad);
  std::thread([&] { writer->write_slice(0, 1, att.data(), pad.data()); }).join();
  REQUIRE(process_until([&] { return slices.size() == 1; }));
  CHECK(slices.count({0, 1}) == 1);
  CHECK(final_state.isEmpty());

  std::thread worker([&] {
    std::vector<uint16_t> a, p;
    for (int s = 0; s < spec.steps; ++s)
      for (int b = 0; b < spec.blocks; ++b) {
        if (s == 0 && b == 1) continue;
        test::synthetic_slice(spec, s, b, a, p);
        writer->write_slice(s, b, a.data(), p.data());
      }
    writer->finish(RunState::Complete);
  });
  REQUIRE(process_until([&] { return !final_state.isEmpty(); }));
  worker.join();
  CHECK(final_state == "complete");
  CHECK(slices.size() == size_t(spec.steps * spec.blocks));
  CHECK(last_ready == spec.steps * spec.blocks);
}

TEST_CASE("RunWatcher on a damaged run throws a store error", "[gui]") {
  test::TempDir tmp("watchbad");
  RunWatcher watcher;
  CHECK_THROWS_AS(watcher.open(QString::fromStdString(tmp.sub("nope"))), StoreError);
  CHECK(watcher.run() == nullptr);
}
