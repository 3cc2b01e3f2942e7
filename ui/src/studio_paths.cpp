#include "ui/studio_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include "model/demo_model.h"

namespace wanattn {

QString demo_model_dir() {
  // demo::builtin_model_dir() is $WANATTN_DEMO_MODEL when set, else the source tree's
  // resources/demo (what `wanattn generate` uses too); without the override, an installed
  // copy next to the program comes first.
  QStringList candidates;
  if (qEnvironmentVariableIsEmpty("WANATTN_DEMO_MODEL")) {
    const QString exe = QCoreApplication::applicationDirPath();
    candidates << exe + QStringLiteral("/../share/wanattn/demo") << exe + QStringLiteral("/../resources/demo");
  }
  candidates << QString::fromStdString(demo::builtin_model_dir());
  for (const QString& c : candidates)
    if (QFileInfo::exists(c + QStringLiteral("/model_index.json")) || QFileInfo::exists(c + QStringLiteral("/config.json")))
      return QDir(c).absolutePath();
  return {};
}

}  // namespace wanattn
