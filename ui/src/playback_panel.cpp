#include "ui/playback_panel.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaPlayer>
#include <QSlider>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <QVideoWidget>

namespace wanattn {

PlaybackPanel::PlaybackPanel(QWidget* parent) : QWidget(parent) {
  // Qt 6.4 picks GStreamer by default on Linux, which cannot play H.264 without extra
  // plugins (and crashes creating a player when its elements are missing); the FFmpeg
  // backend plays our files. The choice is made when the first player is created, here.
  if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND")) qputenv("QT_MEDIA_BACKEND", "ffmpeg");
  player_ = new QMediaPlayer(this);
  video_ = new QVideoWidget;
  video_->setMinimumSize(160, 90);
  player_->setVideoOutput(video_);
  play_ = new QToolButton;
  play_->setText(tr("▶"));
  play_->setToolTip(tr("Play / pause the generated video"));
  position_ = new QSlider(Qt::Horizontal);
  status_ = new QLabel(tr("no run"));
  status_->setWordWrap(true);
  auto* row = new QHBoxLayout;
  row->addWidget(play_);
  row->addWidget(position_, 1);
  auto* v = new QVBoxLayout(this);
  v->addWidget(video_, 1);
  v->addLayout(row);
  v->addWidget(status_);
  connect(play_, &QToolButton::clicked, this, [this] {
    if (player_->playbackState() == QMediaPlayer::PlayingState)
      player_->pause();
    else
      player_->play();
  });
  connect(player_, &QMediaPlayer::playbackStateChanged, this, [this](QMediaPlayer::PlaybackState s) {
    play_->setText(s == QMediaPlayer::PlayingState ? tr("❚❚") : tr("▶"));
  });
  connect(player_, &QMediaPlayer::durationChanged, this, [this](qint64 ms) { position_->setRange(0, int(ms)); });
  connect(player_, &QMediaPlayer::positionChanged, this, [this](qint64 ms) {
    const QSignalBlocker b(position_);
    position_->setValue(int(ms));
  });
  connect(position_, &QSlider::sliderMoved, player_, [this](int ms) { player_->setPosition(ms); });
  connect(player_, &QMediaPlayer::mediaStatusChanged, this, [this](QMediaPlayer::MediaStatus s) {
    if (s == QMediaPlayer::LoadedMedia)
      status_->setText(tr("%1 · %2 s").arg(QFileInfo(source_).fileName()).arg(double(player_->duration()) / 1000.0, 0, 'f', 1));
    if (s == QMediaPlayer::InvalidMedia) status_->setText(tr("cannot play %1: %2").arg(source_, player_->errorString()));
  });
  connect(player_, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString& text) {
    status_->setText(tr("cannot play %1: %2").arg(source_, text));
    Q_EMIT message(status_->text());
  });
}

QString PlaybackPanel::statusText() const { return status_->text(); }

void PlaybackPanel::setRun(RunPtr run) {
  player_->stop();
  source_.clear();
  loaded_ = false;
  if (!run) {
    player_->setSource({});
    status_->setText(tr("no run"));
    return;
  }
  const QString mp4 = QString::fromStdString(run->dir()) + QStringLiteral("/video.mp4");
  if (!QFileInfo::exists(mp4)) {
    player_->setSource({});
    status_->setText(run->health() == RunHealth::Running ? tr("the video appears here once it is decoded")
                                                         : tr("this run has no video.mp4 (Export → Generated video writes one)"));
    return;
  }
  source_ = mp4;
  loaded_ = false;
  status_->setText(tr("%1 (loads when this panel is shown)").arg(mp4));
  if (isVisible()) load();
}

// Opening a file in the player probes it synchronously (tens of milliseconds): done only
// when the panel is on screen, not for every run opened while it sits behind another tab.
void PlaybackPanel::load() {
  if (loaded_ || source_.isEmpty()) return;
  loaded_ = true;
  status_->setText(tr("loading %1").arg(source_));
  player_->setSource(QUrl::fromLocalFile(source_));
}

void PlaybackPanel::showEvent(QShowEvent* e) {
  QWidget::showEvent(e);
  load();
}

}  // namespace wanattn
