#include "ui/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QShortcut>
#include <QStatusBar>
#include <limits>

#include "ui/bends_panel.h"
#include "ui/export_panel.h"
#include "ui/generate_panel.h"
#include "ui/grids_panel.h"
#include "ui/inference_worker.h"
#include "ui/jobs_panel.h"
#include "ui/playback_panel.h"
#include "ui/timeline_panel.h"
#include "ui/tokens_panel.h"
#include "ui/viewer_panel.h"

namespace wanattn {

namespace {
constexpr int kMaxRecent = 10;
const QString kRecentKey = QStringLiteral("studio/recentRuns");
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("wanattn studio"));
  setAcceptDrops(true);
  setDockNestingEnabled(true);
  setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks);

  generate_ = new GeneratePanel;
  tokens_ = new TokensPanel(&sel_);
  viewer_ = new ViewerPanel(&sel_);
  timeline_ = new TimelinePanel(&sel_);
  grids_ = new GridsPanel(&sel_);
  jobs_panel_ = new JobsPanel(&jobs_);
  export_ = new ExportPanel(&sel_, viewer_, grids_, &jobs_);
  playback_ = new PlaybackPanel;
  live_bends_ = std::make_shared<LiveBends>();
  bends_ = new BendsPanel(&sel_, live_bends_);

  addPanel(QStringLiteral("generate"), tr("Generate"), generate_, Qt::LeftDockWidgetArea);
  addPanel(QStringLiteral("tokens"), tr("Tokens"), tokens_, Qt::LeftDockWidgetArea);
  addPanel(QStringLiteral("viewer"), tr("Viewer"), viewer_, Qt::RightDockWidgetArea);
  addPanel(QStringLiteral("grids"), tr("Grids"), grids_, Qt::RightDockWidgetArea);
  addPanel(QStringLiteral("playback"), tr("Playback"), playback_, Qt::RightDockWidgetArea);
  addPanel(QStringLiteral("timeline"), tr("Timeline"), timeline_, Qt::RightDockWidgetArea);
  addPanel(QStringLiteral("export"), tr("Export"), export_, Qt::RightDockWidgetArea);
  addPanel(QStringLiteral("jobs"), tr("Jobs / Log"), jobs_panel_, Qt::RightDockWidgetArea);
  addPanel(QStringLiteral("bends"), tr("Bends"), bends_, Qt::LeftDockWidgetArea);
  // Default layout: Generate over Tokens on the left; on the right the Viewer over the
  // Timeline, beside the Grids (tabbed with Playback) over Export (tabbed with Jobs). Two
  // full-height dock areas and no central widget, so the docks share all the space.
  splitDockWidget(docks_["generate"], docks_["tokens"], Qt::Vertical);
  splitDockWidget(docks_["viewer"], docks_["grids"], Qt::Horizontal);
  splitDockWidget(docks_["viewer"], docks_["timeline"], Qt::Vertical);
  splitDockWidget(docks_["grids"], docks_["export"], Qt::Vertical);
  tabifyDockWidget(docks_["grids"], docks_["playback"]);
  tabifyDockWidget(docks_["export"], docks_["jobs"]);
  tabifyDockWidget(docks_["tokens"], docks_["bends"]);
  docks_["tokens"]->raise();
  docks_["grids"]->raise();
  docks_["export"]->raise();
  resize(1600, 1000);
  resizeDocks({docks_["generate"], docks_["viewer"], docks_["grids"]}, {380, 720, 500}, Qt::Horizontal);
  resizeDocks({docks_["generate"], docks_["tokens"]}, {470, 430}, Qt::Vertical);
  resizeDocks({docks_["viewer"], docks_["timeline"]}, {700, 200}, Qt::Vertical);
  resizeDocks({docks_["grids"], docks_["export"]}, {620, 280}, Qt::Vertical);
  default_state_ = saveState();

  status_run_ = new QLabel(tr("no run"));
  statusBar()->addPermanentWidget(status_run_);
  buildMenus();
  buildShortcuts();
  wireWorker();

  connect(&session_, &RunSession::runChanged, this, &MainWindow::onRunChanged);
  connect(&session_, &RunSession::sliceReady, viewer_, &ViewerPanel::onSliceReady);
  connect(&session_, &RunSession::sliceReady, grids_, &GridsPanel::onSliceReady);
  connect(&session_, &RunSession::progressChanged, this, [this](int ready, int total) {
    status_run_->setText(tr("%1 · %2/%3 slices").arg(session_.health()).arg(ready).arg(total));
  });
  connect(&session_, &RunSession::finished, this, [this](const QString& state) {
    log(tr("run %1: %2").arg(session_.dir(), state));
    updateTitle();
  });
  connect(&session_, &RunSession::error, this, &MainWindow::showError);
  for (QObject* p : {static_cast<QObject*>(viewer_), static_cast<QObject*>(grids_), static_cast<QObject*>(export_),
                     static_cast<QObject*>(playback_), static_cast<QObject*>(generate_), static_cast<QObject*>(bends_)})
    connect(p, SIGNAL(message(QString)), this, SLOT(log(QString)));

  QSettings s;
  restoreGeometry(s.value(QStringLiteral("studio/geometry")).toByteArray());
  restoreState(s.value(QStringLiteral("studio/state")).toByteArray());
}

