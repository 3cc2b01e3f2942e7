// Jobs / Log: every export job with its progress, state and message (a failed job's error
// stays visible), and a log of what the studio had to say (warnings, errors, runs
// finished), newest last. UI thread only.
#pragma once
#include <QWidget>
#include <map>

#include "ui/export_jobs.h"

class QPlainTextEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace wanattn {

class JobsPanel : public QWidget {
  Q_OBJECT
 public:
  JobsPanel(ExportJobs* jobs, QWidget* parent = nullptr);
  QTreeWidget* jobsTree() const { return tree_; }
  QString logText() const;

 public Q_SLOTS:
  void log(const QString& text);

 private:
  void refresh(int id);

  ExportJobs* jobs_;
  QTreeWidget* tree_;
  QPlainTextEdit* log_;
  std::map<int, QTreeWidgetItem*> items_;
};

}  // namespace wanattn
