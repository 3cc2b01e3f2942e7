// The demo model's world (docs/demo-model.md): the caption grammar, the seeded scene sampler
// and its held-out combinations, the tokenizer trained on the grammar, the renderer, the
// fixed latent encoder, and the detector the model tests judge generated videos with —
// checked here against ground truth, so that a model test failing means the model failed.
#include <torch/torch.h>

#include <algorithm>
#include <set>

#include "model/demo_detector.h"
#include "model/demo_latent_encoder.h"
#include "model/demo_render.h"
#include "model/demo_scene.h"
#include "model/demo_tokenizer.h"
#include "model/t5_tokenizer.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
using namespace wanattn::demo;

TEST_CASE("demo captions: grammar round trip, held-out pairs never sampled, seeded", "[fast]") {
  Rng rng(7);
  std::set<std::string> pairs;
  int objects = 0, unnamed = 0, several = 0, shared_colour = 0;
  for (int i = 0; i < 2000; ++i) {
    const Scene s = sample_scene(rng);
    REQUIRE(!s.objects.empty());
    REQUIRE(s.objects.size() <= 3);
    std::vector<ObjectSpec> specs;
    std::set<Colour> colours;
    std::set<std::pair<Colour, Shape>> kinds;
    for (const auto& o : s.objects) {
      specs.push_back(o.spec);
      colours.insert(o.spec.colour);
      kinds.insert({o.spec.colour, o.spec.shape});
      CHECK(!is_held_out(o.spec.colour, o.spec.shape));
      CHECK(motion_allowed(o.spec.shape, o.spec.motion));
      pairs.insert(std::string(name(o.spec.colour)) + " " + name(o.spec.shape));
      ++objects;
      if (!o.spec.colour_named) {
        ++unnamed;
        // Only an object whose shape is alone in the scene goes without its colour.
        CHECK(std::count_if(s.objects.begin(), s.objects.end(), [&](const SceneObject& p) { return p.spec.shape == o.spec.shape; }) == 1);
      }
    }
    CHECK(kinds.size() == s.objects.size());  // no two objects the caption could not tell apart
    several += s.objects.size() > 1;
    shared_colour += colours.size() < s.objects.size();
    const bool round_trip = parse_caption(s.caption()) == specs;  // an unnamed colour is not compared (c10 streams vectors, not ObjectSpec)
    CHECK(round_trip);
  }
  CHECK(pairs.size() == 6 * 4 - held_out_combinations().size());  // every other pair is shown
  CHECK(objects > 2800);  // ~1.45 drawn per scene: big objects find no room at times
  CHECK(unnamed > objects / 8);     // ~20 % of the objects with a shape of their own
  CHECK(unnamed < objects / 4);
  CHECK(shared_colour > several / 5);  // ~35 % of a later object's colours are taken from one already there
  CHECK(shared_colour < several / 2);

  Rng a(99), b(99);
  CHECK(sample_scene(a).caption() == sample_scene(b).caption());
  CHECK(parse_caption("A  Green triangle MOVES right").front() == ObjectSpec{Colour::Green, Shape::Triangle, Motion::Right});
  CHECK_THROWS_WITH(parse_caption("a green dog moves left"), ContainsSubstring("expected a shape at word 3 ('dog')"));
  CHECK_THROWS_WITH(parse_caption("a red circle moves left but"), ContainsSubstring("'and' or the end"));
  CHECK_THROWS_WITH(parse_caption("a dog moves left"), ContainsSubstring("expected a colour or a shape at word 2 ('dog')"));
  const auto bare = parse_caption("a star grows and a red star spins");
  CHECK_FALSE(bare[0].colour_named);
  CHECK(bare[0].shape == Shape::Star);
  CHECK(bare[1].colour_named);
  CHECK(caption(bare) == "a star grows and a red star spins");
  CHECK(bare[0] == ObjectSpec{Colour::Blue, Shape::Star, Motion::Grows, false});  // no colour said: any compares equal
  CHECK_FALSE(bare[1] == ObjectSpec{Colour::Blue, Shape::Star, Motion::Spins});
  // Both new chances at 0: the world of stages 3-6 (distinct colours, every colour named).
  SceneOptions before;
  before.same_colour = before.unnamed_colour = 0;
  Rng old(11);
  for (int i = 0; i < 300; ++i) {
    const Scene s = sample_scene(old, before);
    std::set<Colour> colours;
    for (const auto& o : s.objects) {
      colours.insert(o.spec.colour);
      CHECK(o.spec.colour_named);
    }
    CHECK(colours.size() == s.objects.size());
  }
  for (const auto& p : held_out_prompts()) {
    const auto spec = parse_caption(p).front();
    CHECK(is_held_out(spec.colour, spec.shape));
  }
}

