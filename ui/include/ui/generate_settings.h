// What the Generate panel asks for: the form's values, plain data that crosses from the UI
// thread to the inference worker in a queued signal. Unset (0 / negative / empty) numbers
// take the model folder's defaults, as `wanattn generate` does.
#pragma once
#include <QMetaType>
#include <QString>
#include <memory>

#include "model/live_bends.h"

namespace wanattn {

struct GenerateSettings {
  QString model_dir;
  QString device = QStringLiteral("cpu");  // "cuda" or "cpu"
  QString prompt;
  QString negative;
  bool negative_given = false;  // false: the folder's default negative prompt
  quint64 seed = 0;
  int steps = 0;           // 0: the folder's default
  double guidance = -1;    // < 0: default
  double shift = -1;       // < 0: default
  QString sampler;         // "": default; "unipc" | "euler"
  int width = 832, height = 480, frames = 61;
  QString capture = QStringLiteral("all");  // core/capture_spec.h
  QString out_dir;
  bool write_mp4 = true;   // video.mp4 in the run when done
  std::shared_ptr<LiveBends> bends;  // the Bends panel's live set (none: no bends)
  quint64 request_id = 0;            // ascending per window; Cancel covers every id up to the newest
};

}  // namespace wanattn

Q_DECLARE_METATYPE(wanattn::GenerateSettings)
