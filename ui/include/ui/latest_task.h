// LatestTask: runs work on Qt's thread pool and hands the result back on the UI thread,
// but only for the newest request: a result that a later request has overtaken is dropped
// (the user clicked on). This is how the panels keep the UI thread free: maps, grids and
// inverse queries are computed off it, drawing a ready frame stays on it.
// A request overtaken before its work began is skipped (the pool runs first in, first out:
// without this a burst of clicks would make the newest wait for every stale one).
// Exceptions inside the work come back as the failed callback's message.
#pragma once
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <cstdint>
#include <memory>
#include <exception>
#include <functional>
#include <optional>

namespace wanattn {

template <class T>
class LatestTask {
 public:
  explicit LatestTask(QObject* context) : context_(context), latest_(std::make_shared<std::atomic<uint64_t>>(0)) {}

  void start(std::function<T()> work, std::function<void(T&)> done, std::function<void(const QString&)> failed = {}) {
    const uint64_t id = ++*latest_;
    ++running_;
    auto* watcher = new QFutureWatcher<Outcome>(context_);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context_, [this, watcher, id, done, failed] {
      Outcome o = watcher->result();
      watcher->deleteLater();
      --running_;
      if (id != latest_->load()) return;  // overtaken by a newer request
      if (o.value) {
        done(*o.value);
      } else if (failed) {
        failed(o.error);
      }
    });
    watcher->setFuture(QtConcurrent::run([work = std::move(work), latest = latest_, id] {
      Outcome o;
      if (id != latest->load()) return o;  // overtaken while it waited: not worth computing
      try {
        o.value.emplace(work());
      } catch (const std::exception& e) {
        o.error = QString::fromStdString(e.what());
      } catch (...) {
        o.error = QStringLiteral("unknown error");
      }
      return o;
    }));
  }
  // Drops every request in flight (their results will be ignored).
  void cancel() { ++*latest_; }
  bool busy() const { return running_ > 0; }

 private:
  struct Outcome {
    std::optional<T> value;
    QString error;
  };
  QObject* context_;
  std::shared_ptr<std::atomic<uint64_t>> latest_;  // shared with the queued work
  int running_ = 0;
};

}  // namespace wanattn