MainWindow::~MainWindow() {
  if (worker_) worker_->requestCancel(std::numeric_limits<quint64>::max());  // queued requests too
  worker_thread_.quit();
  worker_thread_.wait();
}

QDockWidget* MainWindow::addPanel(const QString& name, const QString& title, QWidget* panel, Qt::DockWidgetArea area) {
  auto* d = new QDockWidget(title, this);
  d->setObjectName(name);  // saveState/restoreState key
  d->setWidget(panel);
  d->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(area, d);
  docks_[name] = d;
  return d;
}

QDockWidget* MainWindow::dock(const QString& name) const {
  const auto it = docks_.find(name);
  return it == docks_.end() ? nullptr : it->second;
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open run…"), QKeySequence::Open, this, [this] {
    const QString d = QFileDialog::getExistingDirectory(this, tr("Open a run folder"), session_.dir());
    if (!d.isEmpty()) openRun(d);
  });
  recent_menu_ = file->addMenu(tr("Recent runs"));
  fillRecentMenu();
  file->addAction(tr("&Close run"), this, [this] { closeRun(); });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  view_menu_ = menuBar()->addMenu(tr("&View"));
  for (const char* name : {"generate", "tokens", "bends", "viewer", "timeline", "grids", "export", "jobs", "playback"})
    view_menu_->addAction(docks_[name]->toggleViewAction());
  view_menu_->addSeparator();
  view_menu_->addAction(tr("Reset layout"), this, &MainWindow::resetLayout);
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("About wanattn"), this, [this] {
    QMessageBox::about(this, tr("About wanattn"),
                       tr("wanattn studio: what Wan2.1 attends to while it generates.\n"
                          "Every cross-attention map of every step, block, head and prompt token."));
  });
}

// ←/→ frame, ↑/↓ step, space play. QShortcut yields to widgets that want the key (a text
// field being edited, a spin box), so typing a prompt never scrubs the video.
void MainWindow::buildShortcuts() {
  auto key = [this](QKeySequence k, auto fn) {
    auto* s = new QShortcut(k, this);
    s->setContext(Qt::WindowShortcut);
    connect(s, &QShortcut::activated, this, fn);
  };
  key(Qt::Key_Left, [this] { timeline_->stepFrame(-1); });
  key(Qt::Key_Right, [this] { timeline_->stepFrame(+1); });
  key(Qt::Key_Up, [this] { timeline_->stepStep(-1); });
  key(Qt::Key_Down, [this] { timeline_->stepStep(+1); });
  key(Qt::Key_Space, [this] { viewer_->togglePlay(); });
}

