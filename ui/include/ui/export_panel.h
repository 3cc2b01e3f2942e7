// Export: the current view or grid as PNG, the overlay / evolution / generated video as
// MP4, the maps as HDF5 (all of them, or the chosen token's only). Each is a background
// job (ExportJobs) listed in the Jobs panel; the buttons ask for a file name, the
// export*() methods take one (tests, scripts). UI thread only.
#pragma once
#include <QWidget>

#include "ui/export_jobs.h"
#include "ui/run_session.h"
#include "ui/studio_selection.h"

class QCheckBox;
class QLabel;
class QSpinBox;

namespace wanattn {

class GridsPanel;
class ViewerPanel;

class ExportPanel : public QWidget {
  Q_OBJECT
 public:
  ExportPanel(StudioSelection* selection, ViewerPanel* viewer, GridsPanel* grids, ExportJobs* jobs,
              QWidget* parent = nullptr);
  void setRun(RunPtr run);

  // Each returns the job id, or 0 with message() emitted when there is nothing to export.
  int exportViewPng(const QString& path);
  int exportGridPng(const QString& path);
  int exportOverlayMp4(const QString& path);
  int exportEvolutionMp4(const QString& path);
  int exportVideoMp4(const QString& path);
  int exportH5(const QString& path, bool chosen_token_only);

 Q_SIGNALS:
  void message(QString text);

 private:
  QString ask(const QString& what, const QString& suggested, const QString& filter);
  QString suggestedName(const QString& kind, const QString& ext) const;
  bool needRun();

  StudioSelection* sel_;
  ViewerPanel* viewer_;
  GridsPanel* grids_;
  ExportJobs* jobs_;
  RunPtr run_;
  QCheckBox* captions_;
  QSpinBox* fps_;
  QLabel* status_;
};

}  // namespace wanattn
