#include "ui/export_jobs.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>
#include <QThreadPool>
#include <exception>

#include "core/render/render_error.h"

namespace wanattn {

const char* to_string(ExportJob::State s) {
  switch (s) {
    case ExportJob::State::Running: return "running";
    case ExportJob::State::Done: return "done";
    case ExportJob::State::Failed: return "failed";
    case ExportJob::State::Cancelled: return "cancelled";
  }
  return "?";
}

ExportJobs::ExportJobs(QObject* parent) : QObject(parent) {}

ExportJobs::~ExportJobs() {
  // Jobs still running are told to stop; their results go nowhere (QPointer).
  for (auto& [id, flag] : cancel_) flag->store(true);
  QThreadPool::globalInstance()->waitForDone(10000);
}

int ExportJobs::start(const QString& name, const QString& path, Work work) {
  const int id = next_id_++;
  ExportJob& j = jobs_[id];
  j.id = id;
  j.name = name;
  j.path = path;
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  cancel_[id] = cancelled;
  Q_EMIT jobAdded(id);
  QPointer<ExportJobs> self(this);
  QThreadPool::globalInstance()->start([self, id, cancelled, work = std::move(work)] {
    // Progress goes to the UI thread at most every 50 ms (a video reports every frame).
    QElapsedTimer since;
    since.start();
    auto progress = [&](double p) {
      if (since.elapsed() >= 50 || p >= 1.0) {
        since.restart();
        QMetaObject::invokeMethod(
            self, [self, id, p] { if (self) self->report(id, p); }, Qt::QueuedConnection);
      }
      return !cancelled->load();
    };
    ExportJob::State state = ExportJob::State::Done;
    QString message;
    try {
      message = work(progress);
      if (cancelled->load()) state = ExportJob::State::Cancelled, message = QObject::tr("cancelled; nothing was written");
    } catch (const render::RenderError& e) {
      state = e.kind() == render::RenderErrorKind::Cancelled ? ExportJob::State::Cancelled : ExportJob::State::Failed;
      message = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
      state = ExportJob::State::Failed;
      message = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(
        self, [self, id, state, message] { if (self) self->finish(id, state, message); }, Qt::QueuedConnection);
  });
  return id;
}

void ExportJobs::cancel(int id) {
  const auto it = cancel_.find(id);
  if (it != cancel_.end()) it->second->store(true);
}

const ExportJob* ExportJobs::job(int id) const {
  const auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

int ExportJobs::running() const {
  int n = 0;
  for (const auto& [id, j] : jobs_) n += j.state == ExportJob::State::Running;
  return n;
}

bool ExportJobs::waitAll(int timeout_ms) {
  QElapsedTimer t;
  t.start();
  while (running() > 0 && t.elapsed() < timeout_ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  return running() == 0;
}

void ExportJobs::report(int id, double p) {
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.state != ExportJob::State::Running) return;
  it->second.progress = p;
  Q_EMIT jobChanged(id);
}

void ExportJobs::finish(int id, ExportJob::State state, const QString& message) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  it->second.state = state;
  it->second.message = message;
  if (state == ExportJob::State::Done) it->second.progress = 1;
  cancel_.erase(id);
  Q_EMIT jobFinished(id);
}

}  // namespace wanattn
