#include "ui/bends_panel.h"

#include <QCheckBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>

#include "model/bend_error.h"
#include "model/bend_json.h"
#include "ui/bend_editor.h"

namespace wanattn {

namespace {

struct Preset {
  const char* name;
  const char* json;  // a bend without tokens: the chosen ones are filled in
};

// Starting points an artist reaches for (the seed paper's operations on a word's map, and
// the head and neuron bends); every value can be edited afterwards.
const Preset kPresets[] = {
    {"amplify the chosen word ×3 (middle blocks)",
     R"({"target": "cross_attention", "op": {"name": "scale", "factor": 3}, "where": {"blocks": "10-19"}, "renormalize": true})"},
    {"silence the chosen word", R"({"target": "cross_attention", "op": {"name": "zero"}})"},
    {"move the chosen word to the right",
     R"({"target": "cross_attention", "op": {"name": "translate", "dx": 8, "padding": "zeros"}, "domain": "pre_softmax"})"},
    {"rotate the chosen word 30°",
     R"({"target": "cross_attention", "op": {"name": "rotate", "degrees": 30, "padding": "border"}, "domain": "pre_softmax"})"},
    {"blur the chosen word", R"({"target": "cross_attention", "op": {"name": "blur", "sigma": 3}})"},
    {"the chosen word only in the left half",
     R"({"target": "cross_attention", "op": {"name": "mask"}, "where": {"region": {"rect": [0, 0, 0.5, 1]}}, "renormalize": true})"},
    {"hotter self-attention (first blocks)",
     R"({"target": "self_attention", "op": {"name": "temperature", "temperature": 2}, "where": {"blocks": "0-4"}})"},
    {"silence self-attention heads 0-3 (block 15)",
     R"({"target": "self_attention", "op": {"name": "zero"}, "where": {"blocks": [15], "heads": "0-3"}})"},
    {"silence FFN neurons 0-511 (block 15)",
     R"({"target": "ffn", "op": {"name": "zero"}, "where": {"blocks": [15], "neurons": "0-511"}})"},
};

}  // namespace

BendsPanel::BendsPanel(StudioSelection* selection, std::shared_ptr<LiveBends> live, QWidget* parent)
    : QWidget(parent), sel_(selection), live_(std::move(live)) {
  list_ = new QListWidget;
  list_->setToolTip(tr("Bends apply in this order; the box switches one off"));
  editor_ = new BendEditor;
  status_ = new QLabel(tr("no bends: the run is the model's own"));
  status_->setWordWrap(true);
  ab_ = new QCheckBox(tr("A/B: also generate the unbent run (same seed)"));
  auto* add = new QToolButton;
  add->setText(tr("+"));
  add->setToolTip(tr("Add a bend (scale the chosen word)"));
  auto* dup = new QToolButton;
  dup->setText(tr("duplicate"));
  auto* remove = new QToolButton;
  remove->setText(tr("−"));
  remove->setToolTip(tr("Remove the selected bend"));
  auto* presets = new QToolButton;
  presets->setText(tr("presets"));
  presets->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(presets);
  const QStringList names = presetNames();
  for (int i = 0; i < names.size(); ++i) menu->addAction(names[i], this, [this, i] { addBend(preset(i)); });
  presets->setMenu(menu);
  auto* load = new QToolButton;
  load->setText(tr("load…"));
  auto* save = new QToolButton;
  save->setText(tr("save…"));
  auto* buttons = new QHBoxLayout;
  for (QToolButton* b : {add, dup, remove, presets, load, save}) buttons->addWidget(b);
  buttons->addStretch();
  auto* v = new QVBoxLayout(this);
  v->addLayout(buttons);
  v->addWidget(list_, 1);
  v->addWidget(editor_, 3);
  v->addWidget(ab_);
  v->addWidget(status_);

  connect(add, &QToolButton::clicked, this, [this] {
    Bend b;
    b.label = tr("bend %1").arg(bends_.size() + 1).toStdString();
    b.where.tokens = chosenTokens();
    if (b.where.tokens->empty()) b.where.tokens.reset();
    addBend(b);
  });
  connect(dup, &QToolButton::clicked, this, [this] {
    if (current_ >= 0) addBend(bends_[size_t(current_)]);
  });
  connect(remove, &QToolButton::clicked, this, [this] {
    if (current_ < 0) return;
    bends_.erase(bends_.begin() + current_);
    current_ = std::min(current_, int(bends_.size()) - 1);
    refreshList();
    apply();
  });
  connect(load, &QToolButton::clicked, this, [this] {
    const QString p = QFileDialog::getOpenFileName(this, tr("Load bends"), QString(), tr("Bends (*.json)"));
    if (p.isEmpty()) return;
    try {
      setBends(load_bend_set(p.toStdString()));
    } catch (const std::exception& e) {
      Q_EMIT message(QString::fromStdString(e.what()));
    }
  });
  connect(save, &QToolButton::clicked, this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, tr("Save bends"), QStringLiteral("bends.json"), tr("Bends (*.json)"));
    if (p.isEmpty()) return;
    QFile f(p);
    if (!f.open(QIODevice::WriteOnly) || f.write(QByteArray::fromStdString(bend_set_to_json(bends()).dump(2) + "\n")) < 0)
      Q_EMIT message(tr("cannot write %1: %2").arg(p, f.errorString()));
  });
  connect(list_, &QListWidget::currentRowChanged, this, [this](int row) { select(row); });
  connect(list_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
    const int row = list_->row(item);
    if (row < 0 || size_t(row) >= bends_.size()) return;
    const bool on = item->checkState() == Qt::Checked;
    if (bends_[size_t(row)].enabled == on) return;
    bends_[size_t(row)].enabled = on;
    if (row == current_) editor_->setBend(bends_[size_t(row)]);
    apply();
  });
  connect(editor_, &BendEditor::edited, this, &BendsPanel::editorEdited);
  connect(sel_, &StudioSelection::changed, this, [this](int what) {
    if (what & (StudioSelection::Tokens | StudioSelection::Run)) updateChosen();
  });
  editor_->setEnabled(false);
}

