// The studio's window: every panel is a dock (move, close, reopen from View; the layout is
// saved with QSettings, and View → Reset layout brings back the default built here). It
// owns the window-wide state (the selection, the run shown, the export jobs) and the
// inference thread, and wires them: panels never talk to the worker directly.
// UI thread only.
#pragma once
#include <QMainWindow>
#include <QThread>
#include <map>

#include "model/live_bends.h"
#include "ui/export_jobs.h"
#include "ui/generate_settings.h"
#include "ui/run_session.h"
#include "ui/studio_selection.h"

class QDockWidget;
class QLabel;
class QMenu;

namespace wanattn {

class BendsPanel;
class ExportPanel;
class GeneratePanel;
class GridsPanel;
class InferenceWorker;
class JobsPanel;
class PlaybackPanel;
class TimelinePanel;
class TokensPanel;
class ViewerPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a run folder; errors (not a run, damaged) are shown in the window and logged.
  bool openRun(const QString& dir);
  void closeRun();

  StudioSelection* selection() { return &sel_; }
  RunSession* session() { return &session_; }
  ExportJobs* jobs() { return &jobs_; }
  InferenceWorker* worker() const { return worker_; }
  GeneratePanel* generatePanel() const { return generate_; }
  TokensPanel* tokensPanel() const { return tokens_; }
  ViewerPanel* viewerPanel() const { return viewer_; }
  TimelinePanel* timelinePanel() const { return timeline_; }
  GridsPanel* gridsPanel() const { return grids_; }
  ExportPanel* exportPanel() const { return export_; }
  JobsPanel* jobsPanel() const { return jobs_panel_; }
  PlaybackPanel* playbackPanel() const { return playback_; }
  BendsPanel* bendsPanel() const { return bends_; }
  std::shared_ptr<LiveBends> liveBends() const { return live_bends_; }
  // The A/B pair of the last generation with A/B on ("" otherwise).
  QString abReferenceDir() const { return ab_reference_dir_; }
  QDockWidget* dock(const QString& name) const;
  QStringList recentRuns() const;
  QString lastError() const { return last_error_; }

  void resetLayout();
  // Generate as the Generate panel asks, with the live bends (and the A/B reference run).
  void startGeneration(GenerateSettings settings);
  // The viewer's A/B reference: the run at `dir` ("" for none).
  void setReference(const QString& dir);

 public Q_SLOTS:
  void showError(const QString& text);
  void log(const QString& text);

 protected:
  void closeEvent(QCloseEvent* e) override;
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;

 private:
  QDockWidget* addPanel(const QString& name, const QString& title, QWidget* panel, Qt::DockWidgetArea area);
  void buildMenus();
  void buildShortcuts();
  void wireWorker();
  void onRunChanged(RunPtr run, bool same_run);
  void rememberRun(const QString& dir);
  void fillRecentMenu();
  void updateTitle();

  StudioSelection sel_;
  RunSession session_;
  ExportJobs jobs_;
  QThread worker_thread_;
  InferenceWorker* worker_ = nullptr;
  bool generating_ = false;

  GeneratePanel* generate_;
  TokensPanel* tokens_;
  ViewerPanel* viewer_;
  TimelinePanel* timeline_;
  GridsPanel* grids_;
  ExportPanel* export_;
  JobsPanel* jobs_panel_;
  PlaybackPanel* playback_;
  BendsPanel* bends_;
  std::shared_ptr<LiveBends> live_bends_;
  QString ab_reference_dir_, ab_bent_dir_;
  QString generating_dir_;      // the run the worker writes (live previews go there only)
  quint64 last_request_id_ = 0;
  std::map<QString, QDockWidget*> docks_;
  QMenu* view_menu_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QLabel* status_run_ = nullptr;
  QByteArray default_state_;
  QString last_error_;
};

}  // namespace wanattn
