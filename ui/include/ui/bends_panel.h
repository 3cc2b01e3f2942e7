// Bends: the network-bending dock (docs/bending.md). A list of bends, each with its on/off
// box, and the editor of the one selected; presets for common bends on the chosen word;
// load / save as JSON. Every edit goes at once to the LiveBends shared with the inference
// worker: during a run it applies from the next step (the panel says from which step), and
// the run's manifest records it. "A/B" also generates the unbent run with the same seed, for
// the viewer's side-by-side comparison. UI thread only.
#pragma once
#include <QWidget>
#include <memory>
#include <vector>

#include "model/bend.h"
#include "model/live_bends.h"
#include "ui/inference_worker.h"
#include "ui/run_session.h"
#include "ui/studio_selection.h"

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;
class QToolButton;

namespace wanattn {

class BendEditor;

class BendsPanel : public QWidget {
  Q_OBJECT
 public:
  BendsPanel(StudioSelection* selection, std::shared_ptr<LiveBends> live, QWidget* parent = nullptr);
  void setRun(RunPtr run);

  BendSet bends() const;
  void setBends(const BendSet& set);  // replaces the list (and applies it)
  void addBend(const Bend& bend);     // appends, selects it (and applies)
  bool abEnabled() const;
  QCheckBox* abBox() const { return ab_; }
  std::shared_ptr<LiveBends> live() const { return live_; }
  QListWidget* list() const { return list_; }
  BendEditor* editor() const { return editor_; }
  QString status() const;
  // The presets' names, in the menu's order; preset(i) is a bend on the chosen tokens.
  static QStringList presetNames();
  Bend preset(int i) const;

 public Q_SLOTS:
  void onStep(const wanattn::StepSnapshot& s);
  void onRunEnded();

 Q_SIGNALS:
  void message(QString text);

 private:
  void apply();
  void select(int row);
  void refreshList();
  void editorEdited();
  std::vector<int> chosenTokens() const;
  void updateChosen();

  StudioSelection* sel_;
  std::shared_ptr<LiveBends> live_;
  RunPtr run_;
  std::vector<Bend> bends_;
  int current_ = -1;
  uint64_t applied_version_ = 0;
  int applied_from_step_ = -1;
  bool running_ = false;
  QListWidget* list_;
  BendEditor* editor_;
  QLabel* status_;
  QCheckBox* ab_;
};

}  // namespace wanattn