void MainWindow::wireWorker() {
  worker_ = new InferenceWorker;
  worker_->moveToThread(&worker_thread_);
  connect(&worker_thread_, &QThread::finished, worker_, &QObject::deleteLater);
  worker_thread_.setObjectName(QStringLiteral("inference"));
  worker_thread_.start();
  connect(generate_, &GeneratePanel::generateRequested, this, &MainWindow::startGeneration);
  connect(generate_, &GeneratePanel::cancelRequested, this, [this] { worker_->requestCancel(last_request_id_); });
  connect(worker_, &InferenceWorker::started, generate_, &GeneratePanel::onStarted);
  connect(worker_, &InferenceWorker::started, this, [this](const QString& dir) {
    generating_ = true;
    log(tr("generating into %1").arg(dir));
  });
  connect(worker_, &InferenceWorker::stageChanged, generate_, &GeneratePanel::onStage);
  connect(worker_, &InferenceWorker::stepFinished, generate_, &GeneratePanel::onStep);
  connect(worker_, &InferenceWorker::stepFinished, this, [this](const StepSnapshot& s) {
    // Only onto the run being generated, not onto another one opened meanwhile.
    if (!generating_dir_.isEmpty() && generating_dir_ == session_.dir()) timeline_->setLivePreview(s.step, s.preview);
  });
  connect(worker_, &InferenceWorker::stepFinished, bends_, &BendsPanel::onStep);
  connect(worker_, &InferenceWorker::warning, this, [this](const QString& w) { log(tr("warning: %1").arg(w)); });
  connect(worker_, &InferenceWorker::runCreated, this, [this](const QString& dir) {
    generating_dir_ = dir;
    if (openRun(dir) && dir == ab_bent_dir_) setReference(ab_reference_dir_);
  });
  connect(worker_, &InferenceWorker::finished, generate_, &GeneratePanel::onFinished);
  connect(worker_, &InferenceWorker::finished, this, [this](const QString& state, const QString& message, const QString& dir) {
    generating_ = false;
    bends_->onRunEnded();
    log(tr("generation %1%2").arg(state, message.isEmpty() ? QString() : QStringLiteral(": ") + message));
    if (!dir.isEmpty() && dir == session_.dir()) playback_->setRun(session_.run());  // video.mp4 exists now
  });
  connect(worker_, &InferenceWorker::failed, generate_, &GeneratePanel::onFailed);
  connect(worker_, &InferenceWorker::failed, this, [this](const QString& message, bool oom, const QString& dir) {
    generating_ = false;
    bends_->onRunEnded();
    showError((oom ? tr("Out of GPU memory. ") : tr("Generation failed. ")) + message);
    // What was written before the failure stays readable: show it.
    if (!dir.isEmpty() && dir != session_.dir()) openRun(dir);
  });
}

// Generate: the run with the Bends panel's live set; with A/B on and a bend active, the
// same request without bends first (into RUN-unbent), so the viewer can compare the two.
void MainWindow::startGeneration(GenerateSettings s) {
  s.bends = live_bends_;
  ab_reference_dir_.clear();
  ab_bent_dir_.clear();
  viewer_->setReference(nullptr);
  // The set the worker will actually use (an edit the panel could not apply is not in it).
  if (bends_->abEnabled() && live_bends_->snapshot().set->any_active()) {
    GenerateSettings unbent = s;
    unbent.bends = std::make_shared<LiveBends>();
    unbent.request_id = ++last_request_id_;
    unbent.out_dir = s.out_dir + QStringLiteral("-unbent");
    ab_reference_dir_ = unbent.out_dir;
    ab_bent_dir_ = s.out_dir;
    log(tr("A/B: the unbent run goes to %1").arg(unbent.out_dir));
    QMetaObject::invokeMethod(worker_, [w = worker_, unbent] { w->generate(unbent); }, Qt::QueuedConnection);
  }
  s.request_id = ++last_request_id_;
  QMetaObject::invokeMethod(worker_, [w = worker_, s] { w->generate(s); }, Qt::QueuedConnection);
}

void MainWindow::setReference(const QString& dir) {
  if (dir.isEmpty()) {
    viewer_->setReference(nullptr);
    return;
  }
  try {
    viewer_->setReference(std::make_shared<const RunReader>(RunReader::open(dir.toStdString())));
  } catch (const std::exception& e) {
    showError(tr("A/B reference %1: %2").arg(dir, e.what()));
  }
}

bool MainWindow::openRun(const QString& dir) {
  QString error;
  if (!session_.open(dir, &error)) {
    showError(tr("Cannot open the run %1: %2").arg(dir, error));
    return false;
  }
  rememberRun(dir);
  return true;
}

void MainWindow::closeRun() {
  ab_reference_dir_.clear();
  ab_bent_dir_.clear();
  session_.close();
}

