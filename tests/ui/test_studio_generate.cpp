// Generation through the studio's inference worker on the tiny test model (the pipeline
// tests' diffusers folder): a complete run whose maps, frames and video the panels show,
// and a run cancelled halfway from the Cancel button that opens afterwards as cancelled.
// A watchdog measures the longest stall of the UI thread while the worker generates.
#include <ATen/Parallel.h>

#include <QDockWidget>
#include <QListWidget>
#include <QMediaPlayer>
#include <QPushButton>
#include <QTest>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/run_reader.h"
#include "support/temp_dir.h"
#include "ui/generate_panel.h"
#include "ui/inference_worker.h"
#include "ui/main_window.h"
#include "ui/playback_panel.h"
#include "ui/timeline_panel.h"
#include "ui/viewer_panel.h"
#include "ui/event_timing.h"
#include "ui/ui_support.h"
#include "ui/generate_fixture.h"
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

TEST_CASE("studio generates with the tiny model: maps appear, the video plays, the UI stays responsive", "[gui]") {
  if (!fs::exists(test::kTinyModel / "model_index.json")) WANATTN_SKIP("no tiny pipeline fixture (pipeline_reference did not run)");
  at::set_num_threads(1);  // the UI thread keeps a core of its own on a 2-core machine
  test::TempDir tmp("studio-gen");
  test::isolate_settings(tmp.sub("settings"));
  MainWindow w;
  w.show();
  GeneratePanel* g = w.generatePanel();
  test::fill_generate_form(g, tmp.sub("run"), 4);
  REQUIRE(g->probe().ok);
  INFO(g->unavailableReason().toStdString());
  REQUIRE(g->generateButton()->isEnabled());
  int steps_seen = 0;
  QString state;
  // Context &w: the lambdas run on the UI thread, as the window's own slots do.
  QObject::connect(w.worker(), &InferenceWorker::stepFinished, &w, [&](const StepSnapshot&) { ++steps_seen; });
  QObject::connect(w.worker(), &InferenceWorker::finished, &w, [&](const QString& s, const QString&, const QString&) { state = s; });
  // The window's first full paint is not part of generating.
  REQUIRE(QTest::qWaitForWindowExposed(&w));
  QTest::qWait(100);
  test::UiWatchdog dog;
  test::EventTiming::start();
  g->generateButton()->click();
  CHECK_FALSE(g->generateButton()->isEnabled());
  REQUIRE(test::process_until([&] { return !state.isEmpty(); }, 120000));
  test::EventTiming::stop();
  CHECK(state == "complete");
  CHECK(steps_seen == 4);
  // The UI thread's longest event (slot, paint, timer) bounds how long it was blocked; the
  // watchdog's longest gap also counts the OS giving the core to other processes.
  WARN("UI thread during generation: longest event " << test::EventTiming::longest_ms() << " ms ("
       << test::EventTiming::longest_what().toStdString() << "), longest watchdog gap " << dog.max_gap_ms() << " ms");
  CHECK(test::EventTiming::longest_ms() < 50);
  // The window shows the run: complete, with its frames behind the map and its MP4 loaded.
  REQUIRE(test::process_until([&] { return w.session()->run() && w.session()->run()->health() == RunHealth::Complete; }));
  CHECK(fs::exists(tmp.sub("run") + "/video.mp4"));
  CHECK(w.playbackPanel()->source().endsWith("video.mp4"));
  // The Playback dock loads the MP4 into Qt Multimedia's player when it is shown, and plays it.
  w.dock("playback")->show();
  w.dock("playback")->raise();
  QMediaPlayer* player = w.playbackPanel()->player();
  REQUIRE(test::process_until([&] { return player->mediaStatus() == QMediaPlayer::LoadedMedia; }, 20000));
  CHECK(player->duration() > 400);  // 9 frames at 16 fps: 562 ms
  CHECK(w.playbackPanel()->statusText().contains("video.mp4"));
  player->play();
  CHECK(test::process_until([&] { return player->position() > 0 || player->mediaStatus() == QMediaPlayer::EndOfMedia; }, 20000));
  REQUIRE(test::process_until([&] { return !w.viewerPanel()->rendering() && !w.viewerPanel()->image().isNull(); }));
  const QImage shown = w.viewerPanel()->image();  // drawn at the size shown: the video's 3:2
  CHECK(std::abs(shown.width() * 32 - shown.height() * 48) <= 48);
  CHECK(w.timelinePanel()->steps()->count() == 5);  // mean + 4 steps
  CHECK(g->progressText().contains("done"));
  CHECK(g->generateButton()->isEnabled());
}

