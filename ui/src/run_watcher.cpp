#include "ui/run_watcher.h"

#include "core/store_error.h"

namespace wanattn {

RunWatcher::RunWatcher(QObject* parent) : QObject(parent) {
  connect(&timer_, &QTimer::timeout, this, &RunWatcher::poll);
}

void RunWatcher::open(const QString& dir, int interval_ms) {
  close();
  run_ = std::make_unique<RunReader>(RunReader::open(dir.toStdString()));
  // What is there already is the opening state, not news: it is counted (one
  // progressChanged) but not announced slice by slice, and a run that is already finished
  // reports no status change.
  seen_.assign(size_t(run_->steps()) * size_t(run_->blocks()), 0);
  ready_count_ = 0;
  for (int s = 0; s < run_->steps(); ++s)
    for (int b = 0; b < run_->blocks(); ++b)
      if (run_->ready(s, b)) seen_[size_t(s) * run_->blocks() + b] = 1, ++ready_count_;
  last_health_ = run_->health();
  Q_EMIT progressChanged(ready_count_, run_->steps() * run_->blocks());
  if (last_health_ == RunHealth::Running) timer_.start(interval_ms);
}

void RunWatcher::close() {
  timer_.stop();
  run_.reset();
  seen_.clear();
  ready_count_ = 0;
}

void RunWatcher::poll() {
  if (!run_) return;
  // Status first, flags second: a run seen as finished has all its flags final, so the
  // last poll reports every slice before finished() is emitted.
  const RunHealth before = last_health_;
  try {
    run_->refresh();
  } catch (const std::exception& e) {  // StoreError, or the file system's own (permissions)
    timer_.stop();
    Q_EMIT error(QString::fromStdString(e.what()));
    return;
  }
  const RunHealth health = run_->health();
  bool changed = false;
  for (int s = 0; s < run_->steps(); ++s)
    for (int b = 0; b < run_->blocks(); ++b) {
      uint8_t& seen = seen_[size_t(s) * run_->blocks() + b];
      if (!seen && run_->ready(s, b)) {
        seen = 1;
        ++ready_count_;
        changed = true;
        Q_EMIT sliceReady(s, b);
      }
    }
  if (changed) Q_EMIT progressChanged(ready_count_, run_->steps() * run_->blocks());
  if (health != before) {
    last_health_ = health;
    Q_EMIT statusChanged(to_string(health), QString::fromStdString(run_->manifest().status.message));
  }
  if (health != RunHealth::Running) {
    timer_.stop();
    if (health != before) Q_EMIT finished(to_string(health));
  }
}

}  // namespace wanattn
