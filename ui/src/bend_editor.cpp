#include "ui/bend_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>
#include <QSpinBox>
#include <QStringList>
#include <QToolButton>
#include <QRegularExpression>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "model/bend_check.h"
#include "model/bend_error.h"
#include "model/bend_json.h"

namespace wanattn {

using nlohmann::json;

namespace {

QStringList names(const std::vector<std::string>& v) {
  QStringList l;
  for (const auto& s : v) l << QString::fromStdString(s);
  return l;
}

const char* const kWhere[] = {"steps", "blocks", "heads", "tokens", "neurons"};

// "0.1, 0.2, 0.6, 0.9" -> [0.1, 0.2, 0.6, 0.9]; the parser checks the count and ranges.
json numbers(const QString& text, bool integers) {
  json a = json::array();
  for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
    bool ok = false;
    const double v = part.toDouble(&ok);
    if (!ok) return part.toStdString();  // the parser names the bad value
    if (integers) a.push_back(int(v)); else a.push_back(v);
  }
  return a;
}

}  // namespace

BendEditor::BendEditor(QWidget* parent) : QWidget(parent) {
  label_ = new QLineEdit;
  label_->setPlaceholderText(tr("a name for this bend"));
  enabled_ = new QCheckBox(tr("on"));
  target_ = new QComboBox;
  target_->addItems(names(bend_target_names()));
  target_->setToolTip(tr("cross_attention: a token's map · cross_attention_heads / self_attention: a head's output · "
                         "ffn: hidden neurons after the GELU"));
  op_ = new QComboBox;
  params_ = new QFormLayout;
  strength_ = new QSlider(Qt::Horizontal);
  strength_->setRange(0, 100);
  strength_->setToolTip(tr("0: no effect (bit for bit the unbent run), 1: the operation in full"));
  strength_label_ = new QLabel;
  strength_label_->setMinimumWidth(36);
  for (const char* w : kWhere) {
    auto* e = new QLineEdit;
    e->setPlaceholderText(tr("all"));
    e->setToolTip(tr("indices and ranges, e.g. 0-9,20 or 0-29/3; empty = all"));
    where_[w] = e;
  }
  where_["rect"] = new QLineEdit;
  where_["rect"]->setPlaceholderText(tr("x0, y0, x1, y1 (fractions; empty = whole frame)"));
  where_["frames"] = new QLineEdit;
  where_["frames"]->setPlaceholderText(tr("first, last latent frame (empty = all)"));
  invert_ = new QCheckBox(tr("outside the region"));
  use_tokens_ = new QToolButton;
  use_tokens_->setText(tr("chosen"));
  use_tokens_->setToolTip(tr("The tokens chosen in the Tokens panel"));
  domain_ = new QComboBox;
  domain_->addItems(names(bend_domain_names()));
  domain_->setToolTip(tr("post_softmax: bend the probabilities · pre_softmax: bend the logits, then softmax"));
  renormalize_ = new QCheckBox(tr("renormalise"));
  renormalize_->setToolTip(tr("post-softmax: each row sums to 1 again"));
  passes_ = new QComboBox;
  passes_->addItems(names(bend_passes_names()));
  passes_->setToolTip(tr("cond: the conditional pass only (default) · both: also the unconditional pass"));

  auto* head = new QHBoxLayout;
  head->addWidget(enabled_);
  head->addWidget(label_, 1);
  auto* strength = new QHBoxLayout;
  strength->addWidget(strength_, 1);
  strength->addWidget(strength_label_);
  auto* tokens = new QHBoxLayout;
  tokens->addWidget(where_["tokens"], 1);
  tokens->addWidget(use_tokens_);
  auto* form = new QFormLayout;
  form->addRow(head);
  form->addRow(tr("Target"), target_);
  form->addRow(tr("Operation"), op_);
  form->addRow(params_);
  form->addRow(tr("Strength"), strength);
  form->addRow(tr("Steps"), where_["steps"]);
  form->addRow(tr("Blocks"), where_["blocks"]);
  form->addRow(tr("Heads"), where_["heads"]);
  form->addRow(tr("Tokens"), tokens);
  form->addRow(tr("Neurons"), where_["neurons"]);
  form->addRow(tr("Region"), where_["rect"]);
  form->addRow(tr("Frames"), where_["frames"]);
  form->addRow(QString(), invert_);
  cross_only_ = new QWidget;
  auto* cross = new QHBoxLayout(cross_only_);
  cross->setContentsMargins(0, 0, 0, 0);
  cross->addWidget(domain_);
  cross->addWidget(renormalize_);
  form->addRow(tr("Applied to"), cross_only_);
  form->addRow(tr("Passes"), passes_);
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(0, 0, 0, 0);
  v->addLayout(form);

  auto changed = [this] {
    if (!loading_) Q_EMIT edited();
  };
  connect(label_, &QLineEdit::textEdited, this, changed);
  connect(enabled_, &QCheckBox::toggled, this, changed);
  connect(target_, &QComboBox::currentIndexChanged, this, [this, changed] {
    if (loading_) return;
    fillOps();
    updateVisibility();
    changed();
  });
  connect(op_, &QComboBox::currentIndexChanged, this, [this, changed] {
    if (loading_) return;
    rebuildParams(json::object());
    changed();
  });
  connect(strength_, &QSlider::valueChanged, this, [this, changed](int v) {
    strength_label_->setText(QString::number(v / 100.0, 'f', 2));
    changed();
  });
  for (auto& [name, e] : where_) connect(e, &QLineEdit::editingFinished, this, changed);
  for (QCheckBox* c : {invert_, renormalize_}) connect(c, &QCheckBox::toggled, this, changed);
  for (QComboBox* c : {domain_, passes_}) connect(c, &QComboBox::currentIndexChanged, this, changed);
  connect(use_tokens_, &QToolButton::clicked, this, [this, changed] {
    QStringList l;
    for (int t : chosen_tokens_) l << QString::number(t);
    where_["tokens"]->setText(l.join(','));
    changed();
  });
  setBend(Bend{});
}

