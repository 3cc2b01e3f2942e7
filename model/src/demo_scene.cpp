#include "model/demo_scene.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace wanattn::demo {
namespace {

constexpr double kMargin = 0.02;  // free space kept around every object, in short-side units

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string w;
  for (char ch : text) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      if (!w.empty()) words.push_back(std::move(w)), w.clear();
    } else {
      w.push_back(char(std::tolower(static_cast<unsigned char>(ch))));
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  return words;
}

// Size factor of a scene asked to hold n objects.
double crowd_scale(int n) { return n <= 1 ? 1.0 : n == 2 ? 0.85 : 0.72; }

// The extent an object needs around its centre at frame f (short-side units).
double extent(const SceneObject& o, int f) { return o.radius(f) * shape_scale(o.spec.shape) + kMargin; }

// Draws position, size and motion of one object so that it stays inside [0, w] x [0, h]
// (short-side units) for frames 0..frames-1.
// `crowd` scales the size: a scene asked to hold two or three objects draws them smaller,
// or the frame would seldom hold a third one (the factor follows the count asked for: an
// object that then finds no room leaves the others at the smaller size).
SceneObject draw_object(const ObjectSpec& spec, Rng& rng, int frames, double w, double h, double crowd) {
  SceneObject o;
  o.spec = spec;
  const int last = std::max(frames - 1, 1);
  o.angle0 = rng.uniform(0, 2 * std::numbers::pi);
  if (spec.motion == Motion::Grows) {
    o.radius0 = crowd * rng.uniform(0.11, 0.14);
    o.growth = (rng.uniform(1.7, 2.0) - 1.0) / last;
  } else {
    o.radius0 = crowd * rng.uniform(0.17, 0.22);
  }
  if (spec.motion == Motion::Spins) o.spin = (rng.chance(0.5) ? 1 : -1) * rng.uniform(5.0, 8.0) * std::numbers::pi / 180;
  double vx = 0, vy = 0;
  const double speed = rng.uniform(0.018, 0.024);
  switch (spec.motion) {
    case Motion::Left: vx = -speed; break;
    case Motion::Right: vx = speed; break;
    case Motion::Up: vy = -speed; break;
    case Motion::Down: vy = speed; break;
    default: break;
  }
  // The start range that keeps both ends of the (straight) path inside the frame; a path
  // too long for the frame is slowed down until it fits.
  const double e = extent(o, last);
  auto range = [&](double v, double size) {
    const double d = v * last;
    return std::pair{e - std::min(0.0, d), size - e - std::max(0.0, d)};
  };
  for (int i = 0; i < 20; ++i) {
    const auto [xl, xh] = range(vx, w);
    const auto [yl, yh] = range(vy, h);
    if (xl <= xh && yl <= yh) {
      o.vx = vx;
      o.vy = vy;
      o.x0 = rng.uniform(xl, xh);
      o.y0 = rng.uniform(yl, yh);
      return o;
    }
    vx *= 0.8;
    vy *= 0.8;
  }
  throw std::invalid_argument(fmt::format("a {} {} does not fit into a {:.2f} x {:.2f} frame", name(spec.colour),
                                          name(spec.shape), w, h));
}

bool overlaps(const SceneObject& a, const SceneObject& b, int frames) {
  for (int f = 0; f < frames; ++f) {
    const double dx = a.x(f) - b.x(f), dy = a.y(f) - b.y(f);
    const double need = extent(a, f) + extent(b, f);
    if (dx * dx + dy * dy < need * need) return true;
  }
  return false;
}

Background draw_background(Rng& rng) {
  Background b;
  auto grey = [&](double g) {
    std::array<float, 3> c{};
    for (auto& v : c) v = float(std::clamp(g + rng.uniform(-0.03, 0.03), 0.0, 1.0));
    return c;
  };
  const double g1 = rng.uniform(0.15, 0.85);
  b.from = grey(g1);
  if (rng.chance(0.5)) {
    b.to = b.from;  // plain
  } else {
    double g2 = rng.uniform(0.15, 0.85);
    if (std::abs(g2 - g1) < 0.2) g2 = g1 < 0.5 ? g1 + 0.3 : g1 - 0.3;
    b.to = grey(g2);
    b.direction = rng.uniform(0, 2 * std::numbers::pi);
  }
  return b;
}

// Positions in short-side units -> fractions of width and height.
Scene finish(std::vector<SceneObject> objects, Background bg, double w, double h, double shading) {
  for (auto& o : objects) {
    o.x0 /= w;
    o.vx /= w;
    o.y0 /= h;
    o.vy /= h;
  }
  return Scene{std::move(objects), bg, shading};
}

}  // namespace

