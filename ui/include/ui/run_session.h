// RunSession: the run the window shows. Opens a run directory, follows it while it is
// written (RunWatcher), and hands panels immutable snapshots: a RunReader that nothing
// mutates after it is published, so render jobs on other threads can read it while the UI
// moves on. A new snapshot is published when the run's status changes (e.g. the video was
// decoded and frames.npy appeared); slices that turn ready are seen live through the
// memory-mapped progress flags of any snapshot. UI thread only.
#pragma once
#include <QObject>
#include <QString>
#include <memory>

#include "core/run_reader.h"
#include "ui/run_watcher.h"

namespace wanattn {

using RunPtr = std::shared_ptr<const RunReader>;

class RunSession : public QObject {
  Q_OBJECT
 public:
  explicit RunSession(QObject* parent = nullptr);

  // Opens `dir`; on failure returns false, keeps the run shown before and sets `error` to a
  // message naming the directory and what is wrong with it.
  bool open(const QString& dir, QString* error = nullptr, int poll_ms = 100);
  void close();
  RunPtr run() const { return run_; }
  QString dir() const { return dir_; }
  QString health() const;  // "running", "complete", ... ("" without a run)

 Q_SIGNALS:
  void runChanged(wanattn::RunPtr run, bool same_run);  // a new run, or a new snapshot of it
  void sliceReady(int step, int block);
  void progressChanged(int ready, int total);
  void finished(QString state);
  void error(QString message);

 private:
  void republish();

  RunWatcher watcher_;
  RunPtr run_;
  QString dir_;
};

}  // namespace wanattn
