#include "ui/jobs_panel.h"

#include <QDateTime>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace wanattn {

JobsPanel::JobsPanel(ExportJobs* jobs, QWidget* parent) : QWidget(parent), jobs_(jobs) {
  tree_ = new QTreeWidget;
  tree_->setColumnCount(4);
  tree_->setHeaderLabels({tr("job"), tr("progress"), tr("state"), tr("file / message")});
  tree_->setRootIsDecorated(false);
  tree_->header()->setSectionResizeMode(3, QHeaderView::Stretch);
  log_ = new QPlainTextEdit;
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(2000);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(tree_);
  split->addWidget(log_);
  auto* v = new QVBoxLayout(this);
  v->addWidget(split);
  connect(jobs_, &ExportJobs::jobAdded, this, &JobsPanel::refresh);
  connect(jobs_, &ExportJobs::jobChanged, this, &JobsPanel::refresh);
  connect(jobs_, &ExportJobs::jobFinished, this, [this](int id) {
    refresh(id);
    if (const ExportJob* j = jobs_->job(id)) log(QStringLiteral("%1 %2: %3").arg(j->name, to_string(j->state), j->message));
  });
}

QString JobsPanel::logText() const { return log_->toPlainText(); }

void JobsPanel::log(const QString& text) {
  log_->appendPlainText(QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), text));
}

void JobsPanel::refresh(int id) {
  const ExportJob* j = jobs_->job(id);
  if (!j) return;
  QTreeWidgetItem*& item = items_[id];
  if (!item) {
    item = new QTreeWidgetItem(tree_);
    auto* bar = new QProgressBar;
    bar->setRange(0, 1000);
    tree_->setItemWidget(item, 1, bar);
    auto* cancel = new QPushButton(tr("cancel"));
    cancel->setFlat(true);
    connect(cancel, &QPushButton::clicked, this, [this, id] { jobs_->cancel(id); });
    tree_->setItemWidget(item, 2, cancel);
  }
  item->setText(0, j->name);
  if (auto* bar = qobject_cast<QProgressBar*>(tree_->itemWidget(item, 1))) bar->setValue(int(j->progress * 1000));
  if (j->state != ExportJob::State::Running) {
    tree_->removeItemWidget(item, 2);
    item->setText(2, to_string(j->state));
    item->setForeground(2, j->state == ExportJob::State::Failed ? QBrush(QColor(200, 40, 40)) : QBrush());
  }
  item->setText(3, j->message.isEmpty() ? j->path : j->message);
  item->setToolTip(3, j->message.isEmpty() ? j->path : j->message);
}

}  // namespace wanattn
