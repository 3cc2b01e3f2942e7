// Tokens: the prompt's words in order, each expandable to its pieces, then EOS and the
// padding mass. Click chooses one (word = the sum of its pieces' maps), ctrl-click adds or
// removes up to three (the composite and side-by-side views); a weighted word shows its
// `(word:1.5)` weight. UI thread only.
#pragma once
#include <QWidget>
#include <vector>

#include "core/render/token_select.h"
#include "ui/run_session.h"
#include "ui/studio_selection.h"

class QTreeWidget;
class QTreeWidgetItem;
class QLabel;

namespace wanattn {

class TokensPanel : public QWidget {
  Q_OBJECT
 public:
  TokensPanel(StudioSelection* selection, QWidget* parent = nullptr);
  void setRun(RunPtr run);

  QTreeWidget* tree() const { return tree_; }
  // The tree item of a word (by index into the manifest's words), of EOS, of padding.
  QTreeWidgetItem* wordItem(int word) const;
  QTreeWidgetItem* eosItem() const { return eos_; }
  QTreeWidgetItem* paddingItem() const { return padding_; }
  // What an item stands for.
  render::TokenSet tokenSetOf(const QTreeWidgetItem* item) const;
  // The default choice for a run: its first word (or EOS when the prompt was empty).
  static std::vector<render::TokenSet> defaultTokens(const RunManifest& m, bool has_padding);

 private:
  void onClicked(QTreeWidgetItem* item);
  void showSelection();

  StudioSelection* sel_;
  RunPtr run_;
  QTreeWidget* tree_;
  QLabel* hint_;
  std::vector<QTreeWidgetItem*> words_;
  QTreeWidgetItem* eos_ = nullptr;
  QTreeWidgetItem* padding_ = nullptr;
  std::vector<render::TokenSet> sets_;  // by item id (Qt::UserRole)
};

}  // namespace wanattn
