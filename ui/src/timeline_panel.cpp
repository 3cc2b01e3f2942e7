#include "ui/timeline_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QSlider>
#include <QVBoxLayout>
#include <algorithm>

#include "core/render/backdrops.h"
#include "ui/image_convert.h"
#include "ui/run_labels.h"

namespace wanattn {

namespace {
constexpr QSize kThumb(96, 56);

QIcon placeholder(const QString& text) {
  QPixmap p(kThumb);
  p.fill(QColor(40, 40, 44));
  QPainter g(&p);
  g.setPen(QColor(200, 200, 200));
  g.drawText(p.rect(), Qt::AlignCenter, text);
  return QIcon(p);
}

QIcon thumbnail(const QImage& image) {
  return QIcon(QPixmap::fromImage(image.scaled(kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}
}  // namespace

TimelinePanel::TimelinePanel(StudioSelection* selection, QWidget* parent)
    : QWidget(parent), sel_(selection), thumbs_(this) {
  steps_ = new QListWidget;
  steps_->setViewMode(QListView::IconMode);
  steps_->setFlow(QListView::LeftToRight);
  steps_->setWrapping(false);
  steps_->setMovement(QListView::Static);
  steps_->setIconSize(kThumb);
  steps_->setUniformItemSizes(true);
  steps_->setFixedHeight(kThumb.height() + 44);
  steps_->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  steps_->setToolTip(tr("Diffusion steps: each thumbnail is the step's predicted clean video (↑/↓)"));
  frame_ = new QSlider(Qt::Horizontal);
  frame_->setToolTip(tr("Video frame (←/→, space plays)"));
  frame_label_ = new QLabel;
  frame_label_->setMinimumWidth(110);
  auto* frames = new QHBoxLayout;
  frames->addWidget(new QLabel(tr("frame")));
  frames->addWidget(frame_, 1);
  frames->addWidget(frame_label_);
  auto* v = new QVBoxLayout(this);
  v->addWidget(steps_);
  v->addLayout(frames);

  connect(steps_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (!syncing_ && row >= 0) sel_->setStep(row == 0 ? kMean : row - 1);
  });
  connect(frame_, &QSlider::valueChanged, this, [this](int f) {
    if (!syncing_) sel_->setFrame(f);
  });
  connect(sel_, &StudioSelection::changed, this, [this](int what) {
    if (what & (StudioSelection::Axes | StudioSelection::Frame | StudioSelection::Run)) syncFromSelection();
  });
}

int TimelinePanel::frameCount() const { return run_ ? std::max(1, run_->manifest().frames) : 0; }

void TimelinePanel::setRun(RunPtr run) {
  run_ = std::move(run);
  syncing_ = true;
  steps_->clear();
  if (run_) {
    const auto& m = run_->manifest();
    auto* mean = new QListWidgetItem(placeholder(tr("mean")), tr("mean"));
    mean->setToolTip(tr("The mean over every captured step"));
    steps_->addItem(mean);
    for (size_t s = 0; s < m.capture.steps.size(); ++s) {
      auto* item = new QListWidgetItem(placeholder(QString::number(m.capture.steps[s])), step_label(m, int(s)));
      steps_->addItem(item);
    }
    frame_->setRange(0, frameCount() - 1);
    fillThumbnails();
  } else {
    frame_->setRange(0, 0);
  }
  syncing_ = false;
  syncFromSelection();
}

// Reading and scaling a preview per step takes a millisecond or so each: done on the thread
// pool, so opening a run with many steps never stalls the window.
void TimelinePanel::fillThumbnails() {
  const RunPtr run = run_;
  thumbs_.start(
      [run] {
        std::vector<QImage> out;
        try {
          const render::Backdrops b(*run);
          if (!b.has_previews()) return out;
          const cv::Size size(kThumb.width() * 2, kThumb.height() * 2);
          for (int s = 0; s < int(run->manifest().capture.steps.size()); ++s)
            out.push_back(to_qimage(b.preview(s, size, 0)).scaled(kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        } catch (const std::exception&) {
          // A damaged previews.npy leaves the numbered placeholders: the maps still work.
        }
        return out;
      },
      [this](std::vector<QImage>& images) {
        for (size_t s = 0; s < images.size(); ++s)
          if (QListWidgetItem* item = steps_->item(int(s) + 1)) item->setIcon(QIcon(QPixmap::fromImage(images[s])));
      });
}

void TimelinePanel::setLivePreview(int model_step, const QImage& preview) {
  if (!run_) return;
  const auto& steps = run_->manifest().capture.steps;
  const auto it = std::find(steps.begin(), steps.end(), model_step);
  if (it == steps.end()) return;
  if (QListWidgetItem* item = steps_->item(int(it - steps.begin()) + 1)) item->setIcon(thumbnail(preview));
}

void TimelinePanel::syncFromSelection() {
  syncing_ = true;
  const ViewState& s = sel_->state();
  const int row = s.step == kMean ? 0 : s.step + 1;
  if (row < steps_->count()) {
    steps_->setCurrentRow(row);
    steps_->scrollToItem(steps_->item(row));
  }
  frame_->setValue(s.frame);
  frame_label_->setText(run_ ? tr("%1 / %2").arg(s.frame + 1).arg(frameCount()) : QString());
  syncing_ = false;
}

void TimelinePanel::stepFrame(int delta) {
  const int n = frameCount();
  if (n > 0) sel_->setFrame(std::clamp(sel_->state().frame + delta, 0, n - 1));
}

void TimelinePanel::stepStep(int delta) {
  if (!run_) return;
  const int last = int(run_->manifest().capture.steps.size()) - 1;
  const int s = sel_->state().step;  // kMean (-1) sits before step 0
  sel_->setStep(std::clamp(s + delta, kMean, last));
}

}  // namespace wanattn
