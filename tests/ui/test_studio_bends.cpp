// The Bends dock: the editor builds bends the model layer's strict parser accepts (and shows
// its message when a field is malformed); an edit made while a run generates applies from
// the next step — the manifest records from which, and the captured maps of the silenced
// word are zero from there on; A/B generates the unbent run too and the viewer shows both.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSlider>
#include <QTest>
#include <filesystem>

#include "core/half.h"
#include "core/run_reader.h"
#include "model/bend_history.h"
#include "model/bend_json.h"
#include "render/render_fixture.h"
#include "support/temp_dir.h"
#include "ui/bend_editor.h"
#include "ui/bends_panel.h"
#include "ui/generate_panel.h"
#include "ui/inference_worker.h"
#include "ui/main_window.h"
#include "ui/tokens_panel.h"
#include "ui/viewer_panel.h"
#include "ui/ui_support.h"
#include "ui/generate_fixture.h"
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {
// Max |value| of one token's map at one (step, block), over heads and positions.
float token_max(const RunReader& run, int step, int block, int token) {
  float m = 0;
  for (int h = 0; h < run.heads(); ++h) {
    const MapView v = run.map(step, block, h, token);
    for (size_t i = 0; i < v.size(); ++i) m = std::max(m, std::abs(half_to_float(v.data[i])));
  }
  return m;
}
}  // namespace

TEST_CASE("bends editor: presets on the chosen word, every field to a checked bend, errors named", "[gui]") {
  test::TempDir tmp("studio-bend-editor");
  test::isolate_settings(tmp.sub("settings"));
  test::write_render_run(tmp.sub("run"), test::RenderFixture{});
  MainWindow w;
  REQUIRE(w.openRun(QString::fromStdString(tmp.sub("run"))));
  w.selection()->setTokens({w.tokensPanel()->tokenSetOf(w.tokensPanel()->wordItem(2))});  // "circle"
  BendsPanel* p = w.bendsPanel();
  // A preset acts on the chosen word and goes straight to the live set.
  const int amplify = 0;
  p->addBend(p->preset(amplify));
  REQUIRE(p->bends().bends.size() == 1);
  const Bend b = p->bends().bends[0];
  CHECK(b.op == BendOp::Scale);
  REQUIRE(b.where.tokens.has_value());
  CHECK(*b.where.tokens == w.selection()->state().tokens[0].tokens);
  CHECK(*w.liveBends()->snapshot().set == p->bends());

  // Editing: another operation, its parameter, strength, blocks as range text.
  BendEditor* e = p->editor();
  e->opBox()->setCurrentText("blur");
  auto* sigma = qobject_cast<QDoubleSpinBox*>(e->paramWidget("sigma"));
  REQUIRE(sigma != nullptr);
  sigma->setValue(2.5);
  e->strengthSlider()->setValue(40);
  e->field("blocks")->setText("0-2");
  Q_EMIT e->field("blocks")->editingFinished();
  const Bend edited = p->bends().bends[0];
  CHECK(edited.op == BendOp::Blur);
  CHECK(edited.params.sigma == 2.5);
  CHECK(edited.strength == Approx(0.4));
  CHECK(*edited.where.blocks == std::vector<int>{0, 1, 2});
  CHECK(*w.liveBends()->snapshot().set == p->bends());
  // The round trip through JSON is what the editor shows.
  CHECK(bend_from_json(bend_to_json(edited)) == edited);

  // A malformed field: not applied, the message names it; the live set is unchanged.
  e->field("steps")->setText("three");
  Q_EMIT e->field("steps")->editingFinished();
  CHECK(p->status().contains("not applied"));
  CHECK(p->status().contains("steps"));
  CHECK(*w.liveBends()->snapshot().set == p->bends());
  CHECK(!p->bends().bends[0].where.steps.has_value());

  // Unchecking a bend in the list switches it off (and the set has no active bend).
  p->list()->item(0)->setCheckState(Qt::Unchecked);
  CHECK_FALSE(w.liveBends()->snapshot().set->any_active());
  // Targets offer only their operations.
  e->targetBox()->setCurrentText("ffn");
  QStringList ops;
  for (int i = 0; i < e->opBox()->count(); ++i) ops << e->opBox()->itemText(i);
  CHECK(ops.contains("clamp"));
  CHECK_FALSE(ops.contains("rotate"));
}