const char* name(Shape s) {
  switch (s) {
    case Shape::Circle: return "circle";
    case Shape::Square: return "square";
    case Shape::Triangle: return "triangle";
    case Shape::Star: return "star";
  }
  return "?";
}

const char* name(Colour c) {
  switch (c) {
    case Colour::Red: return "red";
    case Colour::Yellow: return "yellow";
    case Colour::Green: return "green";
    case Colour::Cyan: return "cyan";
    case Colour::Blue: return "blue";
    case Colour::Purple: return "purple";
  }
  return "?";
}

const char* phrase(Motion m) {
  switch (m) {
    case Motion::Left: return "moves left";
    case Motion::Right: return "moves right";
    case Motion::Up: return "moves up";
    case Motion::Down: return "moves down";
    case Motion::Grows: return "grows";
    case Motion::Spins: return "spins";
  }
  return "?";
}

std::array<float, 3> rgb(Colour c) {
  switch (c) {  // hues 0, 60, 120, 180, 240, 290 degrees; saturated, mid to high value
    case Colour::Red: return {0.90f, 0.12f, 0.12f};
    case Colour::Yellow: return {0.92f, 0.88f, 0.10f};
    case Colour::Green: return {0.10f, 0.75f, 0.15f};
    case Colour::Cyan: return {0.10f, 0.80f, 0.85f};
    case Colour::Blue: return {0.15f, 0.25f, 0.95f};
    case Colour::Purple: return {0.70f, 0.15f, 0.90f};
  }
  return {0, 0, 0};
}

double shape_scale(Shape s) {
  switch (s) {
    case Shape::Circle: return 0.90;
    case Shape::Square: return 1.05;
    case Shape::Triangle: return 1.25;
    case Shape::Star: return 1.25;
  }
  return 1.0;
}

const std::vector<std::pair<Colour, Shape>>& held_out_combinations() {
  static const std::vector<std::pair<Colour, Shape>> held{{Colour::Green, Shape::Triangle},
                                                          {Colour::Red, Shape::Star},
                                                          {Colour::Blue, Shape::Square},
                                                          {Colour::Yellow, Shape::Circle}};
  return held;
}

bool is_held_out(Colour c, Shape s) {
  const auto& h = held_out_combinations();
  return std::find(h.begin(), h.end(), std::pair{c, s}) != h.end();
}

const std::vector<std::string>& held_out_prompts() {
  static const std::vector<std::string> prompts{
      "a green triangle moves right", "a green triangle spins", "a red star moves left", "a red star grows",
      "a blue square moves up",       "a blue square spins",    "a yellow circle moves down", "a yellow circle grows"};
  return prompts;
}

std::string example_prompt() { return "a green triangle moves right and a purple circle grows"; }

bool motion_allowed(Shape s, Motion m) { return !(s == Shape::Circle && m == Motion::Spins); }

std::string caption(const std::vector<ObjectSpec>& objects) {
  std::string out;
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i > 0) out += " and ";
    const ObjectSpec& o = objects[i];
    out += o.colour_named ? fmt::format("a {} {} {}", name(o.colour), name(o.shape), phrase(o.motion))
                          : fmt::format("a {} {}", name(o.shape), phrase(o.motion));
  }
  return out;
}

std::string Scene::caption() const {
  std::vector<ObjectSpec> specs;
  for (const auto& o : objects) specs.push_back(o.spec);
  return demo::caption(specs);
}

std::vector<ObjectSpec> parse_caption(std::string_view text) {
  const auto words = split_words(text);
  std::vector<ObjectSpec> out;
  size_t i = 0;
  auto fail = [&](const std::string& expected) {
    throw std::invalid_argument(fmt::format("'{}': expected {} at word {} ('{}')", text, expected, i + 1,
                                            i < words.size() ? words[i] : std::string("end")));
  };
  auto take = [&]() -> const std::string& {
    static const std::string end;
    return i < words.size() ? words[i] : end;
  };
  while (true) {
    ObjectSpec o;
    if (take() != "a") fail("'a'");
    ++i;
    o.colour_named = false;
    for (Colour c : kColours)
      if (take() == name(c)) o.colour = c, o.colour_named = true;
    if (o.colour_named) ++i;
    bool found = false;
    for (Shape s : kShapes)
      if (take() == name(s)) o.shape = s, found = true;
    if (!found) fail(o.colour_named ? "a shape" : "a colour or a shape");
    ++i;
    if (take() == "moves") {
      ++i;
      const std::string& d = take();
      if (d == "left") o.motion = Motion::Left;
      else if (d == "right") o.motion = Motion::Right;
      else if (d == "up") o.motion = Motion::Up;
      else if (d == "down") o.motion = Motion::Down;
      else fail("left, right, up or down");
    } else if (take() == "grows") {
      o.motion = Motion::Grows;
    } else if (take() == "spins") {
      o.motion = Motion::Spins;
    } else {
      fail("'moves', 'grows' or 'spins'");
    }
    ++i;
    out.push_back(o);
    if (i == words.size()) return out;
    if (take() != "and") fail("'and' or the end");
    ++i;
  }
}