void MainWindow::onRunChanged(RunPtr run, bool same_run) {
  // Never let an exception out of a slot (Qt cannot carry it): a run made elsewhere may have
  // a manifest this code did not expect.
  try {
    if (!same_run) {
      ViewState s;
      if (run) {
        s.tokens = TokensPanel::defaultTokens(run->manifest(), run->has_padding());
        // A finished run opens on its last written step (the most structured maps; a
        // cancelled run's last one); a run still being written on the mean, which grows as
        // slices land.
        if (run->health() != RunHealth::Running)
          for (int st = run->steps() - 1; st >= 0 && s.step == kMean; --st)
            for (int b = 0; b < run->blocks(); ++b)
              if (run->ready(st, b)) {
                s.step = st;
                break;
              }
      }
      // The panels get the new run before they hear about the new selection, so nothing
      // renders the new run's tokens against the old run.
      const QSignalBlocker quiet(&sel_);
      sel_.reset(s);
      // A/B compares the pair just generated; any other run ends the comparison.
      if (!run || QString::fromStdString(run->dir()) != ab_bent_dir_) viewer_->setReference(nullptr);
    }
    tokens_->setRun(run);
    timeline_->setRun(run);
    viewer_->setRun(run);
    grids_->setRun(run);
    export_->setRun(run);
    playback_->setRun(run);
    bends_->setRun(run);
    if (run && !same_run) {
      log(tr("opened %1 (%2)").arg(QString::fromStdString(run->dir()), to_string(run->health())));
      if (run->health() == RunHealth::Interrupted)
        log(tr("this run was interrupted (its writer is gone): the slices written before stay readable"));
    }
  } catch (const std::exception& e) {
    showError(tr("Cannot show the run: %1").arg(e.what()));
  }
  updateTitle();
}

void MainWindow::updateTitle() {
  const RunPtr run = session_.run();
  if (!run) {
    setWindowTitle(tr("wanattn studio"));
    status_run_->setText(tr("no run"));
    return;
  }
  const QString health = to_string(run->health());
  setWindowTitle(tr("wanattn studio — %1 (%2)").arg(QFileInfo(session_.dir()).fileName(), health));
  status_run_->setText(tr("%1 · %2/%3 slices").arg(health).arg(run->ready_count()).arg(run->steps() * run->blocks()));
}

void MainWindow::rememberRun(const QString& dir) {
  QSettings s;
  QStringList recent = s.value(kRecentKey).toStringList();
  const QString abs = QFileInfo(dir).absoluteFilePath();
  recent.removeAll(abs);
  recent.prepend(abs);
  while (recent.size() > kMaxRecent) recent.removeLast();
  s.setValue(kRecentKey, recent);
  fillRecentMenu();
}

QStringList MainWindow::recentRuns() const { return QSettings().value(kRecentKey).toStringList(); }

void MainWindow::fillRecentMenu() {
  recent_menu_->clear();
  const QStringList recent = recentRuns();
  for (const QString& d : recent) recent_menu_->addAction(d, this, [this, d] { openRun(d); });
  recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::resetLayout() {
  restoreState(default_state_);
  for (auto& [name, d] : docks_) d->show();
}

void MainWindow::showError(const QString& text) {
  last_error_ = text;
  log(tr("error: %1").arg(text));
  statusBar()->showMessage(text, 15000);
  // Non-modal: the window keeps working (and a test is never stuck on a dialog).
  auto* box = new QMessageBox(QMessageBox::Warning, tr("wanattn"), text, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setModal(false);
  box->show();
}

void MainWindow::log(const QString& text) { jobs_panel_->log(text); }

void MainWindow::closeEvent(QCloseEvent* e) {
  if (worker_ && worker_->busy()) {
    // The run is cancelled, not lost: the store is marked cancelled with its slices readable.
    log(tr("closing: cancelling the run in progress"));
  }
  if (worker_) worker_->requestCancel(std::numeric_limits<quint64>::max());  // and what is queued
  jobs_.waitAll(30000);
  QSettings s;
  s.setValue(QStringLiteral("studio/geometry"), saveGeometry());
  s.setValue(QStringLiteral("studio/state"), saveState());
  e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
  for (const QUrl& url : e->mimeData()->urls()) {
    const QFileInfo fi(url.toLocalFile());
    // A run folder, or its manifest.json.
    const QString dir = fi.isDir() ? fi.absoluteFilePath() : fi.absolutePath();
    if (openRun(dir)) break;
  }
}

}  // namespace wanattn
