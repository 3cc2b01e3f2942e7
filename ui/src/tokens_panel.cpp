#include "ui/tokens_panel.h"

#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace wanattn {

namespace {
constexpr int kSetRole = Qt::UserRole + 1;

// Manifests written elsewhere may lack fields or hold other types: read defensively.
float token_weight(const RunManifest& m, size_t token) {
  if (!m.generation.is_object()) return 1.0f;
  const auto it = m.generation.find("token_weights");
  if (it == m.generation.end() || !it->is_array() || token >= it->size() || !(*it)[token].is_number()) return 1.0f;
  return (*it)[token].get<float>();
}

bool prompt_weighted(const RunManifest& m) {
  if (!m.generation.is_object()) return false;
  const auto it = m.generation.find("prompt_weighted");
  return it != m.generation.end() && it->is_boolean() && it->get<bool>();
}

bool same(const render::TokenSet& a, const render::TokenSet& b) { return a.tokens == b.tokens && a.padding == b.padding; }
}  // namespace

TokensPanel::TokensPanel(StudioSelection* selection, QWidget* parent) : QWidget(parent), sel_(selection) {
  tree_ = new QTreeWidget;
  tree_->setColumnCount(3);
  tree_->setHeaderLabels({tr("token"), tr("ids"), tr("weight")});
  tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  tree_->setSelectionMode(QAbstractItemView::NoSelection);  // the checkmark column shows the choice
  tree_->setRootIsDecorated(true);
  hint_ = new QLabel(tr("Click a word; ctrl-click adds up to three."));
  hint_->setWordWrap(true);
  auto* v = new QVBoxLayout(this);
  v->addWidget(tree_, 1);
  v->addWidget(hint_);
  connect(tree_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* it, int) { onClicked(it); });
  connect(sel_, &StudioSelection::changed, this, [this](int what) {
    if (what & (StudioSelection::Tokens | StudioSelection::Run)) showSelection();
  });
}

std::vector<render::TokenSet> TokensPanel::defaultTokens(const RunManifest& m, bool has_padding) {
  const auto words = render::word_sets(m);
  if (!words.empty()) return {words.front()};
  try {
    return {render::resolve_token(m, "eos", has_padding)};
  } catch (const std::exception&) {
    return {};  // nothing to show first: the user picks
  }
}

void TokensPanel::setRun(RunPtr run) {
  run_ = std::move(run);
  tree_->clear();
  words_.clear();
  sets_.clear();
  eos_ = padding_ = nullptr;
  if (!run_) return;
  const RunManifest& m = run_->manifest();
  auto add_item = [this](QTreeWidgetItem* item, render::TokenSet set) {
    item->setData(0, kSetRole, int(sets_.size()));
    sets_.push_back(std::move(set));
  };
  // Words in prompt order, each with its stored pieces as children.
  const auto words = render::word_sets(m);
  words_.assign(m.words.size(), nullptr);
  for (const auto& w : words) {
    if (w.word < 0) continue;
    auto* item = new QTreeWidgetItem(tree_);
    item->setText(0, QString::fromStdString(w.label));
    QStringList ids;
    float weight = 1.0f;
    for (int t : w.tokens) {
      ids << QString::number(m.tokens[size_t(t)].id);
      weight = token_weight(m, size_t(t));
      auto* piece = new QTreeWidgetItem(item);
      piece->setText(0, QStringLiteral("“%1”").arg(QString::fromStdString(m.tokens[size_t(t)].piece)));
      piece->setText(1, QString::number(m.tokens[size_t(t)].id));
      piece->setToolTip(0, tr("piece #%1 of the word, its own map").arg(t));
      add_item(piece, render::resolve_token(m, "#" + std::to_string(t), run_->has_padding()));
    }
    item->setText(1, ids.join(' '));
    if (weight != 1.0f) item->setText(2, QString::number(double(weight), 'g', 3));
    item->setToolTip(0, tr("“%1”: %2 piece(s), the word's map is their sum").arg(item->text(0)).arg(w.tokens.size()));
    add_item(item, w);
    words_[size_t(w.word)] = item;
  }
  // EOS among the stored tokens only (a manifest may list more tokens than were captured).
  const size_t stored = std::min(m.tokens.size(), size_t(std::max(0, m.capture.tokens)));
  for (size_t t = 0; t < stored; ++t)
    if (m.tokens[t].word < 0) {
      eos_ = new QTreeWidgetItem(tree_);
      eos_->setText(0, tr("</s> (end of prompt)"));
      eos_->setText(1, QString::number(m.tokens[t].id));
      add_item(eos_, render::resolve_token(m, "eos", run_->has_padding()));
      break;
    }
  if (run_->has_padding()) {
    padding_ = new QTreeWidgetItem(tree_);
    padding_->setText(0, tr("padding (%1 positions)").arg(512 - int(m.tokens.size())));
    padding_->setToolTip(0, tr("The attention mass that went to the 512 − T padding positions"));
    add_item(padding_, render::resolve_token(m, "padding", true));
  }
  const bool weighted = prompt_weighted(m);
  tree_->setColumnHidden(2, !weighted);
  hint_->setText(tr("%1 words, %2 tokens. Click a word; ctrl-click adds up to three.").arg(words.size()).arg(m.tokens.size()));
  showSelection();
}

QTreeWidgetItem* TokensPanel::wordItem(int word) const {
  return word >= 0 && size_t(word) < words_.size() ? words_[size_t(word)] : nullptr;
}

render::TokenSet TokensPanel::tokenSetOf(const QTreeWidgetItem* item) const {
  const QVariant v = item ? item->data(0, kSetRole) : QVariant();
  return v.isValid() ? sets_.at(size_t(v.toInt())) : render::TokenSet{};
}

void TokensPanel::onClicked(QTreeWidgetItem* item) {
  if (!item || !item->data(0, kSetRole).isValid()) return;
  const render::TokenSet set = tokenSetOf(item);
  if (QApplication::keyboardModifiers() & Qt::ControlModifier)
    sel_->toggleToken(set);
  else
    sel_->setTokens({set});
}

// Bold + a marker for the chosen tokens (1., 2., 3.: the composite's red, green, blue).
void TokensPanel::showSelection() {
  const auto& chosen = sel_->state().tokens;
  QTreeWidgetItemIterator it(tree_);
  for (; *it; ++it) {
    QTreeWidgetItem* item = *it;
    const QVariant v = item->data(0, kSetRole);
    if (!v.isValid()) continue;
    const auto& set = sets_[size_t(v.toInt())];
    int rank = -1;
    for (size_t i = 0; i < chosen.size(); ++i)
      if (same(chosen[i], set)) rank = int(i);
    QFont f = item->font(0);
    f.setBold(rank >= 0);
    item->setFont(0, f);
    item->setIcon(0, {});
    static const QColor kColours[] = {QColor(220, 50, 47), QColor(60, 170, 60), QColor(40, 110, 220)};
    item->setForeground(0, rank >= 0 && chosen.size() > 1 ? QBrush(kColours[rank]) : QBrush());
  }
}

}  // namespace wanattn
