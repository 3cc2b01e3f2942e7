#include "studio/studio_bench.h"

#include <fmt/format.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <algorithm>
#include <vector>

#include "core/render/token_select.h"
#include "shared/bench_run.h"
#include "ui/image_convert.h"
#include "ui/main_window.h"
#include "ui/map_canvas.h"
#include "ui/viewer_panel.h"

namespace wanattn {

namespace {

std::string stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return fmt::format("median {:.2f} ms (best {:.2f}, worst {:.2f}, {} runs)", ms[ms.size() / 2], ms.front(), ms.back(),
                     ms.size());
}

// Runs the event loop until the viewer has drawn and painted what was asked.
void settle(MainWindow& w, bool& drawn) {
  while (!drawn) QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
  w.viewerPanel()->canvas()->repaint();  // the paint itself, synchronously
}

}  // namespace

int run_studio_bench(const QString& run_dir_in, int repeats) {
  QTemporaryDir tmp;
  QString run_dir = run_dir_in;
  if (run_dir.isEmpty()) {
    run_dir = tmp.filePath(QStringLiteral("run"));
    fmt::print("writing a reference-shape run to {} ...\n", run_dir.toStdString());
    bench::write_bench_run(run_dir.toStdString());
  }
  MainWindow w;
  w.resize(1600, 1000);
  w.show();
  if (!w.openRun(run_dir)) return 1;
  bool drawn = false;
  QObject::connect(w.viewerPanel(), &ViewerPanel::frameDrawn, [&](double) { drawn = true; });
  const RunPtr run = w.session()->run();
  const auto& m = run->manifest();
  settle(w, drawn);
  const QImage& shown = w.viewerPanel()->image();
  fmt::print("run: {} ({}x{}, {} frames, latent {}x{}x{}, {} steps x {} blocks x {} heads); viewer canvas {}x{}, image {}x{}\n",
             run->dir(), m.width, m.height, m.frames, m.grid.frames, m.grid.height, m.grid.width, run->steps(),
             run->blocks(), run->heads(), w.viewerPanel()->canvas()->width(), w.viewerPanel()->canvas()->height(),
             shown.width(), shown.height());

  // A token click: the selection changes, the map is computed off the UI thread, the frame
  // drawn and painted. One step and block (a single slice, head mean), as a click in the
  // Tokens panel with the viewer on one step.
  w.selection()->setAxes(run->steps() - 1, run->blocks() / 2, kMean);
  drawn = false;
  settle(w, drawn);
  std::vector<double> click;
  QElapsedTimer t;
  for (int i = 0; i < repeats; ++i) {
    const int token = i % std::max(1, run->tokens() - 1);
    drawn = false;
    t.start();
    w.selection()->setTokens({render::resolve_token(m, "#" + std::to_string(token), run->has_padding())});
    settle(w, drawn);
    click.push_back(double(t.nsecsElapsed()) / 1e6);
  }
  fmt::print("token click -> overlay painted (one slice, head mean): {}\n", stats(click));

  // The same with the mean over every step and block (the global-mean kind of click).
  std::vector<double> mean_click;
  w.selection()->setAxes(kMean, kMean, kMean);
  drawn = false;
  settle(w, drawn);
  for (int i = 0; i < std::max(3, repeats / 3); ++i) {
    drawn = false;
    t.start();
    w.selection()->setTokens({render::resolve_token(m, "#" + std::to_string(i % std::max(1, run->tokens() - 1)), run->has_padding())});
    settle(w, drawn);
    mean_click.push_back(double(t.nsecsElapsed()) / 1e6);
  }
  fmt::print("token click -> overlay painted (mean over all steps, blocks, heads): {}\n", stats(mean_click));

  // Scrubbing: every frame in turn, each one drawn and painted before the next.
  std::vector<double> frame_ms;
  QElapsedTimer total;
  total.start();
  const int frames = std::max(1, m.frames);
  const int n = std::max(frames, repeats * 4);
  for (int i = 0; i < n; ++i) {
    drawn = false;
    t.start();
    w.selection()->setFrame((w.selection()->state().frame + 1) % frames);
    settle(w, drawn);
    frame_ms.push_back(double(t.nsecsElapsed()) / 1e6);
  }
  const double seconds = double(total.nsecsElapsed()) / 1e9;
  fmt::print("scrubbing {} frames: {:.1f} frames/s; per frame {}\n", n, double(n) / seconds, stats(frame_ms));

  // Where a frame's time goes: drawing it (render layer), handing it to Qt, painting it.
  const auto renderer = w.viewerPanel()->renderer();
  std::vector<double> draw, convert, paint;
  cv::Mat buffer;
  for (int i = 0; i < std::max(10, repeats); ++i) {
    t.start();
    renderer->render(i % frames, buffer);
    draw.push_back(double(t.nsecsElapsed()) / 1e6);
    t.start();
    QImage image = to_qimage(buffer);
    convert.push_back(double(t.nsecsElapsed()) / 1e6);
    t.start();
    w.viewerPanel()->canvas()->setImage(std::move(image));
    w.viewerPanel()->canvas()->repaint();
    paint.push_back(double(t.nsecsElapsed()) / 1e6);
  }
  fmt::print("  one frame: draw {}\n  to QImage {}\n  paint {}\n", stats(draw), stats(convert), stats(paint));
  return 0;
}

}  // namespace wanattn
