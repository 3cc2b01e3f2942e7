// ExportJobs: exports (PNG, MP4, HDF5) as background jobs on Qt's thread pool, each with
// progress 0..1, a cancel flag, and a final state with the error message when one fails.
// The exports themselves write through a temporary file (core/render/output_file.h), so a
// failed or cancelled job leaves no half file. Signals arrive on the UI thread.
#pragma once
#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <map>
#include <memory>

namespace wanattn {

struct ExportJob {
  enum class State { Running, Done, Failed, Cancelled };
  int id = 0;
  QString name;  // "overlay MP4 of “cat”"
  QString path;
  double progress = 0;
  State state = State::Running;
  QString message;  // the error, or what was written
};
const char* to_string(ExportJob::State s);

class ExportJobs : public QObject {
  Q_OBJECT
 public:
  // The work gets a progress function (0..1) that returns false once the job is cancelled;
  // it throws to fail. Returns the job id.
  using Work = std::function<QString(const std::function<bool(double)>& progress)>;

  explicit ExportJobs(QObject* parent = nullptr);
  ~ExportJobs() override;
  int start(const QString& name, const QString& path, Work work);
  void cancel(int id);
  const ExportJob* job(int id) const;
  int running() const;
  // Waits (processing events) until no job runs or `timeout_ms` passed; for shutdown and tests.
  bool waitAll(int timeout_ms);

 Q_SIGNALS:
  void jobAdded(int id);
  void jobChanged(int id);   // progress
  void jobFinished(int id);  // done, failed or cancelled

 private:
  void report(int id, double progress);
  void finish(int id, ExportJob::State state, const QString& message);

  std::map<int, ExportJob> jobs_;
  std::map<int, std::shared_ptr<std::atomic<bool>>> cancel_;
  int next_id_ = 1;
};

}  // namespace wanattn
