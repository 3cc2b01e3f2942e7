// Grids: the papers' figures for the chosen token(s) — blocks grid (figure 3), one block
// across steps (figure 4), heads × steps (figure 5), global mean (figure 6), tokens side by
// side (figure 1) and the RGB composite. Clicking a cell sets the viewer to that cell's
// step / block / head (and frame). Grids are composed on the thread pool. UI thread only.
#pragma once
#include <QWidget>
#include <opencv2/core.hpp>

#include "core/render/grid.h"
#include "ui/latest_task.h"
#include "ui/run_session.h"
#include "ui/studio_selection.h"

class QComboBox;
class QLabel;

namespace wanattn {

class MapCanvas;

enum class GridKind { Blocks, BlockSteps, HeadsSteps, GlobalMean, Tokens, Composite };
const char* to_string(GridKind k);

class GridsPanel : public QWidget {
  Q_OBJECT
 public:
  GridsPanel(StudioSelection* selection, QWidget* parent = nullptr);
  void setRun(RunPtr run);
  void onSliceReady(int step, int block);

  void setKind(GridKind kind);
  GridKind kind() const;
  // What is shown (for tests and PNG export): the composed grid and its cells.
  const cv::Mat& gridImage() const { return shown_.image; }
  const render::ComposedGrid& grid() const { return shown_.grid; }
  QString title() const { return shown_.title; }
  // A grid is being composed, or will be once a scrub, drag or held key settles.
  bool rendering() const;
  MapCanvas* canvas() const { return canvas_; }
  // The cell under a grid-image pixel: (row, col), or (-1, -1).
  std::pair<int, int> cellAt(QPoint grid_pixel) const;
  // What a click on a cell does (also the canvas's click handler).
  void clickCell(int row, int col);

 Q_SIGNALS:
  void message(QString text);

 protected:
  void showEvent(QShowEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;

 private:
  struct Shown {
    RunPtr run;  // the run it was composed from
    cv::Mat image;
    render::ComposedGrid grid;
    QString title;
    int rows = 0, cols = 0;
    GridKind kind = GridKind::Blocks;
    std::vector<int> row_steps;  // Blocks: the store step of each row
    int block = 0;               // BlockSteps / HeadsSteps: the block shown
    bool preview_row = false;    // BlockSteps: row 0 is the x0 preview
    std::vector<render::TokenSet> tokens;  // Tokens: one per column
  };
  void rebuild();

  StudioSelection* sel_;
  RunPtr run_;
  LatestTask<Shown> task_;
  Shown shown_;
  bool dirty_ = true;
  QComboBox* kind_;
  QLabel* status_;
  MapCanvas* canvas_;
  class QTimer* live_timer_;    // batches redraws while slices arrive
  class QTimer* settle_timer_;  // waits for a scrub, a drag or a held key to settle
};

}  // namespace wanattn
