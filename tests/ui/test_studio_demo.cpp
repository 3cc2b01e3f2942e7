// The studio's start with the built-in demo model (docs/demo-model.md): with no folder
// remembered, the Generate panel takes the demo folder, its own size and frames and its
// example prompt from wanattn.json, and the whole flow runs on it: Generate -> maps -> a
// PNG export read back. The shipped model may not exist yet, so the test makes a demo-like
// folder: the tiny test model plus a wanattn.json, found through $WANATTN_DEMO_MODEL as the
// shipped one would be through resources/demo.
#include <ATen/Parallel.h>

#include <QDir>
#include <QPushButton>
#include <QTest>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "core/run_reader.h"
#include "support/temp_dir.h"
#include "ui/export_jobs.h"
#include "ui/export_panel.h"
#include "ui/generate_panel.h"
#include "ui/inference_worker.h"
#include "ui/jobs_panel.h"
#include "ui/main_window.h"
#include "ui/studio_paths.h"
#include "ui/viewer_panel.h"
#include "ui/ui_support.h"
#include "ui/generate_fixture.h"
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {
constexpr const char* kExample = "A cat dances in the rain, cinematic.";

// The tiny model's folder with the demo model's kind of wanattn.json.
std::string demo_like_folder(const test::TempDir& tmp) {
  const fs::path dir = tmp.sub("demo");
  fs::copy(test::kTinyModel, dir, fs::copy_options::recursive);
  std::ofstream(dir / "wanattn.json") << R"({"defaults": {"width": 48, "height": 32, "frames": 9, "steps": 3,
                                              "guidance": 4, "prompt": ")" << kExample << R"("}})";
  return dir.string();
}
}  // namespace

TEST_CASE("studio on the demo model: chosen at start-up with its size and example prompt, Generate -> maps -> PNG", "[gui]") {
  if (!fs::exists(test::kTinyModel / "model_index.json")) WANATTN_SKIP("no tiny pipeline fixture (pipeline_reference did not run)");
  at::set_num_threads(1);
  test::TempDir tmp("studio-demo");
  test::isolate_settings(tmp.sub("settings"));
  const std::string demo = demo_like_folder(tmp);
  qputenv("WANATTN_DEMO_MODEL", QByteArray::fromStdString(demo));
  struct Unset {
    ~Unset() { qunsetenv("WANATTN_DEMO_MODEL"); }
  } unset;
  REQUIRE(demo_model_dir() == QDir(QString::fromStdString(demo)).absolutePath());

  MainWindow w;
  w.show();
  GeneratePanel* g = w.generatePanel();
  REQUIRE(g->modelDir().isEmpty());  // nothing remembered
  REQUIRE(g->useDemoModelIfUnset());
  REQUIRE(test::process_until([&] { return !g->probing(); }));
  REQUIRE(g->probe().ok);
  CHECK(g->probe().own_size);
  // The folder's size, frames and prompt are in the form; steps stay "default (3)".
  GenerateSettings s = g->settings();
  CHECK(s.model_dir == QString::fromStdString(demo));
  CHECK(s.width == 48);
  CHECK(s.height == 32);
  CHECK(s.frames == 9);
  CHECK(s.prompt == kExample);
  CHECK(s.steps == 0);
  CHECK(g->probe().default_steps == 3);
  // A second call changes nothing: a folder is set now.
  CHECK_FALSE(g->useDemoModelIfUnset());

  // A prompt the user typed is never replaced, and re-choosing the folder keeps a size the
  // user changed afterwards.
  g->setPrompt(QStringLiteral("a red circle"));
  g->setSize(64, 48, 5);
  g->setModelDir(QString::fromStdString(demo));
  REQUIRE(test::process_until([&] { return !g->probing(); }));
  CHECK(g->settings().prompt == "a red circle");
  CHECK(g->settings().width == 64);
  g->setPrompt(QString::fromUtf8(kExample));
  g->setSize(48, 32, 9);

  // Generate -> the run opens with its maps -> the view as a PNG.
  g->setOutputDir(QString::fromStdString(tmp.sub("run")));
  QString state;
  QObject::connect(w.worker(), &InferenceWorker::finished, &w, [&](const QString& st, const QString&, const QString&) { state = st; });
  REQUIRE(g->generateButton()->isEnabled());
  g->generateButton()->click();
  REQUIRE(test::process_until([&] { return !state.isEmpty(); }, 120000));
  CHECK(state == "complete");
  const RunReader run = RunReader::open(tmp.sub("run"));
  CHECK(run.steps() == 3);
  CHECK(run.manifest().prompt == kExample);
  REQUIRE(test::process_until([&] { return w.session()->run() && w.session()->run()->health() == RunHealth::Complete; }));
  REQUIRE(test::process_until([&] { return !w.viewerPanel()->rendering() && !w.viewerPanel()->image().isNull(); }));
  const int id = w.exportPanel()->exportViewPng(QString::fromStdString(tmp.sub("view.png")));
  REQUIRE(test::process_until([&] { return w.jobs()->job(id)->state != ExportJob::State::Running; }, 60000));
  CHECK(w.jobs()->job(id)->state == ExportJob::State::Done);
  const cv::Mat back = cv::imread(tmp.sub("view.png"), cv::IMREAD_COLOR);
  CHECK(back.cols == 48);
  CHECK(back.rows == 32);
}
