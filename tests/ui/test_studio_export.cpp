// Export jobs from the studio: PNG read back, MP4 decoded back, HDF5 read back, and a
// failing job (a folder that does not exist) visible in the Jobs panel with the path named.
// The UI thread stays responsive while a video is encoded (watchdog).
#include <hdf5.h>

#include <QDockWidget>
#include <QTreeWidget>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "render/decode_mp4.h"
#include "core/render/overlay.h"
#include "ui/export_panel.h"
#include "ui/grids_panel.h"
#include "ui/jobs_panel.h"
#include "ui/main_window.h"
#include "ui/viewer_panel.h"
#include "ui/event_timing.h"
#include "ui/studio_fixture.h"
#include "catch_compat.h"

using namespace wanattn;

namespace {
const ExportJob& wait_job(MainWindow& w, int id) {
  REQUIRE(id > 0);
  REQUIRE(test::process_until([&] { return w.jobs()->job(id)->state != ExportJob::State::Running; }, 60000));
  return *w.jobs()->job(id);
}
}  // namespace

TEST_CASE("studio exports: PNG, MP4 and HDF5 as jobs, a failure shown with its path", "[gui]") {
  test::StudioOnRun studio("studio-export");
  REQUIRE(studio.opened);
  MainWindow& w = studio.window;
  const test::TempDir& tmp = studio.tmp;
  ExportPanel* ex = w.exportPanel();

  // The current view as PNG: what the viewer shows, at the video's own size.
  const ExportJob& png = wait_job(w, ex->exportViewPng(QString::fromStdString(tmp.sub("view.png"))));
  CHECK(png.state == ExportJob::State::Done);
  const cv::Mat back = cv::imread(tmp.sub("view.png"), cv::IMREAD_COLOR);
  REQUIRE(!back.empty());
  const ViewState& s = w.selection()->state();
  const cv::Mat want = render::OverlayRenderer(*w.session()->run(), s.selection(0), s.look).render(s.frame);
  CHECK(back.size() == cv::Size(w.session()->run()->manifest().width, w.session()->run()->manifest().height));
  CHECK(cv::norm(back, want, cv::NORM_INF) == 0);

  // The grid as PNG.
  w.dock("grids")->show();
  w.dock("grids")->raise();
  w.gridsPanel()->setKind(GridKind::Blocks);
  REQUIRE(test::process_until([&] { return !w.gridsPanel()->rendering() && !w.gridsPanel()->gridImage().empty(); }));
  CHECK(wait_job(w, ex->exportGridPng(QString::fromStdString(tmp.sub("grid.png")))).state == ExportJob::State::Done);
  CHECK(cv::imread(tmp.sub("grid.png")).size() == w.gridsPanel()->gridImage().size());

  // An overlay video while the watchdog measures the UI thread.
  test::UiWatchdog dog;
  test::EventTiming::start();
  const ExportJob& mp4 = wait_job(w, ex->exportOverlayMp4(QString::fromStdString(tmp.sub("overlay.mp4"))));
  test::EventTiming::stop();
  INFO(mp4.message.toStdString());
  CHECK(mp4.state == ExportJob::State::Done);
  const auto video = test::decode_mp4(tmp.sub("overlay.mp4"));
  CHECK(int(video.frames.size()) == w.session()->run()->manifest().frames);
  WARN("UI thread during the MP4 export: longest event " << test::EventTiming::longest_ms() << " ms ("
       << test::EventTiming::longest_what().toStdString() << "), longest watchdog gap " << dog.max_gap_ms() << " ms");
  CHECK(test::EventTiming::longest_ms() < 50);

  CHECK(wait_job(w, ex->exportEvolutionMp4(QString::fromStdString(tmp.sub("evolution.mp4")))).state == ExportJob::State::Done);
  CHECK(test::decode_mp4(tmp.sub("evolution.mp4")).frames.size() > 0);
  CHECK(wait_job(w, ex->exportVideoMp4(QString::fromStdString(tmp.sub("video.mp4")))).state == ExportJob::State::Done);

  // HDF5 of the chosen token only: one token's maps, read back with the C API.
  CHECK(wait_job(w, ex->exportH5(QString::fromStdString(tmp.sub("token.h5")), true)).state == ExportJob::State::Done);
  const hid_t f = H5Fopen(tmp.sub("token.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const hid_t d = H5Dopen2(f, "attention", H5P_DEFAULT);
  REQUIRE(d >= 0);
  const hid_t space = H5Dget_space(d);
  hsize_t dims[7] = {};
  REQUIRE(H5Sget_simple_extent_ndims(space) == 7);
  H5Sget_simple_extent_dims(space, dims, nullptr);
  CHECK(dims[3] == w.selection()->state().tokens[0].tokens.size());
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);

  // A job that cannot write: failed, the path in the message, listed in the Jobs panel.
  const QString bad = QString::fromStdString(tmp.sub("no-such-dir/view.png"));
  const ExportJob& failed = wait_job(w, ex->exportViewPng(bad));
  CHECK(failed.state == ExportJob::State::Failed);
  CHECK(failed.message.contains("no-such-dir"));
  CHECK_FALSE(std::filesystem::exists(bad.toStdString()));
  CHECK(w.jobsPanel()->logText().contains("failed"));
  const QTreeWidget* tree = w.jobsPanel()->jobsTree();
  CHECK(tree->topLevelItemCount() == 7);
  CHECK(tree->topLevelItem(6)->text(2) == "failed");
}