std::vector<std::string> vocabulary() {
  std::vector<std::string> v{"a", "and"};
  for (Colour c : kColours) v.emplace_back(name(c));
  for (Shape s : kShapes) v.emplace_back(name(s));
  for (const char* w : {"moves", "left", "right", "up", "down", "grows", "spins"}) v.emplace_back(w);
  return v;
}

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Rng::uniform() { return double(next() >> 11) * 0x1.0p-53; }

Scene scene_for(const std::vector<ObjectSpec>& specs, Rng& rng, const SceneOptions& opt) {
  if (specs.empty() || specs.size() > 3) throw std::invalid_argument("a demo scene has one to three objects");
  const double w = std::max(opt.aspect, 1.0), h = std::max(1.0 / opt.aspect, 1.0);
  for (int attempt = 0; attempt < 200; ++attempt) {
    std::vector<SceneObject> objects;
    bool ok = true;
    for (const auto& s : specs) {
      if (!motion_allowed(s.shape, s.motion))
        throw std::invalid_argument(fmt::format("a {} cannot {} visibly", name(s.shape), phrase(s.motion)));
      const SceneObject o = draw_object(s, rng, opt.frames, w, h, crowd_scale(int(specs.size())));
      for (const auto& other : objects) ok = ok && !overlaps(o, other, opt.frames);
      if (!ok) break;
      objects.push_back(o);
    }
    if (ok) return finish(std::move(objects), draw_background(rng), w, h, opt.shading);
  }
  throw std::invalid_argument(fmt::format("could not place '{}' without overlaps", caption(specs)));
}

Scene sample_scene(Rng& rng, const SceneOptions& opt) {
  const double u = rng.uniform();
  const int count = u < 0.4 ? 1 : u < 0.8 ? 2 : 3;  // asked; 57 / 36 / 7 % are drawn
  const double w = std::max(opt.aspect, 1.0), h = std::max(1.0 / opt.aspect, 1.0);
  std::vector<SceneObject> objects;
  auto taken = [&](Colour c, Shape s) {
    return std::any_of(objects.begin(), objects.end(), [&](const SceneObject& o) { return o.spec.colour == c && o.spec.shape == s; });
  };
  for (int k = 0; k < count; ++k) {
    ObjectSpec s;
    // The colour of an object already there (its shape then differs), or one not used yet.
    const bool same = !objects.empty() && opt.same_colour > 0 && rng.chance(opt.same_colour);  // 0: no draw, the old world
    if (same) {
      s.colour = objects[size_t(rng.index(int(objects.size())))].spec.colour;
    } else {
      auto used = [&](Colour c) { return std::any_of(objects.begin(), objects.end(), [&](const SceneObject& o) { return o.spec.colour == c; }); };
      do s.colour = kColours[size_t(rng.index(int(kColours.size())))];
      while (used(s.colour));
    }
    // A colour with every shape taken or held out would have none left (not with three
    // objects, four shapes and one held-out pair per colour; this keeps the loop below finite).
    const bool any_shape = std::any_of(kShapes.begin(), kShapes.end(), [&](Shape sh) {
      return !taken(s.colour, sh) && (opt.allow_held_out || !is_held_out(s.colour, sh));
    });
    if (!any_shape) continue;
    do s.shape = kShapes[size_t(rng.index(int(kShapes.size())))];
    while (taken(s.colour, s.shape) || (!opt.allow_held_out && is_held_out(s.colour, s.shape)));
    do s.motion = kMotions[size_t(rng.index(int(kMotions.size())))];
    while (!motion_allowed(s.shape, s.motion));
    // A few tries to find room; an object that finds none is left out of the scene.
    for (int attempt = 0; attempt < 50; ++attempt) {
      const SceneObject o = draw_object(s, rng, opt.frames, w, h, crowd_scale(count));
      bool ok = true;
      for (const auto& other : objects) ok = ok && !overlaps(o, other, opt.frames);
      if (ok) {
        objects.push_back(o);
        break;
      }
    }
  }
  // A caption may leave out the colour of an object whose shape no other object has.
  for (auto& o : objects) {
    const auto same_shape = std::count_if(objects.begin(), objects.end(), [&](const SceneObject& p) { return p.spec.shape == o.spec.shape; });
    if (same_shape == 1 && opt.unnamed_colour > 0 && rng.chance(opt.unnamed_colour)) o.spec.colour_named = false;
  }
  return finish(std::move(objects), draw_background(rng), w, h, opt.shading);
}

}  // namespace wanattn::demo
