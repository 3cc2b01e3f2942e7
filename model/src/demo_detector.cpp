#include "model/demo_detector.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <complex>
#include <map>

namespace wanattn::demo {
namespace {

constexpr int kBins = 72;  // outline samples, 5 degrees apart

double hue_degrees(double r, double g, double b) {
  const double mx = std::max({r, g, b}), mn = std::min({r, g, b}), c = mx - mn;
  if (c <= 0) return 0;
  double h = mx == r ? std::fmod((g - b) / c, 6.0) : mx == g ? (b - r) / c + 2 : (r - g) / c + 4;
  h *= 60;
  return h < 0 ? h + 360 : h;
}

double hue_distance(double a, double b) {
  const double d = std::abs(a - b);
  return std::min(d, 360 - d);
}

// The colour a pixel belongs to, or -1 for background (too grey).
int colour_of(const uint8_t* p, const std::array<double, 6>& hues, double min_chroma) {
  const double r = p[0] / 255.0, g = p[1] / 255.0, b = p[2] / 255.0;
  if (std::max({r, g, b}) - std::min({r, g, b}) < min_chroma) return -1;
  const double h = hue_degrees(r, g, b);
  int best = 0;
  for (int c = 1; c < 6; ++c)
    if (hue_distance(h, hues[size_t(c)]) < hue_distance(h, hues[size_t(best)])) best = c;
  return best;
}

const std::array<double, 6>& palette_hues() {
  static const std::array<double, 6> hues = [] {
    std::array<double, 6> h{};
    for (size_t c = 0; c < 6; ++c) {
      const auto v = rgb(kColours[c]);
      h[c] = hue_degrees(v[0], v[1], v[2]);
    }
    return h;
  }();
  return hues;
}

// Keeps the largest 4-connected blob of `mask` (in place); returns its pixel count.
int keep_largest_blob(std::vector<uint8_t>& mask, int H, int W) {
  std::vector<int> label(mask.size(), -1), stack;
  int best = -1, best_size = 0, next = 0;
  for (int start = 0; start < H * W; ++start) {
    if (!mask[size_t(start)] || label[size_t(start)] >= 0) continue;
    int size = 0;
    stack.push_back(start);
    label[size_t(start)] = next;
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      ++size;
      const int y = i / W, x = i % W;
      const int nb[4] = {x > 0 ? i - 1 : -1, x + 1 < W ? i + 1 : -1, y > 0 ? i - W : -1, y + 1 < H ? i + W : -1};
      for (int j : nb)
        if (j >= 0 && mask[size_t(j)] && label[size_t(j)] < 0) label[size_t(j)] = next, stack.push_back(j);
    }
    if (size > best_size) best_size = size, best = next;
    ++next;
  }
  for (size_t i = 0; i < mask.size(); ++i) mask[i] = label[i] == best && best >= 0;
  return best_size;
}

// Harmonic k of the outline radius (normalised by its mean) around the centroid.
struct Outline {
  std::array<std::complex<double>, 6> harmonic{};  // index k = 3, 4, 5 used
};

Outline outline_of(const std::vector<uint8_t>& mask, int H, int W, double cx, double cy) {
  std::array<double, kBins> r{};
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      if (!mask[size_t(y * W + x)]) continue;
      const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
      const double a = std::atan2(dy, dx) + std::numbers::pi;  // [0, 2 pi]
      const int bin = std::min(kBins - 1, int(a / (2 * std::numbers::pi) * kBins));
      r[size_t(bin)] = std::max(r[size_t(bin)], std::hypot(dx, dy) + 0.5);  // to the pixel's outer edge
    }
  // A bin no pixel fell into (a tiny blob) takes its neighbours' mean.
  for (int i = 0; i < kBins; ++i)
    if (r[size_t(i)] == 0) r[size_t(i)] = 0.5 * (r[size_t((i + kBins - 1) % kBins)] + r[size_t((i + 1) % kBins)]);
  double mean = 0;
  for (double v : r) mean += v;
  mean /= kBins;
  Outline o;
  if (mean <= 0) return o;
  for (int k = 3; k <= 5; ++k) {
    std::complex<double> s = 0;
    for (int i = 0; i < kBins; ++i) {
      const double a = (i + 0.5) * 2 * std::numbers::pi / kBins - std::numbers::pi;
      s += r[size_t(i)] / mean * std::polar(1.0, -k * a);
    }
    o.harmonic[size_t(k)] = s / double(kBins);
  }
  return o;
}

int symmetry(Shape s) { return s == Shape::Triangle ? 3 : s == Shape::Square ? 4 : s == Shape::Star ? 5 : 0; }

double wrap_pi(double a) {
  while (a > std::numbers::pi) a -= 2 * std::numbers::pi;
  while (a <= -std::numbers::pi) a += 2 * std::numbers::pi;
  return a;
}

// Each pixel's colour index (-1: background).
std::vector<int8_t> label_pixels(const uint8_t* frame, int H, int W, const DetectorOptions& opt) {
  std::vector<int8_t> labels(size_t(H) * W);
  const auto& hues = palette_hues();
  for (int i = 0; i < H * W; ++i) labels[size_t(i)] = int8_t(colour_of(frame + 3 * size_t(i), hues, opt.min_chroma));
  return labels;
}

