// Timeline: the diffusion-step scrubber, one thumbnail per captured step (the step's x0
// preview: what the model believed the video was at that point), plus "mean"; and the frame
// scrubber. While a run generates, thumbnails come live from the inference worker; for a
// finished run, from previews.npy. UI thread only.
#pragma once
#include <QImage>
#include <QWidget>

#include <vector>

#include "ui/latest_task.h"
#include "ui/run_session.h"
#include "ui/studio_selection.h"

class QLabel;
class QListWidget;
class QSlider;

namespace wanattn {

class TimelinePanel : public QWidget {
  Q_OBJECT
 public:
  TimelinePanel(StudioSelection* selection, QWidget* parent = nullptr);
  void setRun(RunPtr run);
  // A live preview of model step `model_step` (from the worker), as it was denoised.
  void setLivePreview(int model_step, const QImage& preview);

  QListWidget* steps() const { return steps_; }
  QSlider* frameSlider() const { return frame_; }
  int frameCount() const;

  // Keyboard scrubbing (main window shortcuts): ±1 frame, ±1 step ("mean" is before step 0).
  void stepFrame(int delta);
  void stepStep(int delta);

 private:
  void syncFromSelection();
  void fillThumbnails();

  StudioSelection* sel_;
  RunPtr run_;
  QListWidget* steps_;
  QSlider* frame_;
  QLabel* frame_label_;
  bool syncing_ = false;
  LatestTask<std::vector<QImage>> thumbs_;  // previews.npy decoded off the UI thread
};

}  // namespace wanattn
