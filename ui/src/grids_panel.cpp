#include "ui/grids_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "core/render/backdrops.h"
#include "core/render/views.h"
#include "ui/image_convert.h"
#include "ui/map_canvas.h"

namespace wanattn {

const char* to_string(GridKind k) {
  switch (k) {
    case GridKind::Blocks: return "blocks grid";
    case GridKind::BlockSteps: return "one block across steps";
    case GridKind::HeadsSteps: return "heads × steps";
    case GridKind::GlobalMean: return "global mean";
    case GridKind::Tokens: return "tokens side by side";
    case GridKind::Composite: return "colour composite";
  }
  return "?";
}

namespace {
constexpr GridKind kKinds[] = {GridKind::Blocks, GridKind::BlockSteps, GridKind::HeadsSteps,
                               GridKind::GlobalMean, GridKind::Tokens, GridKind::Composite};

// First, middle and last captured step (figure 3's rows), without repeats.
std::vector<int> first_mid_last(int n) {
  std::vector<int> s{0, (n - 1) / 2, n - 1};
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

int columns_of(const render::ComposedGrid& g) {
  int cols = 0;
  for (const auto& r : g.cells)
    if (r.y == g.cells.front().y) ++cols;
  return std::max(1, cols);
}
}  // namespace

GridsPanel::GridsPanel(StudioSelection* selection, QWidget* parent) : QWidget(parent), sel_(selection), task_(this) {
  kind_ = new QComboBox;
  for (GridKind k : kKinds) kind_->addItem(to_string(k), int(k));
  kind_->setToolTip(tr("Which of the papers' figures to lay out"));
  status_ = new QLabel;
  status_->setWordWrap(true);
  canvas_ = new MapCanvas;
  auto* top = new QHBoxLayout;
  top->addWidget(kind_);
  top->addWidget(status_, 1);
  auto* v = new QVBoxLayout(this);
  v->addLayout(top);
  v->addWidget(canvas_, 1);
  live_timer_ = new QTimer(this);
  live_timer_->setSingleShot(true);
  live_timer_->setInterval(400);
  connect(live_timer_, &QTimer::timeout, this, &GridsPanel::rebuild);
  settle_timer_ = new QTimer(this);
  settle_timer_->setSingleShot(true);
  connect(settle_timer_, &QTimer::timeout, this, &GridsPanel::rebuild);
  connect(kind_, &QComboBox::currentIndexChanged, this, [this] { rebuild(); });
  connect(sel_, &StudioSelection::changed, this, [this](int what) {
    // Frames matter to every grid but the mean's and the block-steps' own frames; a hidden
    // panel only notes that it is out of date (rebuild).
    if (what == StudioSelection::Frame && (kind() == GridKind::GlobalMean || kind() == GridKind::BlockSteps)) return;
    // Scrubbing or playing changes the frame many times a second, a slider drag the look,
    // a held arrow key the step: the grid follows once they settle instead of being
    // composed for every state on the way. A new token or run is composed at once.
    if (what & (StudioSelection::Tokens | StudioSelection::Run)) {
      rebuild();
      return;
    }
    settle_timer_->start(what == StudioSelection::Frame ? 400 : 120);
  });
  connect(canvas_, &MapCanvas::clicked, this, [this](QPoint p, Qt::KeyboardModifiers) {
    const auto [row, col] = cellAt(p);
    if (row >= 0) clickCell(row, col);
  });
}

void GridsPanel::setRun(RunPtr run) {
  run_ = std::move(run);
  task_.cancel();  // a grid of the previous run must not land on this one
  shown_ = {};
  canvas_->setImage({});
  rebuild();
}

void GridsPanel::onSliceReady(int, int) {
  if (!live_timer_->isActive()) live_timer_->start();
}

bool GridsPanel::rendering() const { return task_.busy() || settle_timer_->isActive(); }

void GridsPanel::setKind(GridKind k) { kind_->setCurrentIndex(kind_->findData(int(k))); }
GridKind GridsPanel::kind() const { return GridKind(kind_->currentData().toInt()); }

void GridsPanel::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  live_timer_->start();  // re-compose at the new cell size once the resizing settles
}

void GridsPanel::showEvent(QShowEvent* e) {
  QWidget::showEvent(e);
  if (dirty_) rebuild();
}

void GridsPanel::rebuild() {
  const ViewState s = sel_->state();
  if (!run_ || !s.has_token()) {
    task_.cancel();
    return;
  }
  if (!isVisible()) {  // composed when the panel is shown
    task_.cancel();     // and nothing composed for an earlier state may land meanwhile
    dirty_ = true;
    return;
  }
  dirty_ = false;
  const RunPtr run = run_;
  const GridKind kind = this->kind();
  const int width = canvas_->width();
  task_.start(
      [run, s, kind, width] {
        const RunReader& r = *run;
        render::ViewOptions o;
        o.look = s.look;
        o.frame = s.frame;
        // Cells as wide as the panel allows (labels and the colour bar take ~140 pixels),
        // never wider than the video itself.
        const int cols = kind == GridKind::Blocks       ? r.blocks()
                         : kind == GridKind::BlockSteps ? r.steps()
                         : kind == GridKind::HeadsSteps ? r.heads()
                         : kind == GridKind::GlobalMean ? 3
                         : kind == GridKind::Tokens     ? int(s.tokens.size())
                                                        : 1;
        o.cell_width = std::clamp((width - 140) / std::max(1, cols), 48, std::max(48, r.manifest().width));
        const std::vector<int> heads = s.head == kMean ? std::vector<int>{} : std::vector<int>{s.head};
        const int block = s.block == kMean ? std::max(0, r.blocks() / 2) : s.block;
        Shown out;
        out.run = run;
        out.kind = kind;
        out.block = block;
        render::View v;
        switch (kind) {
          case GridKind::Blocks:
            out.row_steps = s.step == kMean ? first_mid_last(r.steps()) : std::vector<int>{s.step};
            v = render::blocks_view(r, s.tokens[0], out.row_steps, heads, o);
            break;
          case GridKind::BlockSteps:
            v = render::block_steps_view(r, s.tokens[0], block, heads, o);
            out.preview_row = render::Backdrops(r).has_previews();
            break;
          case GridKind::HeadsSteps: v = render::heads_steps_view(r, s.tokens[0], block, o); break;
          case GridKind::GlobalMean: v = render::mean_view(r, s.tokens[0], o); break;
          case GridKind::Tokens:
            out.tokens = s.tokens;
            v = render::tokens_view(r, s.tokens, s.selection(0), o);
            break;
          case GridKind::Composite: v = render::composite_view(r, s.tokens, s.selection(0), o); break;
        }
        out.grid = std::move(v.grid);
        out.image = out.grid.image;
        out.title = QString::fromStdString(v.title);
        if (!v.missing.empty()) out.title += QStringLiteral(" · %1 slices not written yet").arg(v.missing.size());
        out.cols = out.grid.cells.empty() ? 0 : columns_of(out.grid);
        out.rows = out.cols ? int(out.grid.cells.size()) / out.cols : 0;
        return out;
      },
      [this](Shown& shown) {
        shown_ = std::move(shown);
        canvas_->setImage(to_qimage(shown_.image));
        status_->setText(shown_.title);
      },
      [this](const QString& error) { status_->setText(error); });
}

std::pair<int, int> GridsPanel::cellAt(QPoint p) const {
  const auto& cells = shown_.grid.cells;
  for (size_t i = 0; i < cells.size(); ++i)
    if (cells[i].contains(cv::Point(p.x(), p.y()))) return {int(i) / shown_.cols, int(i) % shown_.cols};
  return {-1, -1};
}

void GridsPanel::clickCell(int row, int col) {
  if (!run_ || row < 0 || row >= shown_.rows || col < 0 || col >= shown_.cols) return;
  // The grid on screen must be of this run (indices are the store's of the run it shows).
  if (shown_.run != run_) return;
  const ViewState& s = sel_->state();
  const int last_frame = std::max(0, run_->manifest().frames - 1);
  switch (shown_.kind) {
    case GridKind::Blocks: sel_->setAxes(shown_.row_steps.at(size_t(row)), col, s.head); break;
    case GridKind::BlockSteps: {
      sel_->setAxes(col, shown_.block, s.head);
      const int frame_row = row - (shown_.preview_row ? 1 : 0);  // rows: [preview], first frame, last frame
      if (frame_row >= 0) sel_->setFrame(frame_row == 0 ? 0 : last_frame);
      break;
    }
    case GridKind::HeadsSteps: sel_->setAxes(row, shown_.block, col); break;
    case GridKind::GlobalMean:
      sel_->setAxes(kMean, kMean, kMean);
      sel_->setFrame(col == 0 ? 0 : col == 1 ? last_frame / 2 : last_frame);
      break;
    case GridKind::Tokens: {
      // The clicked token becomes the primary one; the others stay chosen.
      auto tokens = shown_.tokens;
      std::rotate(tokens.begin(), tokens.begin() + col, tokens.begin() + col + 1);
      sel_->setTokens(tokens);
      break;
    }
    case GridKind::Composite: break;
  }
}

}  // namespace wanattn