TEST_CASE("bends live: silencing a word mid-run applies from the next step, recorded in the manifest", "[gui]") {
  if (!fs::exists(test::kTinyModel / "model_index.json")) WANATTN_SKIP("no tiny pipeline fixture (pipeline_reference did not run)");
  test::TempDir tmp("studio-bend-live");
  test::isolate_settings(tmp.sub("settings"));
  constexpr int kSteps = 12;
  MainWindow w;
  w.show();
  test::fill_generate_form(w.generatePanel(), tmp.sub("run"), kSteps);
  QString state;
  int bent_at = -1;
  // Blocking: the worker waits for the window to take each step's report, as it effectively
  // does on a GPU (a step there takes far longer than the UI's reaction); on the tiny CPU model
  // the worker would otherwise run ahead of the UI and finish before the edit is made.
  QObject::connect(w.worker(), &InferenceWorker::stepFinished, &w, [&](const StepSnapshot& s) {
    if (s.step == 2 && bent_at < 0) {  // a person adds a bend while the run goes
      bent_at = s.step;
      Bend silence;
      silence.label = "silence cat";
      silence.op = BendOp::Zero;
      silence.where.tokens = std::vector<int>{1, 2};
      w.bendsPanel()->addBend(silence);
    }
  }, Qt::BlockingQueuedConnection);
  QObject::connect(w.worker(), &InferenceWorker::finished, &w, [&](const QString& s, const QString&, const QString&) { state = s; });
  w.generatePanel()->generateButton()->click();
  REQUIRE(test::process_until([&] { return !state.isEmpty(); }, 120000));
  REQUIRE(state == "complete");
  const RunReader run = RunReader::open(tmp.sub("run"));
  const BendSchedule history = bend_history_from_json(run.manifest().bends);
  REQUIRE(!history.empty());
  const BendChange& change = history.back();
  CHECK(change.from_step > bent_at);  // the step running when it was made kept its set
  REQUIRE(change.set.bends.size() == 1);
  CHECK(change.set.bends[0].label == "silence cat");
  // Captured maps are the bent ones: zero for the silenced tokens from that step on.
  for (int s = 0; s < run.steps(); ++s) {
    const int model_step = run.manifest().capture.steps[size_t(s)];
    INFO("step " << model_step);
    if (model_step >= change.from_step)
      CHECK(token_max(run, s, 0, 1) == 0.0f);
    else
      CHECK(token_max(run, s, 0, 1) > 0.0f);
  }
  CHECK(w.bendsPanel()->status().contains(QString::number(change.from_step)));
}

TEST_CASE("bends A/B: the unbent run with the same seed is generated too, the viewer shows both", "[gui]") {
  if (!fs::exists(test::kTinyModel / "model_index.json")) WANATTN_SKIP("no tiny pipeline fixture (pipeline_reference did not run)");
  test::TempDir tmp("studio-bend-ab");
  test::isolate_settings(tmp.sub("settings"));
  MainWindow w;
  w.show();
  test::fill_generate_form(w.generatePanel(), tmp.sub("run"), 3);
  Bend scale;
  scale.op = BendOp::Scale;
  scale.params.factor = 4;
  w.bendsPanel()->addBend(scale);
  w.bendsPanel()->abBox()->setChecked(true);
  REQUIRE(w.bendsPanel()->abEnabled());
  int finished = 0;
  QObject::connect(w.worker(), &InferenceWorker::finished, &w, [&](const QString&, const QString&, const QString&) { ++finished; });
  w.generatePanel()->generateButton()->click();
  REQUIRE(test::process_until([&] { return finished == 2; }, 120000));
  CHECK(RunReader::open(tmp.sub("run-unbent")).manifest().bends.empty());
  CHECK_FALSE(RunReader::open(tmp.sub("run")).manifest().bends.empty());
  REQUIRE(test::process_until([&] { return w.viewerPanel()->comparing() && !w.viewerPanel()->rendering(); }, 20000));
  const QImage shown = w.viewerPanel()->image();
  CHECK(shown.width() > 2 * shown.height());  // two 3:2 frames side by side
}
