#include "ui/export_panel.h"

#include <QCheckBox>
#include <algorithm>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QRegularExpression>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/render/h5_export.h"
#include "core/render/overlay.h"
#include "core/render/png_export.h"
#include "core/render/video_export.h"
#include "ui/grids_panel.h"
#include "ui/viewer_panel.h"

namespace wanattn {

ExportPanel::ExportPanel(StudioSelection* selection, ViewerPanel* viewer, GridsPanel* grids, ExportJobs* jobs, QWidget* parent)
    : QWidget(parent), sel_(selection), viewer_(viewer), grids_(grids), jobs_(jobs) {
  captions_ = new QCheckBox(tr("captions in videos"));
  captions_->setChecked(true);
  fps_ = new QSpinBox;
  fps_->setRange(1, 60);
  fps_->setValue(16);
  fps_->setSuffix(tr(" fps"));
  status_ = new QLabel;
  status_->setWordWrap(true);
  auto button = [this](const QString& text, const QString& tip, auto fn) {
    auto* b = new QPushButton(text);
    b->setToolTip(tip);
    connect(b, &QPushButton::clicked, this, fn);
    return b;
  };
  auto* g = new QGridLayout;
  g->addWidget(new QLabel(tr("PNG")), 0, 0);
  g->addWidget(button(tr("Current view…"), tr("The viewer's frame with its heatmap"), [this] {
                 const QString p = ask(tr("Save the view as PNG"), suggestedName("view", "png"), tr("PNG (*.png)"));
                 if (!p.isEmpty()) exportViewPng(p);
               }), 0, 1);
  g->addWidget(button(tr("Current grid…"), tr("The Grids panel's figure"), [this] {
                 const QString p = ask(tr("Save the grid as PNG"), suggestedName("grid", "png"), tr("PNG (*.png)"));
                 if (!p.isEmpty()) exportGridPng(p);
               }), 0, 2);
  g->addWidget(new QLabel(tr("MP4")), 1, 0);
  g->addWidget(button(tr("Overlay…"), tr("The chosen token's map over every frame"), [this] {
                 const QString p = ask(tr("Save the overlay video"), suggestedName("overlay", "mp4"), tr("MP4 (*.mp4)"));
                 if (!p.isEmpty()) exportOverlayMp4(p);
               }), 1, 1);
  g->addWidget(button(tr("Evolution…"), tr("The map developing over the diffusion steps, then across the frames"), [this] {
                 const QString p = ask(tr("Save the evolution video"), suggestedName("evolution", "mp4"), tr("MP4 (*.mp4)"));
                 if (!p.isEmpty()) exportEvolutionMp4(p);
               }), 1, 2);
  g->addWidget(button(tr("Generated video…"), tr("The decoded video itself"), [this] {
                 const QString p = ask(tr("Save the generated video"), suggestedName("video", "mp4"), tr("MP4 (*.mp4)"));
                 if (!p.isEmpty()) exportVideoMp4(p);
               }), 1, 3);
  g->addWidget(new QLabel(tr("HDF5")), 2, 0);
  g->addWidget(button(tr("All maps…"), tr("Every captured map and the frames, for h5py"), [this] {
                 const QString p = ask(tr("Save the maps as HDF5"), suggestedName("maps", "h5"), tr("HDF5 (*.h5)"));
                 if (!p.isEmpty()) exportH5(p, false);
               }), 2, 1);
  g->addWidget(button(tr("Chosen token…"), tr("Only the chosen token(s)' maps"), [this] {
                 const QString p = ask(tr("Save the token's maps as HDF5"), suggestedName("token", "h5"), tr("HDF5 (*.h5)"));
                 if (!p.isEmpty()) exportH5(p, true);
               }), 2, 2);
  auto* opts = new QHBoxLayout;
  opts->addWidget(captions_);
  opts->addWidget(fps_);
  opts->addStretch();
  auto* v = new QVBoxLayout(this);
  v->addLayout(g);
  v->addLayout(opts);
  v->addWidget(status_);
  v->addStretch();
}

void ExportPanel::setRun(RunPtr run) { run_ = std::move(run); }

bool ExportPanel::needRun() {
  if (run_) return true;
  Q_EMIT message(tr("nothing to export: open or generate a run first"));
  return false;
}

QString ExportPanel::ask(const QString& what, const QString& suggested, const QString& filter) {
  return QFileDialog::getSaveFileName(this, what, suggested, filter);
}

QString ExportPanel::suggestedName(const QString& kind, const QString& ext) const {
  QString token = sel_->state().has_token() ? QString::fromStdString(sel_->state().tokens[0].label) : QString();
  token.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), QStringLiteral("_"));
  const QString dir = run_ ? QString::fromStdString(run_->dir()) : QDir::homePath();
  const QString stem = token.isEmpty() || kind == QLatin1String("video") || kind == QLatin1String("maps") ? kind : kind + '-' + token;
  return QDir(dir).filePath(stem + '.' + ext);
}

