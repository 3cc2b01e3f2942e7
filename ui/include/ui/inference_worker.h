// InferenceWorker: the studio's inference thread. It owns the pipeline and every torch
// object (model weights, CUDA state), lives in its own QThread, and talks to the UI only by
// queued signals carrying plain values (strings, numbers, a QImage preview): the UI never
// touches a tensor. Cancel is an atomic flag the UI sets from its thread; the pipeline
// stops after the current DiT pass and marks the run `cancelled`.
#pragma once
#include <QImage>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "ui/generate_settings.h"

namespace wanattn {

class WanPipeline;

struct StepSnapshot {
  int step = 0, steps = 0;  // model step just finished (0-based), of `steps`
  double step_seconds = 0, elapsed_seconds = 0, eta_seconds = 0;
  quint64 bends_version = 0;  // the LiveBends version this step ran with
  QImage preview;           // the step's x0 preview (middle latent frame), RGB
};

class InferenceWorker : public QObject {
  Q_OBJECT
 public:
  explicit InferenceWorker(QObject* parent = nullptr);
  ~InferenceWorker() override;

  // Any thread: stops the run in progress after the current pass, and every queued request
  // whose id is <= `up_to` (an A/B pair is two requests) before it starts.
  void requestCancel(quint64 up_to) {
    quint64 seen = cancel_up_to_.load();
    while (seen < up_to && !cancel_up_to_.compare_exchange_weak(seen, up_to)) {
    }
    cancel_.store(true);
  }
  bool busy() const { return busy_.load(); }

 public Q_SLOTS:
  void generate(const wanattn::GenerateSettings& settings);  // runs on the worker thread
  void releaseModels();                                      // frees the cached pipeline (and GPU memory)

 Q_SIGNALS:
  void started(QString run_dir);
  void stageChanged(QString stage);
  void runCreated(QString run_dir);  // the store exists: the UI opens it and shows maps as they land
  void stepFinished(wanattn::StepSnapshot snapshot);
  void warning(QString text);
  // state: "complete" or "cancelled"; a failure comes as failed() instead.
  void finished(QString state, QString message, QString run_dir);
  void failed(QString message, bool out_of_memory, QString run_dir);

 private:
  std::unique_ptr<WanPipeline> pipeline_;
  QString pipeline_key_;  // model folder + device the cached pipeline was made for
  std::atomic<bool> cancel_{false};
  std::atomic<quint64> cancel_up_to_{0};
  std::atomic<bool> busy_{false};
};

}  // namespace wanattn

Q_DECLARE_METATYPE(wanattn::StepSnapshot)
