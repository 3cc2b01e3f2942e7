#include "ui/run_session.h"

#include <exception>

#include "core/store_error.h"

namespace wanattn {

RunSession::RunSession(QObject* parent) : QObject(parent) {
  connect(&watcher_, &RunWatcher::sliceReady, this, &RunSession::sliceReady);
  connect(&watcher_, &RunWatcher::progressChanged, this, &RunSession::progressChanged);
  connect(&watcher_, &RunWatcher::error, this, &RunSession::error);
  // A status change means the manifest changed (and, at the end, frames/previews exist):
  // publish a fresh snapshot before telling anyone the run finished.
  connect(&watcher_, &RunWatcher::statusChanged, this, [this](const QString&, const QString&) { republish(); });
  connect(&watcher_, &RunWatcher::finished, this, &RunSession::finished);
}

bool RunSession::open(const QString& dir, QString* error, int poll_ms) {
  RunPtr fresh;
  try {
    fresh = std::make_shared<const RunReader>(RunReader::open(dir.toStdString()));
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  run_ = std::move(fresh);
  dir_ = dir;
  Q_EMIT runChanged(run_, false);
  try {
    watcher_.open(dir, poll_ms);  // reports the slices already written
  } catch (const std::exception& e) {
    Q_EMIT this->error(QString::fromStdString(e.what()));
  }
  return true;
}

void RunSession::close() {
  watcher_.close();
  run_.reset();
  dir_.clear();
  Q_EMIT runChanged(nullptr, false);
}

QString RunSession::health() const { return run_ ? QString(to_string(run_->health())) : QString(); }

void RunSession::republish() {
  if (dir_.isEmpty()) return;
  try {
    run_ = std::make_shared<const RunReader>(RunReader::open(dir_.toStdString()));
    Q_EMIT runChanged(run_, true);
  } catch (const std::exception& e) {
    Q_EMIT error(QString::fromStdString(e.what()));
  }
}

}  // namespace wanattn
