#include "ui/studio_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace wanattn {

QString demo_model_dir() {
  const QString env = qEnvironmentVariable("WANATTN_DEMO_MODEL");
  if (!env.isEmpty()) return QFileInfo(env).isDir() ? QDir(env).absolutePath() : QString();
  const QString exe = QCoreApplication::applicationDirPath();
  const QStringList candidates{exe + QStringLiteral("/../share/wanattn/demo"), exe + QStringLiteral("/../resources/demo"),
                               QStringLiteral(WANATTN_SOURCE_DIR "/resources/demo")};
  for (const QString& c : candidates)
    if (QFileInfo::exists(c + QStringLiteral("/model_index.json")) || QFileInfo::exists(c + QStringLiteral("/config.json")))
      return QDir(c).absolutePath();
  return {};
}

}  // namespace wanattn