int ExportPanel::exportViewPng(const QString& path) {
  if (!needRun()) return 0;
  if (!sel_->state().has_token() || viewer_->image().isNull()) {
    Q_EMIT message(tr("nothing to export: the viewer shows no map yet"));
    return 0;
  }
  // What the viewer shows, drawn again at the video's own size (the screen shows it scaled).
  const RunPtr run = run_;
  const ViewState s = sel_->state();
  return jobs_->start(tr("view PNG"), path, [run, s, p = path.toStdString()](const auto&) {
    const render::OverlayRenderer overlay(*run, s.selection(0), s.look);
    const cv::Mat image = overlay.render(std::clamp(s.frame, 0, std::max(1, overlay.video_frames()) - 1));
    render::write_png(p, image);
    return QObject::tr("wrote %1 (%2 × %3)").arg(QString::fromStdString(p)).arg(image.cols).arg(image.rows);
  });
}

int ExportPanel::exportGridPng(const QString& path) {
  const cv::Mat grid = grids_->gridImage().clone();
  if (grid.empty()) {
    Q_EMIT message(tr("nothing to export: the Grids panel shows no grid yet"));
    return 0;
  }
  return jobs_->start(tr("grid PNG (%1)").arg(to_string(grids_->kind())), path, [grid, p = path.toStdString()](const auto&) {
    render::write_png(p, grid);
    return QObject::tr("wrote %1 (%2 × %3)").arg(QString::fromStdString(p)).arg(grid.cols).arg(grid.rows);
  });
}

int ExportPanel::exportOverlayMp4(const QString& path) {
  if (!needRun() || !sel_->state().has_token()) return 0;
  const RunPtr run = run_;
  const auto sel = sel_->state().selection(0);
  const auto look = sel_->state().look;
  const bool captions = captions_->isChecked();
  render::Mp4Options mp4;
  mp4.fps = fps_->value();
  return jobs_->start(tr("overlay MP4 of “%1”").arg(QString::fromStdString(sel.token.label)), path,
                      [run, sel, look, captions, mp4, p = path.toStdString()](const auto& progress) {
                        const auto r = render::export_overlay_mp4(*run, sel, look, p, mp4, captions, progress);
                        return QObject::tr("wrote %1: %2 frames, %3").arg(QString::fromStdString(p)).arg(r.frames).arg(QString::fromStdString(r.codec));
                      });
}

int ExportPanel::exportEvolutionMp4(const QString& path) {
  if (!needRun() || !sel_->state().has_token()) return 0;
  const RunPtr run = run_;
  const ViewState s = sel_->state();
  render::EvolutionOptions evo;
  evo.frame = s.frame;
  if (s.block != kMean) evo.blocks = {s.block};
  if (s.head != kMean) evo.heads = {s.head};
  evo.captions = captions_->isChecked();
  render::Mp4Options mp4;
  mp4.fps = fps_->value();
  return jobs_->start(tr("evolution MP4 of “%1”").arg(QString::fromStdString(s.tokens[0].label)), path,
                      [run, token = s.tokens[0], evo, look = s.look, mp4, p = path.toStdString()](const auto& progress) {
                        const auto r = render::export_evolution_mp4(*run, token, evo, look, p, mp4, progress);
                        return QObject::tr("wrote %1: %2 frames").arg(QString::fromStdString(p)).arg(r.frames);
                      });
}

int ExportPanel::exportVideoMp4(const QString& path) {
  if (!needRun()) return 0;
  const RunPtr run = run_;
  render::Mp4Options mp4;
  mp4.fps = fps_->value();
  return jobs_->start(tr("generated video MP4"), path, [run, mp4, p = path.toStdString()](const auto& progress) {
    const auto r = render::export_generated_mp4(*run, p, mp4, progress);
    return QObject::tr("wrote %1: %2 frames").arg(QString::fromStdString(p)).arg(r.frames);
  });
}

int ExportPanel::exportH5(const QString& path, bool chosen_token_only) {
  if (!needRun()) return 0;
  const RunPtr run = run_;
  Hdf5Selection h;
  if (chosen_token_only) {
    for (const auto& t : sel_->state().tokens) h.tokens.insert(h.tokens.end(), t.tokens.begin(), t.tokens.end());
    std::sort(h.tokens.begin(), h.tokens.end());
    h.tokens.erase(std::unique(h.tokens.begin(), h.tokens.end()), h.tokens.end());
    // An empty list means "every token" to the exporter: the padding mass alone is no token.
    if (h.tokens.empty()) {
      Q_EMIT message(tr("nothing to export: choose a word or piece (the padding mass is not a token map)"));
      return 0;
    }
  }
  return jobs_->start(chosen_token_only ? tr("HDF5 of the chosen tokens") : tr("HDF5 of every map"), path,
                      [run, h, p = path.toStdString()](const auto& progress) {
                        render::export_h5(*run, p, h, progress);
                        return QObject::tr("wrote %1 (%2 MB)").arg(QString::fromStdString(p)).arg(double(QFileInfo(QString::fromStdString(p)).size()) / 1e6, 0, 'f', 1);
                      });
}

}  // namespace wanattn
