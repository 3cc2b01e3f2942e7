#include "ui/inference_worker.h"

#include <torch/torch.h>

#include <exception>

#include "core/capture_spec.h"
#include "core/render/video_export.h"
#include "core/run_reader.h"
#include "model/wan_pipeline.h"
#include "model/weight_error.h"

namespace wanattn {

namespace {

// The preview's middle latent frame as an RGB image ([F', h, w, 3] or [h, w, 3] uint8).
QImage preview_image(const at::Tensor& preview) {
  if (!preview.defined() || preview.numel() == 0) return {};
  at::Tensor p = preview.dim() == 4 ? preview[preview.size(0) / 2] : preview;
  p = p.to(at::kCPU).contiguous();
  const int h = int(p.size(0)), w = int(p.size(1));
  return QImage(p.data_ptr<uint8_t>(), w, h, w * 3, QImage::Format_RGB888).copy();
}

GenerateRequest to_request(const GenerateSettings& s, const std::atomic<bool>* cancel) {
  GenerateRequest rq;
  rq.prompt = s.prompt.toStdString();
  if (s.negative_given) rq.negative = s.negative.toStdString();
  rq.seed = s.seed;
  if (s.steps > 0) rq.steps = s.steps;
  if (s.guidance >= 0) rq.guidance = s.guidance;
  if (s.shift >= 0) rq.shift = s.shift;
  if (!s.sampler.isEmpty()) rq.sampler = s.sampler.toStdString();
  rq.width = s.width;
  rq.height = s.height;
  rq.frames = s.frames;
  rq.capture = parse_capture_spec(s.capture.toStdString());  // std::invalid_argument names the part
  rq.out_dir = s.out_dir.toStdString();
  rq.cancel = cancel;
  rq.live_bends = s.bends;  // read at every step: the Bends panel's edits apply from the next one
  return rq;
}

}  // namespace

InferenceWorker::InferenceWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<GenerateSettings>();
  qRegisterMetaType<StepSnapshot>();
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::releaseModels() {
  pipeline_.reset();
  pipeline_key_.clear();
}

void InferenceWorker::generate(const GenerateSettings& s) {
  if (s.request_id != 0 && s.request_id <= cancel_up_to_.load()) {  // cancelled while it waited in the queue
    Q_EMIT finished(QStringLiteral("cancelled"), tr("cancelled before it started"), QString());
    return;
  }
  busy_ = true;
  cancel_ = false;
  if (s.request_id != 0 && s.request_id <= cancel_up_to_.load()) cancel_ = true;  // a Cancel in between
  Q_EMIT started(s.out_dir);
  QString run_dir;
  try {
    const QString key = s.model_dir + QLatin1Char('|') + s.device;
    if (!pipeline_ || key != pipeline_key_) {
      pipeline_.reset();  // the old model's memory goes back before the new one loads
      Q_EMIT stageChanged(tr("finding the model parts"));
      PipelineOptions o;
      o.device = s.device == QLatin1String("cuda") ? at::Device(at::kCUDA) : at::Device(at::kCPU);
      pipeline_ = std::make_unique<WanPipeline>(find_wan_model_folder(s.model_dir.toStdString()), o);
      pipeline_key_ = key;  // kept from here on: a bad request does not cost a model reload
    }
    PipelineCallbacks cb;
    cb.on_stage = [this](const std::string& stage) { Q_EMIT stageChanged(QString::fromStdString(stage)); };
    cb.on_warning = [this](const std::string& w) { Q_EMIT warning(QString::fromStdString(w)); };
    cb.on_run_created = [this, &run_dir](const std::string& dir) {
      run_dir = QString::fromStdString(dir);
      Q_EMIT runCreated(run_dir);
    };
    cb.on_step = [this](const StepReport& r) {
      StepSnapshot snap;
      snap.step = r.step;
      snap.steps = r.steps;
      snap.step_seconds = r.step_seconds;
      snap.elapsed_seconds = r.elapsed_seconds;
      snap.eta_seconds = r.eta_seconds;
      snap.bends_version = r.bends_version;
      snap.preview = preview_image(r.preview);
      Q_EMIT stepFinished(snap);
    };
    const GenerateResult result = pipeline_->generate(to_request(s, &cancel_), cb);
    if (result.state == RunState::Complete && s.write_mp4 && !result.run_dir.empty()) {
      Q_EMIT stageChanged(tr("writing video.mp4"));
      try {
        render::export_generated_mp4(RunReader::open(result.run_dir), result.run_dir + "/video.mp4", render::Mp4Options{});
      } catch (const std::exception& e) {
        Q_EMIT warning(tr("the run is complete, but video.mp4 could not be written: %1").arg(e.what()));
      }
    }
    busy_ = false;
    Q_EMIT finished(result.state == RunState::Complete ? QStringLiteral("complete") : QStringLiteral("cancelled"),
                  QString::fromStdString(result.message), QString::fromStdString(result.run_dir));
  } catch (const PipelineError& e) {
    busy_ = false;
    Q_EMIT failed(QString::fromStdString(e.what()), e.out_of_memory(), run_dir);
  } catch (const std::exception& e) {
    // WeightError / TokenizerError / StoreError / BendError / bad capture text: the message
    // names the file or field. A pipeline is dropped only when its model could not be loaded
    // (a weight file) so the next run starts clean; a bad request keeps the loaded model.
    if (dynamic_cast<const WeightError*>(&e) != nullptr) {
      pipeline_.reset();
      pipeline_key_.clear();
    }
    busy_ = false;
    Q_EMIT failed(QString::fromStdString(e.what()), false, run_dir);
  }
}

}  // namespace wanattn