TEST_CASE("studio: Cancel halfway stops the run, which opens afterwards as cancelled with its maps readable", "[gui]") {
  if (!fs::exists(test::kTinyModel / "model_index.json")) WANATTN_SKIP("no tiny pipeline fixture (pipeline_reference did not run)");
  at::set_num_threads(1);
  test::TempDir tmp("studio-cancel");
  test::isolate_settings(tmp.sub("settings"));
  constexpr int kSteps = 40;
  MainWindow w;
  w.show();
  GeneratePanel* g = w.generatePanel();
  test::fill_generate_form(g, tmp.sub("run"), kSteps);
  QString state, message;
  int steps_seen = 0;
  bool maps_while_running = false;
  QObject::connect(w.worker(), &InferenceWorker::stepFinished, &w, [&](const StepSnapshot& s) {
    ++steps_seen;
    // Maps show while the run is still being written; once one is on screen, Cancel, as a
    // person would, from the UI thread. At step 4 the person waits for that first map: the
    // store's writer thread runs on while the worker waits here, and after a disk-heavy
    // stretch of the test suite it lagged many steps behind the tiny model's fast steps
    // (the full ./test.sh run saw no map by step 30). The fallback Cancel stays.
    auto live_now = [&] {
      return w.session()->run() && w.session()->health() == "running" && !w.viewerPanel()->image().isNull();
    };
    if (s.step == 4) test::process_until(live_now, 20000);
    const bool live = live_now();
    maps_while_running |= live;
    if ((live && s.step >= 4) || s.step == kSteps * 3 / 4) g->cancelButton()->click();
  }, Qt::BlockingQueuedConnection);  // the worker waits for the window's reaction to each step (see test_studio_bends.cpp)
  QObject::connect(w.worker(), &InferenceWorker::finished, &w, [&](const QString& s, const QString& m, const QString&) {
    state = s;
    message = m;
  });
  g->generateButton()->click();
  REQUIRE(test::process_until([&] { return !state.isEmpty(); }, 120000));
  CHECK(state == "cancelled");
  CHECK(maps_while_running);
  CHECK(steps_seen < kSteps);
  CHECK(message.contains("cancelled after"));
  // Reopened from disk (as File → Open would): cancelled, and the written slices are there.
  const RunReader run = RunReader::open(tmp.sub("run"));
  CHECK(run.health() == RunHealth::Cancelled);
  CHECK(run.ready_count() >= 4 * run.blocks());
  CHECK(run.ready_count() < kSteps * run.blocks());
  MainWindow again;
  REQUIRE(again.openRun(QString::fromStdString(tmp.sub("run"))));
  CHECK(again.session()->health() == "cancelled");
  REQUIRE(test::process_until([&] { return !again.viewerPanel()->rendering() && !again.viewerPanel()->image().isNull(); }));
}

TEST_CASE("studio: a model folder missing parts names them and Generate stays off", "[gui]") {
  test::TempDir tmp("studio-nomodel");
  test::isolate_settings(tmp.sub("settings"));
  fs::create_directories(tmp.sub("model/transformer"));
  MainWindow w;
  GeneratePanel* g = w.generatePanel();
  g->setModelDir(QString::fromStdString(tmp.sub("model")));
  g->setPrompt(QStringLiteral("a cat"));
  REQUIRE(test::process_until([&] { return !g->probing(); }));
  CHECK_FALSE(g->probe().ok);
  CHECK_FALSE(g->generateButton()->isEnabled());
  CHECK(g->unavailableReason().contains("incomplete"));
  CHECK(g->unavailableReason().contains("text encoder"));
  CHECK(g->unavailableReason().contains("VAE"));
  if (fs::exists(test::kTinyModel / "model_index.json")) {  // a good folder, but a frame count Wan cannot make
    g->setModelDir(QString::fromStdString(test::kTinyModel.string()));
    REQUIRE(test::process_until([&] { return !g->probing(); }));
    g->setSize(48, 32, 8);
    CHECK(g->unavailableReason().contains("4n + 1"));
    g->setSize(40, 32, 9);
    CHECK(g->unavailableReason().contains("multiples of 16"));
    g->setSize(48, 32, 9);
    CHECK(g->unavailableReason().isEmpty());
    // Malformed weight syntax and a capture outside the run: named, Generate off.
    g->setPrompt(QStringLiteral("a cat:1.5) dances"));
    INFO(g->unavailableReason().toStdString());
    CHECK(g->unavailableReason().contains("prompt"));
    CHECK_FALSE(g->generateButton()->isEnabled());
    g->setPrompt(QStringLiteral("a cat"));
    g->setSteps(4);
    g->setCapture(QStringLiteral("steps=10-12"));
    CHECK(g->unavailableReason().contains("capture"));
    g->setCapture(QStringLiteral("all"));
    CHECK(g->unavailableReason().isEmpty());
  }
}