FrameObject object_of(const std::vector<int8_t>& labels, int H, int W, Colour colour, const DetectorOptions& opt) {
  FrameObject o;
  o.mask.assign(size_t(H) * W, 0);
  for (size_t i = 0; i < labels.size(); ++i) o.mask[i] = labels[i] == int(colour);
  const int area = keep_largest_blob(o.mask, H, W);
  if (area < opt.min_area_fraction * H * W) {
    std::fill(o.mask.begin(), o.mask.end(), 0);
    return o;
  }
  o.found = true;
  o.area = area;
  double sx = 0, sy = 0;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      if (o.mask[size_t(y * W + x)]) sx += x + 0.5, sy += y + 0.5;
  o.cx = sx / area;
  o.cy = sy / area;
  const Outline out = outline_of(o.mask, H, W, o.cx, o.cy);
  int k = 3;
  for (int j = 4; j <= 5; ++j)
    if (std::abs(out.harmonic[size_t(j)]) > std::abs(out.harmonic[size_t(k)])) k = j;
  o.roundness = std::abs(out.harmonic[size_t(k)]);
  if (o.roundness < opt.circle_below) {
    o.shape = Shape::Circle;
  } else {
    o.shape = k == 3 ? Shape::Triangle : k == 4 ? Shape::Square : Shape::Star;
    o.orientation = -std::arg(out.harmonic[size_t(k)]) / k;
  }
  return o;
}

}  // namespace

FrameObject detect_in_frame(const uint8_t* frame, int H, int W, Colour colour, const DetectorOptions& opt) {
  return object_of(label_pixels(frame, H, W, opt), H, W, colour, opt);
}

std::vector<TrackedObject> detect_objects(const uint8_t* frames, int F, int H, int W, const DetectorOptions& opt) {
  std::vector<TrackedObject> found;
  const size_t frame_bytes = size_t(H) * W * 3;
  std::vector<std::vector<int8_t>> labels;
  for (int f = 0; f < F; ++f) labels.push_back(label_pixels(frames + f * frame_bytes, H, W, opt));
  for (Colour c : kColours) {
    TrackedObject t;
    t.colour = c;
    std::map<Shape, int> votes;
    std::vector<int> seen;
    for (int f = 0; f < F; ++f) {
      t.frames.push_back(object_of(labels[size_t(f)], H, W, c, opt));
      if (t.frames.back().found) ++votes[t.frames.back().shape], seen.push_back(f);
    }
    t.frames_found = int(seen.size());
    if (t.frames_found * 2 < F || seen.empty()) continue;
    t.shape = std::max_element(votes.begin(), votes.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;

    // Start and end: the mean of the first and last three frames it was found in.
    const int n = std::min<int>(3, int(seen.size()));
    auto mean_of = [&](int from, auto get) {
      double s = 0;
      for (int i = 0; i < n; ++i) s += get(t.frames[size_t(seen[size_t(from + i)])]);
      return s / n;
    };
    const int last = int(seen.size()) - n;
    t.dx = (mean_of(last, [](auto& o) { return o.cx; }) - mean_of(0, [](auto& o) { return o.cx; })) / W;
    t.dy = (mean_of(last, [](auto& o) { return o.cy; }) - mean_of(0, [](auto& o) { return o.cy; })) / H;
    t.area_ratio = mean_of(last, [](auto& o) { return o.area; }) / std::max(1.0, mean_of(0, [](auto& o) { return o.area; }));
    // Turning: the orientation's steps between frames (each well under the symmetry's
    // half-period at the speeds the world uses), summed; only frames that saw the shape.
    const int k = symmetry(t.shape);
    if (k > 0) {
      double turn = 0, prev = 0;
      bool have = false;
      for (int f : seen) {
        const FrameObject& o = t.frames[size_t(f)];
        if (o.shape != t.shape) continue;
        if (have) turn += wrap_pi(k * (o.orientation - prev)) / k;
        prev = o.orientation;
        have = true;
      }
      t.rotation_degrees = turn * 180 / std::numbers::pi;
    }

    const double ax = std::abs(t.dx), ay = std::abs(t.dy);
    if (std::max(ax, ay) >= 0.08 && std::max(ax, ay) >= 2 * std::min(ax, ay)) {
      t.motion = ax > ay ? (t.dx < 0 ? Motion::Left : Motion::Right) : (t.dy < 0 ? Motion::Up : Motion::Down);
    } else if (t.area_ratio >= 1.35) {
      t.motion = Motion::Grows;
    } else if (k > 0 && std::abs(t.rotation_degrees) >= 25 && std::max(ax, ay) < 0.05) {
      t.motion = Motion::Spins;
    }
    found.push_back(std::move(t));
  }
  return found;
}

const TrackedObject* find_colour(const std::vector<TrackedObject>& objects, Colour colour) {
  for (const auto& o : objects)
    if (o.colour == colour) return &o;
  return nullptr;
}

}  // namespace wanattn::demo