QStringList BendsPanel::presetNames() {
  QStringList l;
  for (const auto& p : kPresets) l << QString::fromUtf8(p.name);
  return l;
}

Bend BendsPanel::preset(int i) const {
  Bend b = bend_from_json(nlohmann::json::parse(kPresets[i].json), "preset");
  b.label = kPresets[i].name;
  if (b.target == BendTarget::CrossAttention) {
    const auto tokens = chosenTokens();
    if (!tokens.empty()) b.where.tokens = tokens;
  }
  return b;
}

std::vector<int> BendsPanel::chosenTokens() const {
  std::vector<int> out;
  for (const auto& t : sel_->state().tokens)
    if (!t.padding) out.insert(out.end(), t.tokens.begin(), t.tokens.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void BendsPanel::setRun(RunPtr run) {
  run_ = std::move(run);
  updateChosen();
}

void BendsPanel::updateChosen() {
  QStringList labels;
  for (const auto& t : sel_->state().tokens) labels << QString::fromStdString(t.label);
  editor_->setChosenTokens(chosenTokens(), labels.join(", "));
}

BendSet BendsPanel::bends() const { return BendSet{bends_}; }
bool BendsPanel::abEnabled() const { return ab_->isChecked(); }
QString BendsPanel::status() const { return status_->text(); }

void BendsPanel::setBends(const BendSet& set) {
  bends_ = set.bends;
  current_ = bends_.empty() ? -1 : 0;
  refreshList();
  apply();
}

void BendsPanel::addBend(const Bend& bend) {
  bends_.push_back(bend);
  current_ = int(bends_.size()) - 1;
  refreshList();
  apply();
}

void BendsPanel::refreshList() {
  const QSignalBlocker b(list_);
  list_->clear();
  for (const Bend& bend : bends_) {
    auto* item = new QListWidgetItem(QString::fromStdString(bend.label.empty() ? bend_summary(bend) : bend.label));
    item->setToolTip(QString::fromStdString(bend_summary(bend)));
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(bend.enabled ? Qt::Checked : Qt::Unchecked);
    list_->addItem(item);
  }
  list_->setCurrentRow(current_);
  select(current_);
}

void BendsPanel::select(int row) {
  current_ = row;
  editor_->setEnabled(row >= 0);
  if (row >= 0 && size_t(row) < bends_.size()) editor_->setBend(bends_[size_t(row)]);
}

void BendsPanel::editorEdited() {
  if (current_ < 0) return;
  try {
    bends_[size_t(current_)] = editor_->bend();
  } catch (const std::exception& e) {
    status_->setText(tr("not applied: %1").arg(e.what()));  // the set in use stays as it was
    return;
  }
  if (QListWidgetItem* item = list_->item(current_)) {
    const QSignalBlocker b(list_);
    const Bend& bend = bends_[size_t(current_)];
    item->setText(QString::fromStdString(bend.label.empty() ? bend_summary(bend) : bend.label));
    item->setToolTip(QString::fromStdString(bend_summary(bend)));
    item->setCheckState(bend.enabled ? Qt::Checked : Qt::Unchecked);
  }
  apply();
}

// The whole list goes to the worker as one immutable set; a run in progress takes it at the
// start of its next step.
void BendsPanel::apply() {
  try {
    applied_version_ = live_->set(bends());
    applied_from_step_ = -1;
  } catch (const BendError& e) {
    status_->setText(tr("not applied: %1").arg(e.what()));
    return;
  }
  int active = 0;
  for (const Bend& b : bends_) active += b.active();
  status_->setText(active == 0 ? tr("no active bends: the run is the model's own")
                   : running_  ? tr("%1 active bend(s): applies from the next step").arg(active)
                               : tr("%1 active bend(s): applied to the next run").arg(active));
}

void BendsPanel::onStep(const StepSnapshot& s) {
  running_ = true;
  const bool active = std::any_of(bends_.begin(), bends_.end(), [](const Bend& b) { return b.active(); });
  if (active && s.bends_version >= applied_version_ && applied_from_step_ < 0) {
    applied_from_step_ = s.step;
    status_->setText(tr("the bends (version %1) applied from step %2").arg(applied_version_).arg(s.step));
  }
}

void BendsPanel::onRunEnded() {
  running_ = false;
  applied_from_step_ = -1;  // the next run takes the set from its first step
}

}  // namespace wanattn
