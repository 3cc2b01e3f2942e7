// The world of the built-in demo model (docs/demo-model.md): clips of one to three simple
// shapes, each with a colour and a motion, over a plain or graded grey background, and the
// caption grammar that describes them ("a red circle moves left and a blue square spins").
// Scenes are drawn from a seeded, fully specified generator (no std:: distributions, whose
// output differs between standard libraries), so a seed gives the same data on every machine.
// Some colour/shape combinations are held out: the sampler never draws them, the tests
// prompt for them. Plain data, any thread.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wanattn::demo {

enum class Shape { Circle, Square, Triangle, Star };
enum class Colour { Red, Yellow, Green, Cyan, Blue, Purple };
enum class Motion { Left, Right, Up, Down, Grows, Spins };

inline constexpr std::array<Shape, 4> kShapes{Shape::Circle, Shape::Square, Shape::Triangle, Shape::Star};
inline constexpr std::array<Colour, 6> kColours{Colour::Red, Colour::Yellow, Colour::Green,
                                                Colour::Cyan, Colour::Blue, Colour::Purple};
inline constexpr std::array<Motion, 6> kMotions{Motion::Left, Motion::Right, Motion::Up,
                                                Motion::Down, Motion::Grows, Motion::Spins};

const char* name(Shape s);     // "circle"
const char* name(Colour c);    // "red"
const char* phrase(Motion m);  // "moves left", "grows", "spins"
// Linear RGB in [0, 1]; hues 60 degrees apart so that a colour survives generation.
std::array<float, 3> rgb(Colour c);

// Combinations the training data never shows (one per shape, one colour each).
const std::vector<std::pair<Colour, Shape>>& held_out_combinations();
bool is_held_out(Colour c, Shape s);
// The prompts the tests (and the training program's evaluation) judge a model by: one
// object each, every held-out combination with two motions.
const std::vector<std::string>& held_out_prompts();
// The prompt the studio suggests for a first run on the demo model (a held-out pair beside
// a seen one, so the maps have two words to tell apart).
std::string example_prompt();
// A circle that spins looks still: the grammar has no such object.
bool motion_allowed(Shape s, Motion m);

// What a caption says about one object.
struct ObjectSpec {
  Colour colour = Colour::Red;
  Shape shape = Shape::Circle;
  Motion motion = Motion::Left;
  // "a star moves left" names no colour: the object still has one (it is drawn in it), the
  // caption leaves it open. Parsed from such a caption, `colour` is meaningless (and ignored
  // by ==).
  bool colour_named = true;
  bool operator==(const ObjectSpec& o) const {
    return colour_named == o.colour_named && (!colour_named || colour == o.colour) && shape == o.shape && motion == o.motion;
  }
};

// "a red circle moves left and a blue square spins"; "a star grows" where no colour is named
std::string caption(const std::vector<ObjectSpec>& objects);
// The inverse, for prompts in the grammar (case and extra spaces ignored; the colour may be
// left out). Throws std::invalid_argument naming the word that does not fit.
std::vector<ObjectSpec> parse_caption(std::string_view text);
// Every word the grammar uses, in a fixed order.
std::vector<std::string> vocabulary();

// One object of a clip. Lengths are fractions of the frame's shorter side, positions
// fractions of the width (x) and height (y, downwards), angles in radians; all per frame.
struct SceneObject {
  ObjectSpec spec;
  double x0 = 0.5, y0 = 0.5;  // centre at frame 0
  double vx = 0, vy = 0;      // centre velocity
  double radius0 = 0.12;      // circumradius at frame 0 (before the shape's own scale)
  double growth = 0;          // radius(f) = radius0 * (1 + growth * f)
  double angle0 = 0, spin = 0;  // rotation(f) = angle0 + spin * f

  double x(int f) const { return x0 + vx * f; }
  double y(int f) const { return y0 + vy * f; }
  double radius(int f) const { return radius0 * (1 + growth * f); }
  double angle(int f) const { return angle0 + spin * f; }
};

struct Background {
  std::array<float, 3> from{0.5f, 0.5f, 0.5f}, to{0.5f, 0.5f, 0.5f};  // equal: plain
  double direction = 0;  // radians: the gradient runs from `from` to `to` along it
};

struct Scene {
  std::vector<SceneObject> objects;  // drawn in this order (they do not overlap)
  Background background;
  // How much darker an object's edge is than its centre (0: flat, the world of stages 1-7):
  // brightness ramps with the distance from the edge up to the centre, with creases where
  // two edges are equally near, so an object's inside, not only its outline, differs from
  // shape to shape (demo_render.h).
  double shading = 0;
  std::string caption() const;
};

// SplitMix64: tiny, fast, and specified bit for bit (unlike std::uniform_real_distribution).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  double uniform();                       // [0, 1), 53 bits
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int index(int n) { return int(uniform() * n); }  // [0, n)
  bool chance(double p) { return uniform() < p; }

 private:
  uint64_t state_;
};

struct SceneOptions {
  int frames = 17;           // the clip's length: trajectories stay inside the frame throughout
  double aspect = 1.0;       // width / height
  bool allow_held_out = false;
  // So that the shape word, not only the colour, tells objects apart (docs/demo-model-stages.md,
  // "After stage 6"): a second or third object takes the colour of one already there with
  // this chance (a shape that one does not have: "a red circle ... and a red star ..."), and
  // an object whose shape is alone in the scene goes without its colour in the caption with
  // `unnamed_colour`'s ("a star grows"). Both 0: the world of stages 3-6, draw for draw.
  double same_colour = 0.35;
  double unnamed_colour = 0.2;
  // Scene::shading of every scene (no random draw: 0 gives the world of stages 1-7 exactly).
  // Since stage 8: in a flat shape only the outline depends on the shape, so the shape
  // word's map lit the outline and the inside attended to the colour (docs/demo-model-stages.md,
  // "After stage 7").
  double shading = 0.4;
};

// A random training scene: 1-3 objects, no two with the same colour and shape, combinations
// not held out (unless allowed), trajectories that stay in the frame and never overlap.
Scene sample_scene(Rng& rng, const SceneOptions& options = {});
// A scene showing exactly `objects` (positions, sizes and speeds drawn from `rng`).
Scene scene_for(const std::vector<ObjectSpec>& objects, Rng& rng, const SceneOptions& options = {});

// The per-shape factor applied to the circumradius when drawing, so that the four shapes
// cover about the same area (2.0-2.5 R^2: a square fills 64 % of its circle, a triangle
// 41 %, a star 47 %). Until stage 5 the square came out a third smaller than the circle,
// 1.6 DiT tokens across, and the model drew it round.
double shape_scale(Shape s);

}  // namespace wanattn::demo
