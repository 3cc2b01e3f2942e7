// What the studio's generation tests share: the pipeline tests' tiny diffusers model
// (WANATTN_PIPELINE_FIXTURES, written by ctest's pipeline_reference fixture) and a Generate
// form filled for it.
#pragma once
#include <QString>
#include <filesystem>
#include <string>

#include "ui/generate_panel.h"
#include "ui/ui_support.h"
#include "catch_compat.h"

namespace wanattn::test {

inline const std::filesystem::path kTinyModel = std::filesystem::path(WANATTN_PIPELINE_FIXTURES) / "unipc_cfg" / "model";

// The tiny model at 48 x 32, 9 frames, `steps` steps, into `out`; waits for the folder check.
inline void fill_generate_form(GeneratePanel* g, const std::string& out, int steps) {
  g->setModelDir(QString::fromStdString(kTinyModel.string()));
  g->setPrompt(QStringLiteral("A cat dances in the rain, cinematic."));
  g->setSize(48, 32, 9);
  g->setSteps(steps);
  g->setOutputDir(QString::fromStdString(out));
  REQUIRE(process_until([&] { return !g->probing(); }));
}

}  // namespace wanattn::test
