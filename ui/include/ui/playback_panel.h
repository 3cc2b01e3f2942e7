// Playback: the run's generated video.mp4 in a Qt Multimedia player (play/pause, seek).
// The FFmpeg backend is preferred (set before the first player is made) because it decodes H.264
// without GStreamer plugins. A run without its MP4 yet says so. UI thread only.
#pragma once
#include <QWidget>

#include "ui/run_session.h"

class QLabel;
class QMediaPlayer;
class QSlider;
class QToolButton;
class QVideoWidget;

namespace wanattn {

class PlaybackPanel : public QWidget {
  Q_OBJECT
 public:
  explicit PlaybackPanel(QWidget* parent = nullptr);
  void setRun(RunPtr run);
  // The file loaded ("" when the run has no video.mp4).
  QString source() const { return source_; }
  QMediaPlayer* player() const { return player_; }
  QString statusText() const;
  // Loads the source into the player now (it is loaded when the panel is shown).
  void load();

 Q_SIGNALS:
  void message(QString text);

 protected:
  void showEvent(QShowEvent* e) override;

 private:
  QMediaPlayer* player_;
  QVideoWidget* video_;
  QToolButton* play_;
  QSlider* position_;
  QLabel* status_;
  QString source_;
  bool loaded_ = false;
};

}  // namespace wanattn