#if WANATTN_HAVE_TOKENIZER
TEST_CASE("demo tokenizer: every grammar word is one piece, any text still tokenizes", "[fast]") {
  test::TempDir dir("demo-tok");
  train_tokenizer(dir.str(), 1);
  const T5Tokenizer tok = T5Tokenizer::from_folder(dir.str());
  CHECK(tok.piece_count() < 128);
  for (const auto& w : vocabulary()) {
    const TokenizedPrompt t = tok.encode(w);
    REQUIRE(t.real_tokens() == 2);  // the word + EOS
    CHECK(t.tokens[0].piece == w);
    CHECK(t.tokens[0].id != 2);  // not <unk>
  }
  const TokenizedPrompt t = tok.encode("A Green TRIANGLE moves left and a purple dog");
  CHECK(t.tokens[1].piece == "green");  // case folded by the normaliser
  CHECK(t.tokens[2].piece == "triangle");
  CHECK(t.words.size() == 9);
  // Trained again from the same seed: the same model file.
  test::TempDir dir2("demo-tok2");
  train_tokenizer(dir2.str(), 1);
  CHECK(T5Tokenizer::from_folder(dir2.str()).encode("a cyan star spins and a red square grows").ids == tok.encode("a cyan star spins and a red square grows").ids);
}
#endif

TEST_CASE("demo renderer + detector: colour, shape and motion of rendered clips are found", "[fast]") {
  torch::NoGradGuard no_grad;
  Rng rng(2024);
  SceneOptions so;
  so.allow_held_out = true;
  so.same_colour = 0;  // the detector tells objects apart by colour (as the model tests' prompts do)
  int objects = 0, colour_found = 0, shape_right = 0, motion_right = 0;
  std::vector<std::string> misses;
  for (int i = 0; i < 30; ++i) {
    const Scene s = sample_scene(rng, so);
    const at::Tensor frames = render_frames_u8(s, 17, 128, 128);
    const auto found = detect_objects(frames.data_ptr<uint8_t>(), 17, 128, 128);
    for (const auto& o : s.objects) {
      ++objects;
      const TrackedObject* t = find_colour(found, o.spec.colour);
      if (t == nullptr) {
        misses.push_back(s.caption() + ": no " + name(o.spec.colour));
        continue;
      }
      ++colour_found;
      shape_right += t->shape == o.spec.shape;
      motion_right += t->motion && *t->motion == o.spec.motion;
      if (t->shape != o.spec.shape || !t->motion || *t->motion != o.spec.motion)
        misses.push_back(s.caption() + ": saw " + name(t->shape) + " " + (t->motion ? phrase(*t->motion) : "still"));
    }
    CHECK(found.size() == s.objects.size());  // no phantom objects
  }
  for (const auto& m : misses) UNSCOPED_INFO(m);
  CHECK(colour_found == objects);
  CHECK(shape_right >= objects * 97 / 100);
  CHECK(motion_right >= objects * 95 / 100);
}

TEST_CASE("demo renderer: clip layout, range, and a mask that matches the object", "[fast]") {
  torch::NoGradGuard no_grad;
  Rng rng(5);
  const Scene s = scene_for({{Colour::Blue, Shape::Square, Motion::Right}}, rng);
  const at::Tensor clip = render_clips({s}, 9, 64, 96, at::kCPU);
  REQUIRE(clip.sizes() == at::IntArrayRef({1, 3, 9, 64, 96}));
  CHECK(clip.min().item<float>() >= -1.0f);
  CHECK(clip.max().item<float>() <= 1.0f);
  const at::Tensor u8 = render_frames_u8(s, 9, 64, 96);
  const FrameObject f = detect_in_frame(u8[4].contiguous().data_ptr<uint8_t>(), 64, 96, Colour::Blue);
  REQUIRE(f.found);
  const SceneObject& o = s.objects[0];
  CHECK(f.cx == Approx(o.x(4) * 96).margin(1.0));
  CHECK(f.cy == Approx(o.y(4) * 64).margin(1.0));
  const double side = o.radius(4) * shape_scale(Shape::Square) * 64 * std::sqrt(2.0);
  CHECK(f.area == Approx(side * side).epsilon(0.08));
  CHECK(f.mask[size_t(int(f.cy) * 96 + int(f.cx))] == 1);
}

