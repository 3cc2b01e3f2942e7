#include "ui/generate_panel.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/studio_paths.h"

namespace wanattn {

namespace {

struct SizePreset {
  const char* label;
  int width, height;
};
constexpr SizePreset kSizes[] = {
    {"832 × 480 (480p landscape)", 832, 480}, {"480 × 832 (480p portrait)", 480, 832},
    {"1280 × 720 (720p, 14B)", 1280, 720},    {"624 × 624 (square)", 624, 624},
    {"416 × 240 (quick preview)", 416, 240},  {"128 × 128 (demo model)", 128, 128},
};

QString clock_text(double seconds) {
  const int s = int(seconds + 0.5);
  return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                   : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

QString bytes_text(quint64 b) {
  if (b >= 1000ull * 1000 * 1000) return QStringLiteral("%1 GB").arg(double(b) / 1e9, 0, 'f', 2);
  return QStringLiteral("%1 MB").arg(double(b) / 1e6, 0, 'f', 1);
}

QSpinBox* spin(int lo, int hi, int value, int step = 1) {
  auto* s = new QSpinBox;
  s->setRange(lo, hi);
  s->setSingleStep(step);
  s->setValue(value);
  return s;
}

}  // namespace

GeneratePanel::GeneratePanel(QWidget* parent) : QWidget(parent), probe_task_(this) {
  model_ = new QLineEdit;
  model_->setPlaceholderText(tr("Wan2.1 T2V folder (diffusers or official layout)"));
  auto* browse = new QToolButton;
  browse->setText(tr("…"));
  browse->setToolTip(tr("Choose the model folder"));
  model_status_ = new QLabel;
  model_status_->setWordWrap(true);
  model_status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  device_ = new QComboBox;
  if (cuda_available()) device_->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
  device_->addItem(tr("CPU"), QStringLiteral("cpu"));
  device_->setToolTip(describe_compute_device());
  prompt_ = new QPlainTextEdit;
  prompt_->setPlaceholderText(tr("a cat playing with a soccer ball — (word:1.5) weights a word"));
  prompt_->setMaximumHeight(80);
  negative_ = new QPlainTextEdit;
  negative_->setPlaceholderText(tr("empty: the model's default negative prompt"));
  negative_->setMaximumHeight(56);
  seed_ = spin(0, 2147483647, 58);
  auto* dice = new QToolButton;
  dice->setText(tr("random"));
  dice->setToolTip(tr("A random seed"));
  steps_ = spin(0, 200, 0);
  steps_->setSpecialValueText(tr("default"));
  guidance_ = new QDoubleSpinBox;
  guidance_->setRange(-1, 30);
  guidance_->setSingleStep(0.5);
  guidance_->setValue(-1);
  guidance_->setSpecialValueText(tr("default"));
  shift_ = new QDoubleSpinBox;
  shift_->setRange(-1, 20);
  shift_->setSingleStep(0.5);
  shift_->setValue(-1);
  shift_->setSpecialValueText(tr("default"));
  sampler_ = new QComboBox;
  sampler_->addItem(tr("default"), QString());
  sampler_->addItem(QStringLiteral("UniPC"), QStringLiteral("unipc"));
  sampler_->addItem(QStringLiteral("Euler"), QStringLiteral("euler"));
  size_preset_ = new QComboBox;
  for (const auto& p : kSizes) size_preset_->addItem(QString::fromUtf8(p.label), QSize(p.width, p.height));
  size_preset_->addItem(tr("custom"), QSize());
  width_ = spin(16, 4096, 832, 16);
  height_ = spin(16, 4096, 480, 16);
  frames_ = spin(1, 241, 61, 4);
  frames_->setToolTip(tr("Wan makes 4n + 1 frames (16 fps): 61 ≈ 3.8 s, 81 ≈ 5 s"));
  capture_ = new QLineEdit(QStringLiteral("all"));
  capture_->setToolTip(tr("all | none | steps=0-9,20 blocks=0-29/3 heads=mean|per-head padding=yes|no"));
  estimate_ = new QLabel;
  estimate_->setWordWrap(true);
  out_ = new QLineEdit;
  out_->setPlaceholderText(tr("run folder (default: a new one under ~/wanattn-runs)"));
  generate_ = new QPushButton(tr("Generate"));
  generate_->setDefault(true);
  cancel_ = new QPushButton(tr("Cancel"));
  progress_ = new QProgressBar;
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_label_ = new QLabel;
  progress_label_->setWordWrap(true);
  reason_ = new QLabel;
  reason_->setWordWrap(true);
  reason_->setStyleSheet(QStringLiteral("color: #b35c00"));

  auto* model_row = new QHBoxLayout;
  model_row->addWidget(model_, 1);
  model_row->addWidget(browse);
  auto* seed_row = new QHBoxLayout;
  seed_row->addWidget(seed_, 1);
  seed_row->addWidget(dice);
  auto* size_row = new QHBoxLayout;
  size_row->addWidget(width_);
  size_row->addWidget(new QLabel(QStringLiteral("×")));
  size_row->addWidget(height_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(generate_);
  buttons->addWidget(cancel_);
  auto* form = new QFormLayout;
  form->addRow(tr("Model"), model_row);
  form->addRow(QString(), model_status_);
  form->addRow(tr("Device"), device_);
  form->addRow(tr("Prompt"), prompt_);
  form->addRow(tr("Negative"), negative_);
  form->addRow(tr("Seed"), seed_row);
  form->addRow(tr("Steps"), steps_);
  form->addRow(tr("Guidance"), guidance_);
  form->addRow(tr("Shift"), shift_);
  form->addRow(tr("Sampler"), sampler_);
  form->addRow(tr("Size"), size_preset_);
  form->addRow(QString(), size_row);
  form->addRow(tr("Frames"), frames_);
  form->addRow(tr("Capture"), capture_);
  form->addRow(QString(), estimate_);
  form->addRow(tr("Output"), out_);
  // The form scrolls inside its dock, so the dock can be short beside the Tokens panel.
  auto* inner = new QWidget;
  auto* v = new QVBoxLayout(inner);
  v->addLayout(form);
  v->addWidget(reason_);
  v->addLayout(buttons);
  v->addWidget(progress_);
  v->addWidget(progress_label_);
  v->addStretch();
  auto* scroll = new QScrollArea;
  scroll->setWidget(inner);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  outer->addWidget(scroll);

  connect(browse, &QToolButton::clicked, this, [this] {
    const QString d = QFileDialog::getExistingDirectory(this, tr("Wan2.1 model folder"), model_->text());
    if (!d.isEmpty()) setModelDir(d);
  });
  connect(model_, &QLineEdit::editingFinished, this, [this] { reprobe(); });
  connect(dice, &QToolButton::clicked, this, [this] { seed_->setValue(int(QRandomGenerator::global()->bounded(2147483647))); });
  connect(size_preset_, &QComboBox::currentIndexChanged, this, [this] {
    const QSize s = size_preset_->currentData().toSize();
    if (s.isValid()) setSize(s.width(), s.height(), frames_->value());
  });
  for (QSpinBox* s : {steps_, width_, height_, frames_}) connect(s, &QSpinBox::valueChanged, this, [this] { updateEstimate(); });
  connect(prompt_, &QPlainTextEdit::textChanged, this, [this] { updateEstimate(); });
  connect(capture_, &QLineEdit::textChanged, this, [this] { updateEstimate(); });
  connect(out_, &QLineEdit::textChanged, this, [this] { updateEstimate(); });
  connect(device_, &QComboBox::currentIndexChanged, this, [this] { updateButtons(); });
  connect(generate_, &QPushButton::clicked, this, [this] {
    const QString why = unavailableReason();
    if (!why.isEmpty()) {
      Q_EMIT message(why);
      return;
    }
    GenerateSettings s = settings();
    if (s.out_dir.isEmpty()) s.out_dir = defaultOutputDir();
    QSettings().setValue(QStringLiteral("generate/model_dir"), s.model_dir);
    setRunning(true);
    Q_EMIT generateRequested(s);
  });
  connect(cancel_, &QPushButton::clicked, this, [this] {
    progress_label_->setText(tr("cancelling after the current pass…"));
    Q_EMIT cancelRequested();
  });
  setModelDir(QSettings().value(QStringLiteral("generate/model_dir")).toString());
  setRunning(false);
}

QString GeneratePanel::modelDir() const { return model_->text(); }

void GeneratePanel::setModelDir(const QString& dir) {
  model_->setText(dir);
  reprobe(/*force=*/true);  // the folder may have changed on disk since it was last checked
}

bool GeneratePanel::useDemoModelIfUnset() {
  if (!model_->text().trimmed().isEmpty()) return false;
  const QString demo = demo_model_dir();
  if (demo.isEmpty()) return false;
  setModelDir(demo);
  return true;
}

void GeneratePanel::setPrompt(const QString& p) { prompt_->setPlainText(p); }
void GeneratePanel::setOutputDir(const QString& d) { out_->setText(d); }
void GeneratePanel::setSteps(int steps) { steps_->setValue(steps); }
void GeneratePanel::setCapture(const QString& c) { capture_->setText(c); }

void GeneratePanel::setSize(int w, int h, int frames) {
  width_->setValue(w);
  height_->setValue(h);
  frames_->setValue(frames);
  int preset = size_preset_->count() - 1;
  for (int i = 0; i < size_preset_->count(); ++i)
    if (size_preset_->itemData(i).toSize() == QSize(w, h)) preset = i;
  const QSignalBlocker b(size_preset_);
  size_preset_->setCurrentIndex(preset);
}

// Checking a folder reads the tokenizer (megabytes) and checkpoint headers: on the thread
// pool, and only when the folder changed.
void GeneratePanel::reprobe(bool force) {
  const QString dir = model_->text();
  if (!force && dir == probed_dir_) return;
  probed_dir_ = dir;
  probing_ = true;
  model_status_->setText(tr("checking %1 …").arg(dir));
  updateButtons();
  probe_task_.start([dir] { return probe_model_folder(dir); },
                    [this](ModelProbe& p) {
                      probe_ = std::move(p);
                      probing_ = false;
                      showProbe();
                    });
}

void GeneratePanel::showProbe() {
  model_status_->setText(probe_.ok ? probe_.summary : probe_.problem);
  model_status_->setStyleSheet(probe_.ok ? QString() : QStringLiteral("color: #b35c00"));
  if (probe_.ok) {
    steps_->setSpecialValueText(tr("default (%1)").arg(probe_.default_steps));
    guidance_->setSpecialValueText(tr("default (%1)").arg(probe_.default_guidance));
    shift_->setSpecialValueText(tr("default (%1)").arg(probe_.default_shift));
    sampler_->setItemText(0, tr("default (%1)").arg(probe_.default_sampler));
    // A model made at its own size (the demo model) only works there: take it once when its
    // folder is chosen (the user may change it afterwards), and its example prompt if the
    // prompt is still empty.
    if (probe_.own_size && sized_dir_ != probed_dir_) {
      sized_dir_ = probed_dir_;
      setSize(probe_.default_width, probe_.default_height, probe_.default_frames);
    }
    if (!probe_.example_prompt.isEmpty() && prompt_->toPlainText().trimmed().isEmpty()) setPrompt(probe_.example_prompt);
  }
  updateEstimate();
}

GenerateSettings GeneratePanel::settings() const {
  GenerateSettings s;
  s.model_dir = model_->text().trimmed();
  s.device = device_->currentData().toString();
  s.prompt = prompt_->toPlainText();
  s.negative = negative_->toPlainText();
  s.negative_given = !s.negative.trimmed().isEmpty();
  s.seed = quint64(seed_->value());
  s.steps = steps_->value();
  s.guidance = guidance_->value();
  s.shift = shift_->value();
  s.sampler = sampler_->currentData().toString();
  s.width = width_->value();
  s.height = height_->value();
  s.frames = frames_->value();
  s.capture = capture_->text().trimmed().isEmpty() ? QStringLiteral("all") : capture_->text().trimmed();
  s.out_dir = out_->text().trimmed();
  return s;
}

QString GeneratePanel::defaultOutputDir() const {
  QString words = prompt_->toPlainText().simplified().section(' ', 0, 3).toLower();
  words.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
  const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
  return QDir::home().filePath(QStringLiteral("wanattn-runs/%1-%2").arg(stamp, words.isEmpty() ? QStringLiteral("run") : words));
}

QString GeneratePanel::unavailableReason() const {
  if (running_) return tr("a run is in progress");
  if (probing_) return tr("checking the model folder …");
  if (!probe_.ok) return probe_.problem;
  if (probe_.full_size && device_->currentData().toString() != QLatin1String("cuda"))
    return cuda_available() ? tr("a full-size Wan2.1 runs on the GPU: choose the CUDA device")
                            : tr("Generate is unavailable here: this machine has no CUDA GPU, and a full-size Wan2.1 "
                                 "(%1 blocks) would take hours on the CPU. Open a run made elsewhere (File → Open), "
                                 "or generate with the demo model.")
                                  .arg(probe_.blocks);
  if (prompt_->toPlainText().trimmed().isEmpty()) return tr("type a prompt");
  if (!estimate_error_.isEmpty()) return estimate_error_;
  const GenerateSettings s = settings();
  if (s.width % 16 || s.height % 16) return tr("width and height must be multiples of 16 (now %1 × %2)").arg(s.width).arg(s.height);
  if ((s.frames - 1) % 4) return tr("the frame count must be 4n + 1 (e.g. %1 or %2), not %3").arg(s.frames - (s.frames - 1) % 4).arg(s.frames - (s.frames - 1) % 4 + 4).arg(s.frames);
  return {};
}

void GeneratePanel::updateEstimate() {
  const GenerateSettings s = settings();
  QString prompt_error, error;
  const int tokens = probe_.count_tokens(s.prompt, &prompt_error);
  const int steps = s.steps > 0 ? s.steps : probe_.default_steps;
  const quint64 need = estimate_store_bytes(probe_, steps, s.frames, s.width, s.height, tokens, s.capture, &error);
  estimate_error_ = !prompt_error.isEmpty() ? tr("prompt: %1").arg(prompt_error)
                    : !error.isEmpty()      ? tr("capture: %1").arg(error)
                                            : QString();
  const quint64 free = free_bytes_at(s.out_dir.isEmpty() ? QDir::homePath() : s.out_dir);
  if (!estimate_error_.isEmpty())
    estimate_->setText(estimate_error_);
  else if (!probe_.ok || tokens <= 0)
    estimate_->setText(tr("store size: choose a model and type a prompt"));
  else
    estimate_->setText(tr("%1 tokens · the store will take %2 · %3 free there%4")
                           .arg(tokens)
                           .arg(bytes_text(need))
                           .arg(bytes_text(free))
                           .arg(need > free ? tr(" — not enough space") : QString()));
  updateButtons();
}

void GeneratePanel::updateButtons() {
  const QString why = unavailableReason();
  generate_->setEnabled(!running_ && why.isEmpty());
  cancel_->setEnabled(running_);
  reason_->setText(running_ ? QString() : why);
  reason_->setVisible(!reason_->text().isEmpty());
}

void GeneratePanel::setRunning(bool running) {
  running_ = running;
  updateButtons();
}

QString GeneratePanel::progressText() const { return progress_label_->text(); }

void GeneratePanel::onStarted(const QString& dir) {
  setRunning(true);
  progress_->setRange(0, 0);  // busy until the first step
  progress_label_->setText(tr("starting %1").arg(dir));
}

void GeneratePanel::onStage(const QString& stage) {
  if (!stage.startsWith(QLatin1String("step "))) progress_label_->setText(stage);
}

void GeneratePanel::onStep(const StepSnapshot& s) {
  progress_->setRange(0, s.steps);
  progress_->setValue(s.step + 1);
  progress_label_->setText(tr("step %1/%2 · %3 s/step · elapsed %4 · ETA %5")
                               .arg(s.step + 1)
                               .arg(s.steps)
                               .arg(s.step_seconds, 0, 'f', 2)
                               .arg(clock_text(s.elapsed_seconds))
                               .arg(clock_text(s.eta_seconds)));
}

void GeneratePanel::onFinished(const QString& state, const QString& message, const QString& dir) {
  setRunning(false);
  if (progress_->maximum() == 0) progress_->setRange(0, 1);
  progress_label_->setText(state == QLatin1String("complete") ? tr("done: %1").arg(dir) : tr("%1: %2").arg(state, message));
}

void GeneratePanel::onFailed(const QString& message, bool out_of_memory, const QString&) {
  setRunning(false);
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_label_->setText((out_of_memory ? tr("out of GPU memory: ") : tr("failed: ")) + message);
}

}  // namespace wanattn
