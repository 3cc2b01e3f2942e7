// RunWatcher: follows a run store that is being written (by the inference worker in this
// process or by `wanattn generate` in another) and tells the UI what appeared.
// Lives on the UI thread; polls the memory-mapped progress flags with a QTimer, which
// costs microseconds per tick, so panels can show maps while the run is still generating.
#pragma once
#include <QObject>
#include <QTimer>
#include <memory>
#include <vector>

#include "core/run_reader.h"

namespace wanattn {

class RunWatcher : public QObject {
  Q_OBJECT
 public:
  explicit RunWatcher(QObject* parent = nullptr);

  // Opens the run (throws StoreError for a damaged one) and starts polling while it is being
  // written. Slices already written count as the opening state (one progressChanged, no
  // sliceReady each); only later ones and later status changes are signalled.
  void open(const QString& dir, int interval_ms = 100);
  void close();
  // The reader views stay valid until close() or the next open().
  const RunReader* run() const { return run_.get(); }
  int readyCount() const { return ready_count_; }

 public Q_SLOTS:
  void poll();  // also called by the timer

 Q_SIGNALS:
  void sliceReady(int step, int block);  // store indices, once per slice
  void progressChanged(int ready, int total);
  void statusChanged(QString state, QString message);
  void finished(QString state);  // complete, cancelled, failed or interrupted
  void error(QString message);

 private:
  std::unique_ptr<RunReader> run_;
  std::vector<uint8_t> seen_;
  int ready_count_ = 0;
  RunHealth last_health_ = RunHealth::Running;
  QTimer timer_;
};

}  // namespace wanattn
