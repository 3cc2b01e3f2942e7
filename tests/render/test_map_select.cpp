// Token resolution and map selection on synthetic runs with known maps.
#include <cmath>

#include "core/half.h"
#include "core/render/map_select.h"
#include "core/render/render_error.h"
#include "core/render/temporal.h"
#include "render/render_fixture.h"
#include "support/temp_dir.h"
#include "catch_compat.h"

using namespace wanattn;
using namespace wanattn::render;
using wanattn::test::SyntheticSpec;

namespace {

// 8 tokens over the 5 words "a red circle moves left": tokens 5 and 6 are second pieces of
// "a" and "red" (synthetic_manifest assigns word t % 5), token 7 is EOS.
SyntheticSpec eight_tokens() {
  SyntheticSpec s;
  s.tokens = 8;
  return s;
}

float stored(const SyntheticSpec& s, int step, int block, int head, int token, int f, int y, int x) {
  return half_to_float(float_to_half(test::synthetic_value(s, step, block, head, token, f, y, x)));
}

}  // namespace

TEST_CASE("tokens resolve from words, pieces, indices, EOS and padding", "[fast][render]") {
  const auto m = test::synthetic_manifest(eight_tokens());
  CHECK(resolve_token(m, "red", true).tokens == std::vector<int>{1, 6});
  CHECK(resolve_token(m, "RED,", true).tokens == std::vector<int>{1, 6});
  CHECK(resolve_token(m, "circle", true).tokens == std::vector<int>{2});
  CHECK(resolve_token(m, "#6", true).tokens == std::vector<int>{6});
  CHECK(resolve_token(m, "piece:moves", true).tokens == std::vector<int>{3});
  CHECK(resolve_token(m, "eos", true).tokens == std::vector<int>{7});
  CHECK(resolve_token(m, "</s>", true).label == "</s>");
  CHECK(resolve_token(m, "padding", true).padding);
  CHECK(word_sets(m).size() == 6);  // five words and EOS

  try {
    resolve_token(m, "kiss", true);
    FAIL("an unknown word must throw");
  } catch (const RenderError& e) {
    CHECK(e.kind() == RenderErrorKind::BadSelection);
    CHECK_THAT(std::string(e.what()), ContainsSubstring("'kiss'") && ContainsSubstring("circle"));
  }
  CHECK_THROWS_AS(resolve_token(m, "#8", true), RenderError);
  CHECK_THROWS_AS(resolve_token(m, "padding", false), RenderError);
  CHECK_THROWS_AS(resolve_token(m, "red@2", true), RenderError);
}

TEST_CASE("one slice reads the stored map, means average slices and heads", "[fast][render]") {
  test::TempDir dir("render-map");
  const SyntheticSpec s = eight_tokens();
  test::write_render_run(dir.str(), {s});
  const RunReader run = RunReader::open(dir.str());

  const LatentMap one = compute_map(run, {resolve_token(run.manifest(), "#2", true), {1}, {3}, {1}});
  REQUIRE(one.values.size() == size_t(s.frames * s.height * s.width));
  CHECK(one.slices == 1);
  CHECK(one.values[(size_t(2) * s.height + 4) * s.width + 5] == stored(s, 1, 3, 1, 2, 2, 4, 5));

  // Head mean (head_mean.npy) of step 0, block 0 at one position.
  const LatentMap hm = compute_map(run, {resolve_token(run.manifest(), "#2", true), {0}, {0}, {}});
  const float expect = (stored(s, 0, 0, 0, 2, 0, 1, 1) + stored(s, 0, 0, 1, 2, 0, 1, 1)) / 2;
  CHECK(hm.values[size_t(1) * s.width + 1] == Approx(expect).epsilon(2e-3));

  // Mean over two blocks of head 0.
  const LatentMap mb = compute_map(run, {resolve_token(run.manifest(), "#0", true), {2}, {0, 1}, {0}});
  CHECK(mb.slices == 2);
  CHECK(mb.values[7] == Approx((stored(s, 2, 0, 0, 0, 0, 0, 7) + stored(s, 2, 1, 0, 0, 0, 0, 7)) / 2));
}

