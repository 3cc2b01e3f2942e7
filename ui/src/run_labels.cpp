#include "ui/run_labels.h"

#include <cmath>

namespace wanattn {

QString step_label(const RunManifest& m, int s) {
  const int model_step = m.capture.steps.at(size_t(s));
  const auto& ts = m.generation.find("timesteps");
  if (ts != m.generation.end() && ts->is_array() && size_t(model_step) < ts->size() && (*ts)[size_t(model_step)].is_number())
    return QStringLiteral("step %1 · t %2").arg(model_step).arg(std::lround((*ts)[size_t(model_step)].get<double>()));
  return QStringLiteral("step %1").arg(model_step);
}

QString block_label(const RunManifest& m, int b) { return QStringLiteral("block %1").arg(m.capture.blocks.at(size_t(b))); }

QString head_label(const RunManifest& m, int h) {
  if (m.capture.head_mode == "mean") return QStringLiteral("mean of %1 heads").arg(m.capture.model_heads);
  return QStringLiteral("head %1").arg(h);
}

QStringList step_labels(const RunManifest& m) {
  QStringList l{QStringLiteral("mean")};
  for (size_t s = 0; s < m.capture.steps.size(); ++s) l << step_label(m, int(s));
  return l;
}

QStringList block_labels(const RunManifest& m) {
  QStringList l{QStringLiteral("mean")};
  for (size_t b = 0; b < m.capture.blocks.size(); ++b) l << block_label(m, int(b));
  return l;
}

QStringList head_labels(const RunManifest& m) {
  QStringList l{QStringLiteral("mean")};
  if (m.capture.head_mode == "mean") return l;
  for (int h = 0; h < m.capture.heads; ++h) l << head_label(m, h);
  return l;
}

int video_fps(const RunManifest& m) {
  const auto it = m.generation.find("fps");
  return it != m.generation.end() && it->is_number_integer() ? it->get<int>() : 16;
}

}  // namespace wanattn