TEST_CASE("demo renderer: shading darkens each shape from its deepest point to its edge; 0 keeps it flat", "[fast]") {
  torch::NoGradGuard no_grad;
  for (Shape shape : kShapes) {
    Rng rng(7);
    SceneOptions so;
    so.shading = 0.4;
    Scene s = scene_for({{Colour::Red, shape, Motion::Up}}, rng, so);
    REQUIRE(s.shading == 0.4);
    const at::Tensor shaded = (render_clips({s}, 9, 64, 96, at::kCPU)[0][0][4] + 1) / 2;  // red channel, frame 4
    s.shading = 0;
    const at::Tensor flat = (render_clips({s}, 9, 64, 96, at::kCPU)[0][0][4] + 1) / 2;
    const float red = rgb(Colour::Red)[0];
    const at::Tensor inside = flat > red - 1e-4;  // fully covered pixels: the flat colour exactly
    REQUIRE(inside.sum().item<int64_t>() > 100);
    const at::Tensor ratio = shaded.masked_select(inside) / red;
    INFO(name(shape));
    CHECK(ratio.max().item<float>() > 0.9f);     // near the centre: near full brightness
    CHECK(ratio.min().item<float>() < 0.66f);    // the first covered pixels: about 1 - 0.4
    CHECK(ratio.min().item<float>() >= 0.6f - 1e-4f);
    CHECK((ratio > 0.99f).sum().item<int64_t>() < ratio.numel() / 20);  // a peak or creases, no plateau
    // Where the object does not reach, the background is untouched.
    Scene empty = s;
    empty.objects.clear();
    const at::Tensor bg = (render_clips({empty}, 9, 64, 96, at::kCPU)[0][0][4] + 1) / 2;
    const at::Tensor uncovered = flat == bg;
    CHECK(at::equal(shaded.masked_select(uncovered), bg.masked_select(uncovered)));
    // In one batch, each clip is drawn as alone: the flat one as flat, the shaded one shaded.
    Scene lit = s;
    lit.shading = 0.4;
    const at::Tensor both = render_clips({s, lit}, 9, 64, 96, at::kCPU);
    CHECK(at::equal(both[0], render_clips({s}, 9, 64, 96, at::kCPU)[0]));
    CHECK(at::equal(both[1], render_clips({lit}, 9, 64, 96, at::kCPU)[0]));
  }
}

TEST_CASE("demo encoder: latent layout is Wan's (1 + 4n frames, x8), cells as pixel_unshuffle", "[fast]") {
  torch::NoGradGuard no_grad;
  // A clip whose every frame f is the constant colour (0.1 f, -0.2, 0.3): latent frame k
  // holds frame 4k's colour and frame (4k - 2)'s grey.
  at::Tensor clip = at::empty({1, 3, 9, 16, 24});
  for (int f = 0; f < 9; ++f) {
    clip.select(2, f)[0][0].fill_(0.1 * f);
    clip.select(2, f)[0][1].fill_(-0.2);
    clip.select(2, f)[0][2].fill_(0.3);
  }
  const at::Tensor z = encode_latents(clip);
  REQUIRE(z.sizes() == at::IntArrayRef({1, 16, 3, 2, 3}));
  for (int k = 0; k < 3; ++k) {
    const int last = 4 * k, mid = std::max(0, 4 * k - 2);
    for (int cell = 0; cell < 4; ++cell) {
      CHECK(z[0][0 * 4 + cell][k][1][2].item<float>() == Approx(0.1 * last).margin(1e-6));
      CHECK(z[0][1 * 4 + cell][k][1][2].item<float>() == Approx(-0.2).margin(1e-6));
      CHECK(z[0][2 * 4 + cell][k][1][2].item<float>() == Approx(0.3).margin(1e-6));
      CHECK(z[0][3 * 4 + cell][k][1][2].item<float>() == Approx(0.299 * 0.1 * mid - 0.587 * 0.2 + 0.114 * 0.3).margin(1e-6));
    }
  }
  // Cell order: a value in the top-right 4x4 cell of latent pixel (0, 0) lands in channel 1.
  at::Tensor one = at::zeros({1, 3, 1, 8, 8});
  one[0][0][0].narrow(0, 0, 4).narrow(1, 4, 4).fill_(1.0);
  const at::Tensor z1 = encode_latents(one);
  CHECK(z1[0][1][0][0][0].item<float>() == Approx(1.0));
  CHECK(z1[0][0][0][0][0].item<float>() == Approx(0.0));
  CHECK_THROWS_WITH(encode_latents(at::zeros({1, 3, 8, 16, 16})), ContainsSubstring("4n+1"));
}

TEST_CASE("demo encoder: the even frames alone give the whole clip's latents", "[fast]") {
  torch::NoGradGuard no_grad;
  Rng rng(11);
  SceneOptions so;
  so.frames = 9;
  std::vector<Scene> scenes{sample_scene(rng, so), sample_scene(rng, so)};
  const at::Tensor whole = render_clips(scenes, 9, 32, 48, at::kCPU);
  const at::Tensor even = render_clips(scenes, 9, 32, 48, at::kCPU, 2);
  REQUIRE(even.size(2) == 5);
  CHECK(at::equal(even, whole.index_select(2, at::arange(0, 9, 2))));
  CHECK(at::equal(encode_latents_of_even_frames(even), encode_latents(whole)));
  CHECK_THROWS_WITH(render_clips(scenes, 9, 32, 48, at::kCPU, 3), ContainsSubstring("frame step 3"));
  CHECK_THROWS_WITH(encode_latents_of_even_frames(whole.narrow(2, 0, 4)), ContainsSubstring("2n+1"));
}
