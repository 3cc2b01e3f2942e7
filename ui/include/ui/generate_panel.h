// Generate: the model folder (remembered; its layout detected and what is missing named),
// prompt and negative prompt, seed (with a dice), steps, guidance, shift, sampler, size
// presets, frame count, the capture selection with the size the store will take next to
// the free disk space, and Generate / Cancel with progress (step, time per step, ETA).
// Generate stays disabled, with the reason shown, when the folder is incomplete or a
// full-size Wan2.1 would have to run without a GPU. UI thread only.
#pragma once
#include <QWidget>

#include "ui/generate_settings.h"
#include "ui/inference_worker.h"
#include "ui/latest_task.h"
#include "ui/model_probe.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace wanattn {

class GeneratePanel : public QWidget {
  Q_OBJECT
 public:
  explicit GeneratePanel(QWidget* parent = nullptr);

  // The form as a request (checked: frames 4n+1, sizes multiples of 16, a prompt).
  GenerateSettings settings() const;
  void setModelDir(const QString& dir);
  // At start-up with no folder remembered or given: the built-in demo model, when one ships
  // (studio_paths.h). True when it was chosen.
  bool useDemoModelIfUnset();
  QString modelDir() const;
  void setPrompt(const QString& prompt);
  void setOutputDir(const QString& dir);
  void setSize(int width, int height, int frames);
  void setSteps(int steps);
  void setCapture(const QString& capture);
  const ModelProbe& probe() const { return probe_; }
  bool probing() const { return probing_; }  // the folder is being checked (off the UI thread)
  // Why Generate is disabled ("" when it is enabled).
  QString unavailableReason() const;
  QPushButton* generateButton() const { return generate_; }
  QPushButton* cancelButton() const { return cancel_; }
  QString progressText() const;

 public Q_SLOTS:
  void onStarted(const QString& run_dir);
  void onStage(const QString& stage);
  void onStep(const wanattn::StepSnapshot& s);
  void onFinished(const QString& state, const QString& message, const QString& run_dir);
  void onFailed(const QString& message, bool out_of_memory, const QString& run_dir);

 Q_SIGNALS:
  void generateRequested(wanattn::GenerateSettings settings);
  void cancelRequested();
  void message(QString text);

 private:
  void reprobe(bool force = false);
  void showProbe();  // the probe result into the labels and defaults
  void updateEstimate();
  void updateButtons();
  void setRunning(bool running);
  QString defaultOutputDir() const;

  ModelProbe probe_;
  LatestTask<ModelProbe> probe_task_;
  QString probed_dir_;
  QString sized_dir_;  // the folder whose own size (wanattn.json) was last put into the form
  bool probing_ = false;
  QString estimate_error_;  // the capture text or the prompt's weight syntax, when malformed
  bool running_ = false;
  QLineEdit* model_;
  QLabel* model_status_;
  QComboBox* device_;
  QPlainTextEdit *prompt_, *negative_;
  QSpinBox *seed_, *steps_, *width_, *height_, *frames_;
  QDoubleSpinBox *guidance_, *shift_;
  QComboBox *sampler_, *size_preset_;
  QLineEdit *capture_, *out_;
  QLabel *estimate_, *progress_label_, *reason_;
  QProgressBar* progress_;
  QPushButton *generate_, *cancel_;
};

}  // namespace wanattn
