// Writes a synthetic run with frames and previews (render_fixture.h), for docs/render.md
// and the CLI checks. `--large` makes one closer to the real shape: 30 blocks, 12 heads,
// 5 steps, a 4 x 15 x 26 latent grid (13 frames of 240 x 416).
#include <cstdio>
#include <cstring>
#include <exception>

#include "render/render_fixture.h"

int main(int argc, char** argv) {
  const bool large = argc == 3 && std::strcmp(argv[2], "--large") == 0;
  if (argc != 2 && !large) {
    std::fprintf(stderr, "usage: wanattn_make_render_run DIR [--large]\n");
    return 2;
  }
  wanattn::test::RenderFixture fx;
  fx.spec.tokens = 6;
  if (large) {
    fx.spec.steps = 5;
    fx.spec.blocks = 30;
    fx.spec.heads = 12;
    fx.spec.frames = 4;
    fx.spec.height = 15;
    fx.spec.width = 26;
  }
  try {
    wanattn::test::write_render_run(argv[1], fx);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wanattn_make_render_run: %s\n", e.what());
    return 1;
  }
  return 0;
}
