#include "ui/viewer_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "core/render/heatmap.h"
#include "core/render/inverse_query.h"
#include "core/render/render_error.h"
#include "ui/image_convert.h"
#include "ui/map_canvas.h"
#include "ui/run_labels.h"

namespace wanattn {

namespace {

constexpr int kAbGap = 6;  // pixels between A and B

qint64 now_ns() {
  static QElapsedTimer clock = [] {
    QElapsedTimer t;
    t.start();
    return t;
  }();
  return clock.nsecsElapsed();
}

// Two looks that draw the same heatmap: they may differ only in how it is blended.
bool same_map_look(const render::Look& a, const render::Look& b) {
  return a.colormap == b.colormap && a.norm.mode == b.norm.mode && a.norm.low_percentile == b.norm.low_percentile &&
         a.norm.high_percentile == b.norm.high_percentile && a.norm.vmax == b.norm.vmax && a.upsample == b.upsample &&
         a.temporal == b.temporal && a.backdrop == b.backdrop;
}

QComboBox* combo(const QStringList& items, const QString& tip) {
  auto* c = new QComboBox;
  c->addItems(items);
  c->setToolTip(tip);
  c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  return c;
}

}  // namespace

ViewerPanel::ViewerPanel(StudioSelection* selection, QWidget* parent)
    : QWidget(parent), sel_(selection), task_(this), hover_task_(this) {
  canvas_ = new MapCanvas;
  caption_ = new QLabel(tr("Open a run (File → Open) or generate one."));
  caption_->setWordWrap(true);
  readout_ = new QLabel;
  readout_->setWordWrap(true);
  readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  step_ = combo({tr("mean")}, tr("Diffusion step (or the mean over the captured steps)"));
  block_ = combo({tr("mean")}, tr("Transformer block (or the mean over the captured blocks)"));
  head_ = combo({tr("mean")}, tr("Attention head (or the mean over the heads)"));
  QStringList cmaps, norms, backdrops;
  for (auto c : {render::Colormap::Inferno, render::Colormap::Magma, render::Colormap::Viridis, render::Colormap::Turbo,
                 render::Colormap::Jet, render::Colormap::Gray})
    cmaps << render::to_string(c);
  for (auto n : {render::NormMode::PerMap, render::NormMode::PerToken, render::NormMode::PerFrame,
                 render::NormMode::Percentile, render::NormMode::Absolute})
    norms << render::to_string(n);
  for (auto b : {render::Backdrop::Frame, render::Backdrop::Preview, render::Backdrop::None}) backdrops << render::to_string(b);
  colormap_ = combo(cmaps, tr("Colormap"));
  norm_ = combo(norms, tr("Normalisation: per map, per token over the run, per frame, percentile clip (1–99), absolute 0..max"));
  backdrop_ = combo(backdrops, tr("What the heatmap is drawn over: the decoded frame, the step's x0 preview, or nothing"));
  opacity_ = new QSlider(Qt::Horizontal);
  opacity_->setRange(0, 100);
  opacity_->setToolTip(tr("Heatmap opacity"));
  opacity_->setMaximumWidth(140);
  fade_ = new QCheckBox(tr("fade"));
  fade_->setToolTip(tr("Opacity follows the value: little attention shows the frame"));
  play_ = new QToolButton;
  play_->setText(tr("▶ Play"));
  play_->setToolTip(tr("Play the frames at the run's frame rate (space)"));
  play_->setCheckable(true);
  ab_ = new QCheckBox(tr("A/B"));
  ab_->setToolTip(tr("The unbent run (A, left) beside this one (B, right): same seed, token, step and frame"));
  ab_->setChecked(true);
  ab_->setVisible(false);

  auto* axes = new QHBoxLayout;
  axes->addWidget(new QLabel(tr("step")));
  axes->addWidget(step_);
  axes->addWidget(new QLabel(tr("block")));
  axes->addWidget(block_);
  axes->addWidget(new QLabel(tr("head")));
  axes->addWidget(head_);
  axes->addStretch();
  axes->addWidget(ab_);
  axes->addWidget(play_);
  auto* look = new QHBoxLayout;
  look->addWidget(colormap_);
  look->addWidget(norm_);
  look->addWidget(backdrop_);
  look->addWidget(new QLabel(tr("opacity")));
  look->addWidget(opacity_);
  look->addWidget(fade_);
  look->addStretch();
  auto* v = new QVBoxLayout(this);
  v->addLayout(axes);
  v->addLayout(look);
  v->addWidget(caption_);
  v->addWidget(canvas_, 1);
  v->addWidget(readout_);

  play_timer_ = new QTimer(this);
  live_timer_ = new QTimer(this);
  live_timer_->setSingleShot(true);
  live_timer_->setInterval(250);
  connect(live_timer_, &QTimer::timeout, this, &ViewerPanel::rebuild);
  connect(play_timer_, &QTimer::timeout, this, [this] {
    const int n = renderer_ ? renderer_->video_frames() : 0;
    if (n > 0) sel_->setFrame((sel_->state().frame + 1) % n);
  });
  connect(play_, &QToolButton::toggled, this, &ViewerPanel::setPlaying);
  auto axis = [this](QComboBox* box, auto setter) {
    connect(box, &QComboBox::currentIndexChanged, this, [this, box, setter](int i) {
      if (!syncing_ && i >= 0) (sel_->*setter)(box->itemData(i).toInt());
    });
  };
  axis(step_, &StudioSelection::setStep);
  axis(block_, &StudioSelection::setBlock);
  axis(head_, &StudioSelection::setHead);
  for (QComboBox* c : {colormap_, norm_, backdrop_})
    connect(c, &QComboBox::currentIndexChanged, this, [this] { lookFromControls(); });
  connect(opacity_, &QSlider::valueChanged, this, [this] { lookFromControls(); });
  connect(fade_, &QCheckBox::toggled, this, [this] { lookFromControls(); });
  connect(ab_, &QCheckBox::toggled, this, [this] { rebuild(); });
  connect(sel_, &StudioSelection::changed, this, &ViewerPanel::onSelectionChanged);
  connect(canvas_, &MapCanvas::hovered, this, &ViewerPanel::hoverAt);
  connect(canvas_, &MapCanvas::resized, this, [this] {
    if (renderer_ && renderer_->size() != displaySize()) live_timer_->start();
  });
  syncControls();
}

const QImage& ViewerPanel::image() const { return canvas_->image(); }
bool ViewerPanel::playing() const { return play_timer_->isActive(); }
QString ViewerPanel::readout() const { return readout_->text(); }
QString ViewerPanel::caption() const { return caption_->text(); }

void ViewerPanel::setRun(RunPtr run) {
  run_ = std::move(run);
  if (!run_) {
    setPlaying(false);
    task_.cancel();
    renderer_.reset();
    renderer_run_.reset();
    canvas_->setImage({});
    caption_->setText(tr("Open a run (File → Open) or generate one."));
  }
  syncControls();
  rebuild();
}

void ViewerPanel::setReference(RunPtr reference) {
  if (reference == reference_) return;
  reference_ = std::move(reference);
  ab_->setVisible(reference_ != nullptr);
  if (!reference_) ref_renderer_.reset(), ref_run_.reset();
  rebuild();
}

void ViewerPanel::onSliceReady(int step, int block) {
  const ViewState& s = sel_->state();
  if ((s.step == kMean || s.step == step) && (s.block == kMean || s.block == block) && !live_timer_->isActive())
    live_timer_->start();
}

void ViewerPanel::onSelectionChanged(int what) {
  if (what & (StudioSelection::Run | StudioSelection::Axes)) syncControls();
  if (what & StudioSelection::Look) syncControls();
  if (what & (StudioSelection::Run | StudioSelection::Tokens | StudioSelection::Axes)) {
    rebuild();
  } else if (what & StudioSelection::Look) {
    if (renderer_ && same_map_look(renderer_->look(), sel_->state().look))
      drawFrame();
    else
      rebuild();
  } else if (what & StudioSelection::Frame) {
    drawFrame();
  }
}

void ViewerPanel::rebuild() {
  const ViewState& s = sel_->state();
  if (!run_ || !s.has_token()) {
    task_.cancel();
    return;
  }
  requested_at_ns_ = now_ns();
  const RunPtr run = run_;
  const render::MapSelection sel = s.selection(0);
  const render::Look look = s.look;
  const cv::Size size = displaySize();
  const RunPtr reference = reference_ && ab_->isChecked() ? reference_ : nullptr;
  task_.start(
      [run, reference, sel, look, size] {
        Built b{run, reference, std::make_shared<const render::OverlayRenderer>(*run, sel, look, size), nullptr};
        if (reference) {
          try {  // the same token indices: the reference has the same prompt
            b.ref_renderer = std::make_shared<const render::OverlayRenderer>(*reference, sel, look, size);
          } catch (const std::exception&) {
            // not comparable at this selection (a slice it never captured): B alone
          }
        }
        return b;
      },
      [this](Built& b) {
        renderer_ = std::move(b.renderer);
        renderer_run_ = std::move(b.run);
        ref_renderer_ = std::move(b.ref_renderer);
        ref_run_ = std::move(b.reference);
        drawFrame();
      },
      [this](const QString& error) {
        // No slice of the selection written yet (a run that just started): not an error.
        renderer_.reset();
        canvas_->setImage({});
        caption_->setText(error);
      });
}

void ViewerPanel::drawFrame() {
  if (!renderer_) return;
  const ViewState& s = sel_->state();
  const int frames = std::max(1, renderer_->video_frames());
  const int frame = std::clamp(s.frame, 0, frames - 1);
  const qint64 t0 = requested_at_ns_ ? requested_at_ns_ : now_ns();
  auto draw = [&](const render::OverlayRenderer& r, cv::Mat& out) {
    if (r.look().opacity == s.look.opacity && r.look().fade_low == s.look.fade_low) {
      r.render(std::clamp(frame, 0, std::max(1, r.video_frames()) - 1), out);
    } else {
      const render::Heatmap heat = r.heatmap(frame);
      render::blend(r.backdrop(frame), heat, s.look.opacity, s.look.fade_low, out);
    }
  };
  try {
    if (!ref_renderer_) {
      draw(*renderer_, frame_buffer_);
    } else {
      // A (the unbent reference) left, B (this run) right, a white gap between.
      draw(*ref_renderer_, ref_buffer_);
      draw(*renderer_, cur_buffer_);
      frame_buffer_.create(cur_buffer_.rows, cur_buffer_.cols * 2 + kAbGap, CV_8UC3);
      frame_buffer_.setTo(cv::Scalar(255, 255, 255));
      ref_buffer_.copyTo(frame_buffer_(cv::Rect(0, 0, ref_buffer_.cols, ref_buffer_.rows)));
      cur_buffer_.copyTo(frame_buffer_(cv::Rect(cur_buffer_.cols + kAbGap, 0, cur_buffer_.cols, cur_buffer_.rows)));
      for (int side = 0; side < 2; ++side) {
        const cv::Point at(side * (cur_buffer_.cols + kAbGap) + 8, 22);
        const char* text = side == 0 ? "A  unbent" : "B  bent";
        cv::putText(frame_buffer_, text, at, cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(0, 0, 0), 3, cv::LINE_AA);
        cv::putText(frame_buffer_, text, at, cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
      }
    }
  } catch (const std::exception& e) {
    Q_EMIT message(QString::fromStdString(e.what()));
    return;
  }
  canvas_->setImage(to_qimage(frame_buffer_));
  const auto& m = renderer_run_->manifest();
  QString text = QString::fromStdString(render::describe(m, renderer_->selection())) +
                 tr(" · frame %1/%2").arg(frame + 1).arg(frames);
  if (!renderer_->map().missing.empty())
    text += tr(" · %1 slices not written yet").arg(renderer_->map().missing.size());
  if (s.tokens.size() > 1) text += tr(" · also chosen: %1").arg(s.tokens.size() - 1);
  caption_->setText(text);
  requested_at_ns_ = 0;
  Q_EMIT frameDrawn(double(now_ns() - t0) / 1e6);
}

cv::Size ViewerPanel::displaySize() const {
  if (!run_) return {};
  const auto& m = run_->manifest();
  const QSize video(std::max(1, m.width), std::max(1, m.height));
  QSize room = canvas_->size().expandedTo(QSize(16, 16));
  if (reference_ && ab_->isChecked()) room.setWidth(std::max(16, (room.width() - kAbGap) / 2));  // A/B: two side by side
  const QSize shown = video.scaled(room, Qt::KeepAspectRatio);
  return {std::max(16, shown.width()), std::max(16, shown.height())};
}

void ViewerPanel::syncControls() {
  syncing_ = true;
  const ViewState& s = sel_->state();
  auto fill = [](QComboBox* box, const QStringList& labels, int current) {
    QStringList have;
    for (int i = 0; i < box->count(); ++i) have << box->itemText(i);
    if (have != labels) {
      box->clear();
      for (int i = 0; i < labels.size(); ++i) box->addItem(labels[i], i == 0 ? kMean : i - 1);
    }
    box->setCurrentIndex(current == kMean ? 0 : current + 1);
  };
  if (run_) {
    const auto& m = run_->manifest();
    fill(step_, step_labels(m), s.step);
    fill(block_, block_labels(m), s.block);
    fill(head_, head_labels(m), s.head);
  }
  colormap_->setCurrentText(render::to_string(s.look.colormap));
  norm_->setCurrentText(render::to_string(s.look.norm.mode));
  backdrop_->setCurrentText(render::to_string(s.look.backdrop));
  opacity_->setValue(int(std::lround(s.look.opacity * 100)));
  fade_->setChecked(s.look.fade_low);
  syncing_ = false;
}

void ViewerPanel::lookFromControls() {
  if (syncing_) return;
  render::Look look = sel_->state().look;
  look.colormap = render::colormap_from_string(colormap_->currentText().toStdString());
  look.norm.mode = render::norm_mode_from_string(norm_->currentText().toStdString());
  look.backdrop = render::backdrop_from_string(backdrop_->currentText().toStdString());
  look.opacity = float(opacity_->value()) / 100.0f;
  look.fade_low = fade_->isChecked();
  sel_->setLook(look);
}

void ViewerPanel::setPlaying(bool on) {
  if (on && renderer_run_) {
    play_timer_->start(1000 / std::max(1, video_fps(renderer_run_->manifest())));
  } else {
    play_timer_->stop();
  }
  const QSignalBlocker block(play_);
  play_->setChecked(play_timer_->isActive());
  play_->setText(play_timer_->isActive() ? tr("❚❚ Pause") : tr("▶ Play"));
}

void ViewerPanel::togglePlay() { setPlaying(!playing()); }

void ViewerPanel::hoverAt(QPoint px) {
  if (!renderer_ || px.x() < 0) {
    readout_->clear();
    return;
  }
  const ViewState& s = sel_->state();
  const int frame = std::clamp(s.frame, 0, std::max(1, renderer_->video_frames()) - 1);
  const cv::Size shown = renderer_->size();
  const auto& m = renderer_run_->manifest();
  if (ref_renderer_) {  // A/B: which half, and where in it
    if (px.x() < shown.width) {
      const float a = render::value_at(ref_renderer_->map(), frame, {px.x(), px.y()}, shown, s.look.temporal);
      readout_->setText(tr("A (unbent): %1 = %2").arg(QString::fromStdString(renderer_->selection().token.label)).arg(double(a), 0, 'g', 4));
      return;
    }
    px.rx() -= shown.width + kAbGap;
    if (px.x() < 0) return;
  }
  // The pixel in the video's own coordinates (the picture is drawn at the size shown).
  const QPoint video(int(double(px.x()) * m.width / shown.width), int(double(px.y()) * m.height / shown.height));
  const float value = render::value_at(renderer_->map(), frame, {px.x(), px.y()}, shown, s.look.temporal);
  const QString head = tr("(%1, %2): %3 = %4")
                           .arg(video.x())
                           .arg(video.y())
                           .arg(QString::fromStdString(renderer_->selection().token.label))
                           .arg(double(value), 0, 'g', 4);
  readout_->setText(head);
  if (hover_task_.busy()) return;  // the next move asks again; stale rankings are not worth a queue
  const RunPtr run = renderer_run_;
  render::MapSelection base = renderer_->selection();
  const auto temporal = s.look.temporal;
  hover_task_.start(
      [run, base, frame, video, temporal] {
        const auto ranks = render::rank_words(*run, base, frame, cv::Rect(video.x(), video.y(), 1, 1), temporal);
        QStringList parts;
        for (size_t i = 0; i < ranks.size() && i < 5; ++i)
          parts << QStringLiteral("%1 %2%").arg(QString::fromStdString(ranks[i].token.label)).arg(std::lround(ranks[i].share * 100));
        return parts.join(QStringLiteral(" · "));
      },
      [this, head](QString& ranking) { readout_->setText(head + tr("   here the video attends to: ") + ranking); });
}

}  // namespace wanattn
