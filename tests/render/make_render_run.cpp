// Writes a synthetic run with frames and previews (render_fixture.h), for docs/render.md
// and the CLI checks. A directory that already holds a run is replaced.
//   --large    closer to the real shape: 30 blocks, 12 heads, 5 steps, a 4 x 15 x 26 latent
//              grid (13 frames of 240 x 416)
//   --partial  cancelled after the first two steps (a partial run)
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>

#include "render/render_fixture.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: wanattn_make_render_run DIR [--large] [--partial]\n");
    return 2;
  }
  wanattn::test::RenderFixture fx;
  fx.spec.tokens = 6;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--large") == 0) {
      fx.spec.steps = 5;
      fx.spec.blocks = 30;
      fx.spec.heads = 12;
      fx.spec.frames = 4;
      fx.spec.height = 15;
      fx.spec.width = 26;
    } else if (std::strcmp(argv[i], "--partial") == 0) {
      fx.state = wanattn::RunState::Cancelled;
      fx.keep = [](int step, int) { return step < 2; };
    } else {
      std::fprintf(stderr, "wanattn_make_render_run: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  try {
    const std::filesystem::path dir(argv[1]);
    if (std::filesystem::exists(dir / "manifest.json")) std::filesystem::remove_all(dir);
    wanattn::test::write_render_run(argv[1], fx);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wanattn_make_render_run: %s\n", e.what());
    return 1;
  }
  return 0;
}
