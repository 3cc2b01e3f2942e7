// Viewer: the frame with the chosen token's heatmap over it (view 1). Selectors for step,
// block and head (each with "mean"), colormap, normalisation, backdrop, opacity; play/pause
// at the run's frame rate; hovering shows the value under the cursor and the inverse query
// (which words the video attended to at that spot).
//
// Threads: the map of a selection is computed on the thread pool (LatestTask) into an
// OverlayRenderer; drawing a frame from a ready renderer (about 1 ms at 480x832,
// docs/benchmarks.md) happens on the UI thread, so scrubbing and playing never wait.
// Frames are drawn at the size they are shown (the heatmap upsampled once, from the latent
// grid), so painting is a plain copy; exports render at the video's own size.
#pragma once
#include <QWidget>
#include <memory>

#include "core/render/overlay.h"
#include "ui/latest_task.h"
#include "ui/run_session.h"
#include "ui/studio_selection.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace wanattn {

class MapCanvas;

class ViewerPanel : public QWidget {
  Q_OBJECT
 public:
  ViewerPanel(StudioSelection* selection, QWidget* parent = nullptr);

  void setRun(RunPtr run);
  // A/B: a reference run (the unbent run with the same seed) drawn beside this one, left,
  // with the same selection, look and frame; nullptr ends the comparison.
  void setReference(RunPtr reference);
  bool comparing() const { return ref_renderer_ != nullptr; }
  // A slice turned ready while the run is generating: redraw if the view includes it.
  void onSliceReady(int step, int block);

  // For tests and the export panel: what is shown now.
  const QImage& image() const;
  MapCanvas* canvas() const { return canvas_; }
  bool rendering() const { return task_.busy(); }
  bool playing() const;
  QString readout() const;
  QString caption() const;
  QComboBox* stepBox() const { return step_; }
  QComboBox* blockBox() const { return block_; }
  QComboBox* headBox() const { return head_; }
  // The renderer of the current selection (null while none is ready).
  std::shared_ptr<const render::OverlayRenderer> renderer() const { return renderer_; }

 public Q_SLOTS:
  void togglePlay();
  void setPlaying(bool on);

 Q_SIGNALS:
  void frameDrawn(double milliseconds);  // time from a request to the frame on screen
  void message(QString text);            // errors worth showing in the log

 private:
  struct Built {
    RunPtr run, reference;
    std::shared_ptr<const render::OverlayRenderer> renderer, ref_renderer;
  };
  void onSelectionChanged(int what);
  void rebuild();
  void drawFrame();
  void syncControls();
  void lookFromControls();
  void hoverAt(QPoint pixel);
  cv::Size displaySize() const;  // the video's aspect fitted into the canvas

  StudioSelection* sel_;
  RunPtr run_;
  std::shared_ptr<const render::OverlayRenderer> renderer_;
  RunPtr renderer_run_;  // keeps the reader the renderer reads alive
  RunPtr reference_, ref_run_;
  std::shared_ptr<const render::OverlayRenderer> ref_renderer_;
  LatestTask<Built> task_;
  LatestTask<QString> hover_task_;
  qint64 requested_at_ns_ = 0;
  bool rebuild_pending_ = false;
  bool syncing_ = false;

  MapCanvas* canvas_;
  QLabel* caption_;
  QLabel* readout_;
  QComboBox *step_, *block_, *head_, *colormap_, *norm_, *backdrop_;
  QSlider* opacity_;
  QCheckBox* fade_;
  QCheckBox* ab_;
  QToolButton* play_;
  QTimer* play_timer_;
  QTimer* live_timer_;  // batches redraws while slices arrive (and canvas resizes)
  cv::Mat frame_buffer_, ref_buffer_, cur_buffer_;
};

}  // namespace wanattn