QLineEdit* BendEditor::field(const QString& name) const {
  const auto it = where_.find(name);
  return it == where_.end() ? nullptr : it->second;
}

QWidget* BendEditor::paramWidget(const QString& name) const {
  const auto it = param_widgets_.find(name);
  return it == param_widgets_.end() ? nullptr : it->second;
}

void BendEditor::setChosenTokens(const std::vector<int>& tokens, const QString& label) {
  chosen_tokens_ = tokens;
  use_tokens_->setEnabled(!tokens.empty());
  use_tokens_->setToolTip(tokens.empty() ? tr("Choose tokens in the Tokens panel first")
                                         : tr("Use the chosen tokens: %1").arg(label));
}

void BendEditor::fillOps() {
  const QString keep = op_->currentText();
  const QSignalBlocker b(op_);
  op_->clear();
  const auto target = BendTarget(target_->currentIndex());
  for (BendOp o : bend_ops_for(target)) op_->addItem(to_string(o));
  const int i = op_->findText(keep);
  op_->setCurrentIndex(i >= 0 ? i : 0);
  rebuildParams(json::object());
}

// One control per parameter of the chosen operation, with the accepted range.
void BendEditor::rebuildParams(const json& op) {
  while (params_->rowCount() > 0) params_->removeRow(0);
  param_widgets_.clear();
  const auto ops = bend_op_names();
  const auto it = std::find(ops.begin(), ops.end(), op_->currentText().toStdString());
  if (it == ops.end()) return;
  for (const BendParamInfo& p : bend_op_params(BendOp(it - ops.begin()))) {
    const QString name = QString::fromStdString(p.name);
    QWidget* w = nullptr;
    if (p.kind == "choice") {
      auto* c = new QComboBox;
      c->addItems(names(p.choices));
      if (op.contains(p.name)) c->setCurrentText(QString::fromStdString(op[p.name].get<std::string>()));
      connect(c, &QComboBox::currentIndexChanged, this, [this] { if (!loading_) Q_EMIT edited(); });
      w = c;
    } else if (p.kind == "integer") {
      auto* s = new QSpinBox;
      s->setRange(int(p.min), int(p.max));
      s->setValue(op.contains(p.name) ? op[p.name].get<int>() : int(p.default_value));
      connect(s, &QSpinBox::valueChanged, this, [this] { if (!loading_) Q_EMIT edited(); });
      w = s;
    } else {
      auto* s = new QDoubleSpinBox;
      s->setDecimals(3);
      s->setRange(p.min, p.max);
      s->setSingleStep((p.max - p.min) > 100 ? 0.5 : 0.05);
      s->setValue(op.contains(p.name) ? op[p.name].get<double>() : p.default_value);
      connect(s, &QDoubleSpinBox::valueChanged, this, [this] { if (!loading_) Q_EMIT edited(); });
      w = s;
    }
    w->setToolTip(QString::fromStdString(p.help));
    params_->addRow(name, w);
    param_widgets_[name] = w;
  }
}

