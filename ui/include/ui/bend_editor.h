// BendEditor: the form for one bend — label, enable, target, operation with its parameters
// (controls made from bend_op_params(), so every operation the model layer knows has its
// form), strength, where (steps, blocks, heads, tokens, neurons as range text, an optional
// region), and the cross-attention switches. The form reads and writes the bend's JSON, so
// the model layer's strict parser checks it and its messages name the field at fault.
// UI thread only.
#pragma once
#include <QWidget>
#include <map>
#include <nlohmann/json.hpp>

#include "model/bend.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSlider;
class QToolButton;

namespace wanattn {

class BendEditor : public QWidget {
  Q_OBJECT
 public:
  explicit BendEditor(QWidget* parent = nullptr);

  void setBend(const Bend& bend);
  // The form as a bend; throws BendError naming the field when a value is malformed.
  Bend bend() const;
  // The chosen tokens' indices for "use the chosen tokens" (set by the Bends panel).
  void setChosenTokens(const std::vector<int>& tokens, const QString& label);

  QComboBox* targetBox() const { return target_; }
  QComboBox* opBox() const { return op_; }
  QSlider* strengthSlider() const { return strength_; }
  QLineEdit* field(const QString& name) const;  // "steps", "blocks", "heads", "tokens", "neurons", "rect", "frames"
  QWidget* paramWidget(const QString& name) const;  // an operation parameter's control

 Q_SIGNALS:
  void edited();  // any change a person made

 private:
  void fillOps();
  void rebuildParams(const nlohmann::json& op);
  nlohmann::json toJson() const;
  void updateVisibility();

  bool loading_ = false;
  std::vector<int> chosen_tokens_;
  QLineEdit* label_;
  QCheckBox* enabled_;
  QComboBox *target_, *op_, *domain_, *passes_;
  QFormLayout* params_;
  std::map<QString, QWidget*> param_widgets_;
  QSlider* strength_;
  QLabel* strength_label_;
  std::map<QString, QLineEdit*> where_;
  QToolButton* use_tokens_;
  QCheckBox *invert_, *renormalize_;
  QWidget* cross_only_;
};

}  // namespace wanattn
