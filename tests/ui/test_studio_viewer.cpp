// The studio on a fixture run, driven as a person would: open it, click a token, step the
// timeline, click a grid cell, hover. After each action the selectors follow and the
// viewer's pixels equal an overlay rendered independently from the store.
#include <QComboBox>
#include <QDockWidget>
#include <QListWidget>
#include <QSlider>
#include <QTest>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QTreeWidget>
#include <QUrl>
#include <filesystem>
#include <fstream>

#include "core/render/overlay.h"
#include "render/render_fixture.h"
#include "support/temp_dir.h"
#include "ui/generate_panel.h"
#include "ui/grids_panel.h"
#include "ui/image_convert.h"
#include "ui/main_window.h"
#include "ui/map_canvas.h"
#include "ui/timeline_panel.h"
#include "ui/tokens_panel.h"
#include "ui/viewer_panel.h"
#include "ui/studio_fixture.h"
#include "catch_compat.h"

using namespace wanattn;

namespace {

// The viewer's picture against the render layer's own for the selection now shown.
double viewer_mismatch(MainWindow& w) {
  const ViewState& s = w.selection()->state();
  const cv::Mat got = to_bgr(w.viewerPanel()->image());
  // The viewer draws at the size it shows the video; the render layer at that same size.
  const render::OverlayRenderer expected(*w.session()->run(), s.selection(0), s.look, got.size());
  const cv::Mat want = expected.render(s.frame);
  if (got.size() != want.size()) return 1e9;
  return cv::norm(got, want, cv::NORM_INF);
}

using test::viewer_settled;

void click_item(QTreeWidget* tree, QTreeWidgetItem* item, Qt::KeyboardModifiers mods = {}) {
  tree->scrollToItem(item);
  QTest::mouseClick(tree->viewport(), Qt::LeftButton, mods, tree->visualItemRect(item).center());
}

}  // namespace

TEST_CASE("studio: open a run, click a token, step the timeline, click a grid cell", "[gui]") {
  test::StudioOnRun studio("studio-view");
  REQUIRE(studio.opened);
  MainWindow& w = studio.window;
  const test::RenderFixture& fx = studio.fx;
  // Opens on the first word at the last step, mean over blocks and heads.
  const auto& m = w.session()->run()->manifest();
  CHECK(w.selection()->state().tokens.at(0).label == "a");
  CHECK(w.selection()->state().step == fx.spec.steps - 1);
  CHECK(w.viewerPanel()->stepBox()->currentIndex() == fx.spec.steps);  // "mean" is item 0
  CHECK(viewer_mismatch(w) == 0);
  CHECK(w.recentRuns().value(0).endsWith("run"));

  // Click the word "circle" in the Tokens panel.
  TokensPanel* tokens = w.tokensPanel();
  click_item(tokens->tree(), tokens->wordItem(2));
  REQUIRE(test::process_until([&] { return w.selection()->state().tokens.at(0).label == "circle" && viewer_settled(w); }));
  CHECK(w.viewerPanel()->caption().contains("circle"));
  CHECK(viewer_mismatch(w) == 0);
  // Ctrl-click adds a second token (for the composite), the first stays the primary one.
  click_item(tokens->tree(), tokens->wordItem(1), Qt::ControlModifier);
  REQUIRE(w.selection()->state().tokens.size() == 2);
  CHECK(w.selection()->state().tokens[0].label == "circle");
  CHECK(w.selection()->state().tokens[1].label == "red");

  // Timeline: the first captured step's thumbnail, then a frame forward with the keyboard.
  TimelinePanel* timeline = w.timelinePanel();
  QListWidget* steps = timeline->steps();
  QTest::mouseClick(steps->viewport(), Qt::LeftButton, {}, steps->visualItemRect(steps->item(1)).center());
  REQUIRE(test::process_until([&] { return w.selection()->state().step == 0 && viewer_settled(w); }));
  CHECK(w.viewerPanel()->stepBox()->currentIndex() == 1);
  w.activateWindow();
  w.viewerPanel()->canvas()->setFocus();
  QTest::keyClick(&w, Qt::Key_Right);
  QTest::keyClick(&w, Qt::Key_Right);
  REQUIRE(test::process_until([&] { return w.selection()->state().frame == 2; }));
  CHECK(timeline->frameSlider()->value() == 2);
  QTest::keyClick(&w, Qt::Key_Down);  // next step
  REQUIRE(test::process_until([&] { return w.selection()->state().step == 1 && viewer_settled(w); }));
  CHECK(viewer_mismatch(w) == 0);

  // Grids: the blocks grid of the step; a click on block 2's cell sets the viewer to it.
  w.dock("grids")->show();
  w.dock("grids")->raise();
  GridsPanel* grids = w.gridsPanel();
  grids->setKind(GridKind::Blocks);
  REQUIRE(test::process_until([&] { return !grids->rendering() && !grids->gridImage().empty(); }));
  REQUIRE(grids->grid().cells.size() == size_t(fx.spec.blocks));
  const cv::Rect cell = grids->grid().cells[2];
  const QPoint at = grids->canvas()->toWidget(QPoint(cell.x + cell.width / 2, cell.y + cell.height / 2));
  QTest::mouseClick(grids->canvas(), Qt::LeftButton, {}, at);
  REQUIRE(test::process_until([&] { return w.selection()->state().block == 2 && viewer_settled(w); }));
  CHECK(w.selection()->state().step == 1);
  CHECK(w.viewerPanel()->blockBox()->currentIndex() == 3);
  CHECK(viewer_mismatch(w) == 0);

  // Heads x steps: a click picks a step and a head.
  grids->setKind(GridKind::HeadsSteps);
  REQUIRE(test::process_until([&] { return !grids->rendering() && grids->grid().cells.size() == size_t(fx.spec.steps * fx.spec.heads); }));
  grids->clickCell(2, 1);
  REQUIRE(test::process_until([&] { return w.selection()->state().head == 1 && viewer_settled(w); }));
  CHECK(w.selection()->state().step == 2);
  CHECK(w.viewerPanel()->headBox()->currentIndex() == 2);
  CHECK(viewer_mismatch(w) == 0);

  // The step combo back to "mean": the viewer shows the mean over steps.
  w.viewerPanel()->stepBox()->setCurrentIndex(0);
  REQUIRE(test::process_until([&] { return w.selection()->state().step == kMean && viewer_settled(w); }));
  CHECK(viewer_mismatch(w) == 0);

  // Hover: the value under the cursor, then the inverse query's ranking.
  MapCanvas* canvas = w.viewerPanel()->canvas();
  QTest::mouseMove(canvas, canvas->imageRect().center());
  REQUIRE(test::process_until([&] { return w.viewerPanel()->readout().contains("attends to"); }));
  CHECK(w.viewerPanel()->readout().contains("circle"));
  (void)m;
}