void BendEditor::updateVisibility() {
  const auto target = BendTarget(target_->currentIndex());
  cross_only_->setEnabled(target == BendTarget::CrossAttention);
  where_["tokens"]->setEnabled(target == BendTarget::CrossAttention);
  use_tokens_->setEnabled(target == BendTarget::CrossAttention && !chosen_tokens_.empty());
  where_["neurons"]->setEnabled(target == BendTarget::Ffn);
  where_["heads"]->setEnabled(target != BendTarget::Ffn);
}

void BendEditor::setBend(const Bend& b) {
  loading_ = true;
  const json j = bend_to_json(b);
  label_->setText(QString::fromStdString(b.label));
  enabled_->setChecked(b.enabled);
  target_->setCurrentIndex(int(b.target));
  fillOps();
  op_->setCurrentText(to_string(b.op));
  rebuildParams(j["op"]);
  strength_->setValue(int(std::lround(b.strength * 100)));
  strength_label_->setText(QString::number(b.strength, 'f', 2));
  for (const char* w : kWhere) {
    const auto* list = w == std::string("steps")    ? &b.where.steps
                       : w == std::string("blocks") ? &b.where.blocks
                       : w == std::string("heads")  ? &b.where.heads
                       : w == std::string("tokens") ? &b.where.tokens
                                                    : &b.where.neurons;
    where_[w]->setText(*list ? QString::fromStdString(index_list_text(*list)) : QString());
  }
  QStringList rect, frames;
  if (b.where.region && b.where.region->rect)
    for (double v : *b.where.region->rect) rect << QString::number(v);
  if (b.where.region && b.where.region->frames)
    for (int v : *b.where.region->frames) frames << QString::number(v);
  where_["rect"]->setText(rect.join(", "));
  where_["frames"]->setText(frames.join(", "));
  invert_->setChecked(b.where.region && b.where.region->invert);
  domain_->setCurrentIndex(int(b.domain));
  renormalize_->setChecked(b.renormalize);
  passes_->setCurrentIndex(int(b.passes));
  updateVisibility();
  loading_ = false;
}

json BendEditor::toJson() const {
  json op = {{"name", op_->currentText().toStdString()}};
  for (const auto& [name, w] : param_widgets_) {
    if (auto* c = qobject_cast<QComboBox*>(w)) op[name.toStdString()] = c->currentText().toStdString();
    else if (auto* s = qobject_cast<QSpinBox*>(w)) op[name.toStdString()] = s->value();
    else if (auto* d = qobject_cast<QDoubleSpinBox*>(w)) op[name.toStdString()] = d->value();
  }
  json where = json::object();
  for (const char* w : kWhere) {
    const QString t = where_.at(w)->text().trimmed();
    if (!t.isEmpty() && where_.at(w)->isEnabled()) where[w] = t.toStdString();
  }
  json region = json::object();
  if (!where_.at("rect")->text().trimmed().isEmpty()) region["rect"] = numbers(where_.at("rect")->text(), false);
  if (!where_.at("frames")->text().trimmed().isEmpty()) region["frames"] = numbers(where_.at("frames")->text(), true);
  if (!region.empty()) {
    region["invert"] = invert_->isChecked();
    where["region"] = region;
  }
  json j = {{"label", label_->text().toStdString()},
            {"enabled", enabled_->isChecked()},
            {"target", target_->currentText().toStdString()},
            {"op", op},
            {"strength", strength_->value() / 100.0},
            {"where", where},
            {"passes", passes_->currentText().toStdString()}};
  if (target_->currentIndex() == int(BendTarget::CrossAttention)) {
    j["domain"] = domain_->currentText().toStdString();
    j["renormalize"] = renormalize_->isChecked();
  }
  return j;
}

Bend BendEditor::bend() const {
  const Bend b = bend_from_json(toJson(), "bend");
  validate_bend(b, "bend");
  return b;
}

}  // namespace wanattn