TEST_CASE("a word's map is the sum of its pieces' maps", "[fast][render]") {
  test::TempDir dir("render-word");
  const SyntheticSpec s = eight_tokens();
  test::write_render_run(dir.str(), {s});
  const RunReader run = RunReader::open(dir.str());
  const auto& m = run.manifest();
  for (const std::vector<int>& heads : {std::vector<int>{}, std::vector<int>{1}}) {
    const LatentMap word = compute_map(run, {resolve_token(m, "red", true), {1}, {}, heads});
    const LatentMap p1 = compute_map(run, {resolve_token(m, "#1", true), {1}, {}, heads});
    const LatentMap p2 = compute_map(run, {resolve_token(m, "#6", true), {1}, {}, heads});
    for (size_t i = 0; i < word.values.size(); ++i) CHECK(word.values[i] == Approx(p1.values[i] + p2.values[i]));
  }
  // The global mean (token_mean.npy) of a word is the sum too.
  const LatentMap all = compute_map(run, {resolve_token(m, "red", true), {}, {}, {}});
  const LatentMap a = compute_map(run, {resolve_token(m, "#1", true), {}, {}, {}});
  const LatentMap b = compute_map(run, {resolve_token(m, "#6", true), {}, {}, {}});
  CHECK(all.values[11] == Approx(a.values[11] + b.values[11]));
}

TEST_CASE("partial runs: means skip missing slices and say which, nothing written is an error", "[fast][render]") {
  test::TempDir dir("render-partial");
  test::RenderFixture fx;
  fx.state = RunState::Cancelled;
  fx.keep = [](int step, int block) { return step == 0 && block < 2; };
  test::write_render_run(dir.str(), fx);
  const RunReader run = RunReader::open(dir.str());
  const TokenSet cat = resolve_token(run.manifest(), "circle", true);

  const LatentMap m = compute_map(run, {cat, {0}, {}, {}});
  CHECK(m.slices == 2);
  CHECK(m.missing.size() == 2);
  try {
    compute_map(run, {cat, {2}, {3}, {}});
    FAIL("a missing slice must throw");
  } catch (const RenderError& e) {
    CHECK(e.kind() == RenderErrorKind::MissingData);
    CHECK_THAT(std::string(e.what()), ContainsSubstring(dir.str()) && ContainsSubstring("step 4 block 3"));
  }
  CHECK_THROWS_AS(compute_map(run, {cat, {5}, {0}, {}}), RenderError);   // step out of range
  CHECK_THROWS_AS(compute_map(run, {cat, {0}, {0}, {9}}), RenderError);  // head out of range
  CHECK(store_step(run.manifest(), 4) == 2);
  CHECK_THROWS_AS(store_step(run.manifest(), 3), RenderError);  // not captured (every other step)
}

TEST_CASE("video frames map to Wan's latent frames", "[fast][render]") {
  CHECK(video_frames_for(16) == 61);
  CHECK(latent_for_frame(0, 16, TemporalMode::Nearest).first == 0);
  for (int f = 1; f < 16; ++f)
    for (int i = 4 * f - 3; i <= 4 * f; ++i) CHECK(latent_for_frame(i, 16, TemporalMode::Nearest).first == f);
  CHECK(latent_for_frame(1000, 16, TemporalMode::Nearest).first == 15);
  // Linear: exact at the centres (frame 0; 4f - 1.5 lies between frames), halfway between.
  const auto a = latent_for_frame(2, 16, TemporalMode::Linear);  // centres 0 and 2.5
  CHECK(a.first == 0);
  CHECK(a.second == 1);
  CHECK(a.weight == Approx(0.8));
  const auto b = latent_for_frame(4, 16, TemporalMode::Linear);  // centres 2.5 and 6.5
  CHECK(b.first == 1);
  CHECK(b.weight == Approx(1.5 / 4.0));
  CHECK(latent_for_frame(60, 16, TemporalMode::Linear).first == 15);
  CHECK(first_frame_of(3) == 9);
}