TEST_CASE("studio: every panel is a dock that can be closed, reopened and reset", "[gui]") {
  test::TempDir tmp("studio-docks");
  test::isolate_settings(tmp.sub("settings"));
  MainWindow w;
  w.show();
  for (const char* name : {"generate", "tokens", "bends", "viewer", "timeline", "grids", "export", "jobs", "playback"}) {
    QDockWidget* d = w.dock(name);
    REQUIRE(d != nullptr);
    INFO(name);
    d->toggleViewAction()->trigger();  // View menu: hide
    CHECK(d->isHidden());
    d->toggleViewAction()->trigger();  // and back
    CHECK(!d->isHidden());
  }
  w.dock("viewer")->setFloating(true);
  w.dock("tokens")->close();
  w.resetLayout();
  CHECK(!w.dock("viewer")->isFloating());
  CHECK(!w.dock("tokens")->isHidden());
}

TEST_CASE("studio: a damaged run is an error in the window, and the run shown before stays", "[gui]") {
  test::TempDir tmp("studio-bad");
  test::isolate_settings(tmp.sub("settings"));
  test::write_render_run(tmp.sub("good"), test::RenderFixture{});
  std::filesystem::create_directories(tmp.sub("bad"));
  {
    std::ofstream(tmp.sub("bad") + "/manifest.json") << "{ not json";
  }
  MainWindow w;
  REQUIRE(w.openRun(QString::fromStdString(tmp.sub("good"))));
  CHECK_FALSE(w.openRun(QString::fromStdString(tmp.sub("bad"))));
  CHECK(w.lastError().contains("bad"));
  CHECK(w.lastError().contains("manifest.json"));
  CHECK(QString::fromStdString(w.session()->run()->dir()).endsWith("good"));
  CHECK_FALSE(w.openRun(QString::fromStdString(tmp.sub("missing"))));
  CHECK(w.lastError().contains("missing"));
}

TEST_CASE("studio: a run folder dropped on the window opens, and arrow keys leave text fields alone", "[gui]") {
  test::TempDir tmp("studio-drop");
  test::isolate_settings(tmp.sub("settings"));
  test::write_render_run(tmp.sub("dropped"), test::RenderFixture{});
  MainWindow w;
  w.show();
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(tmp.sub("dropped") + "/manifest.json"))});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&w, &enter);
  CHECK(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&w, &drop);
  REQUIRE(w.session()->run() != nullptr);
  CHECK(QString::fromStdString(w.session()->run()->dir()).endsWith("dropped"));
  CHECK(w.recentRuns().value(0).endsWith("dropped"));
  REQUIRE(test::process_until([&] { return viewer_settled(w); }));
  w.selection()->setFrame(3);
  // Typing in the prompt: ←/→ move the cursor there, not the video's frame.
  auto* prompt = w.generatePanel()->findChild<QPlainTextEdit*>();
  REQUIRE(prompt != nullptr);
  w.activateWindow();
  prompt->setFocus();
  QTest::keyClicks(prompt, "abc");
  QTest::keyClick(prompt, Qt::Key_Left);
  QTest::keyClick(prompt, Qt::Key_Right);
  CHECK(prompt->toPlainText() == "abc");
  CHECK(w.selection()->state().frame == 3);
}
