// A studio window on a fixture run (render/render_fixture.h), opened and drawn: the start
// of most [gui] tests.
#pragma once
#include <string>

#include "render/render_fixture.h"
#include "support/temp_dir.h"
#include "ui/main_window.h"
#include "ui/ui_support.h"
#include "ui/viewer_panel.h"

namespace wanattn::test {

inline bool viewer_settled(MainWindow& w) { return !w.viewerPanel()->rendering() && !w.viewerPanel()->image().isNull(); }

struct StudioOnRun {
  explicit StudioOnRun(const std::string& tag, RenderFixture f = {}) : tmp(tag), fx(f) {
    isolate_settings(tmp.sub("settings"));
    write_render_run(tmp.sub("run"), fx);
    window.show();
    opened = window.openRun(QString::fromStdString(tmp.sub("run"))) && process_until([&] { return viewer_settled(window); });
  }
  TempDir tmp;
  RenderFixture fx;
  MainWindow window;
  bool opened = false;
};

}  // namespace wanattn::test
