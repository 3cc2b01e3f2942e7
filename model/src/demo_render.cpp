#include "model/demo_render.h"

#include "model/small_tensor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <utility>
#include <vector>

namespace wanattn::demo {
namespace {

constexpr double kStarInner = 0.5;  // inner vertices at half the tips' radius

// Signed distance to a regular n-gon of circumradius r whose first vertex points at
// angle `vertex` (theta measured from the centre, image axes). Inside < 0.
at::Tensor polygon_distance(const at::Tensor& rho, const at::Tensor& theta, const at::Tensor& r, int n, double vertex) {
  const double sector = 2 * std::numbers::pi / n;
  const at::Tensor a = at::remainder(theta - vertex, sector);  // [0, sector) from a vertex
  const at::Tensor b = (a - sector / 2).abs();                 // from the nearest edge's normal
  return rho * at::cos(b) - r * std::cos(std::numbers::pi / n);
}

// The outward unit normal of the star's edge from the tip (1, 0) to the inner vertex
// (k cos 36, k sin 36), circumradius 1.
std::pair<double, double> star_edge_normal() {
  const double half = std::numbers::pi / 5;
  const double ex = kStarInner * std::cos(half) - 1.0, ey = kStarInner * std::sin(half), len = std::hypot(ex, ey);
  return {ey / len, -ex / len};
}

// Signed distance to a five-pointed star with tips at radius r, one tip at angle `tip`:
// folded into the half-sector next to a tip, it is the distance to the line of the edge
// from the tip (r, 0) to the inner vertex (k r cos 36, k r sin 36).
at::Tensor star_distance(const at::Tensor& rho, const at::Tensor& theta, const at::Tensor& r, double tip) {
  const double sector = 2 * std::numbers::pi / 5;
  const at::Tensor a = at::remainder(theta - tip, sector);
  const at::Tensor b = at::minimum(a, sector - a);  // angle from the nearest tip, [0, 36 deg]
  const auto [nx, ny] = star_edge_normal();
  return nx * (rho * at::cos(b) - r) + ny * (rho * at::sin(b));
}

// The most negative distance above per unit circumradius, reached at the centre: the
// circle's radius, the polygons' apothem cos(pi / n), and for the star the centre's distance
// to its edge lines, nx (0.443; the true distance to its outline is largest, 0.5, at the
// inner vertices, but the shading follows the distance the outline is drawn with).
double deepest_inside(Shape shape) {
  switch (shape) {
    case Shape::Circle: return 1.0;
    case Shape::Square: return std::cos(std::numbers::pi / 4);
    case Shape::Triangle: return std::cos(std::numbers::pi / 3);
    case Shape::Star: return star_edge_normal().first;
  }
  return 1.0;
}

}  // namespace

at::Tensor render_clips(const std::vector<Scene>& scenes, int frames, int height, int width, at::Device device,
                        int frame_step) {
  if (frame_step < 1 || (frames - 1) % frame_step != 0)
    throw std::invalid_argument(fmt::format("render_clips: frame step {} does not divide {} frames - 1", frame_step, frames));
  const int64_t B = int64_t(scenes.size()), F = (frames - 1) / frame_step + 1, H = height, W = width;
  const double unit = double(std::min(height, width));  // scene lengths are fractions of the short side
  size_t K = 0;
  for (const auto& s : scenes) K = std::max(K, s.objects.size());

  const auto cpu = at::TensorOptions().dtype(at::kFloat);
  const auto dev = cpu.device(device);
  // Pixel centres, in pixels.
  const at::Tensor px = (at::arange(W, dev) + 0.5).view({1, 1, 1, W});
  const at::Tensor py = (at::arange(H, dev) + 0.5).view({1, 1, H, 1});

  // Background: from -> to along the direction, spanning the frame exactly. Parameters are
  // gathered on the host into plain buffers (one copy to the device each, queued: the
  // training program draws the next batch while the GPU still works on the last step).
  std::vector<float> bg(size_t(B) * 8);
  for (int64_t b = 0; b < B; ++b) {
    const auto& g = scenes[size_t(b)].background;
    const double c = std::cos(g.direction), s = std::sin(g.direction), span = std::abs(c) + std::abs(s);
    float* p = bg.data() + b * 8;
    for (int i = 0; i < 3; ++i) p[i] = g.from[size_t(i)], p[3 + i] = g.to[size_t(i)];
    p[6] = float(c / span);
    p[7] = float(s / span);
  }
  const at::Tensor bgt = to_device(at::tensor(bg, cpu).view({B, 8}), device);
  const at::Tensor from = bgt.narrow(1, 0, 3).reshape({B, 3, 1, 1, 1}), to = bgt.narrow(1, 3, 3).reshape({B, 3, 1, 1, 1});
  const at::Tensor u = (px / W - 0.5) * bgt.select(1, 6).view({B, 1, 1, 1}) +
                       (py / H - 0.5) * bgt.select(1, 7).view({B, 1, 1, 1});  // [B, 1, H, W]
  at::Tensor img = (from + (to - from) * (u + 0.5).unsqueeze(1)).expand({B, 3, F, H, W}).contiguous();

  // Shading costs a brightness map per slot; a flat batch (the old world) skips it entirely.
  const bool shaded = std::any_of(scenes.begin(), scenes.end(), [](const Scene& s) { return s.shading != 0; });
  // One object slot at a time (of every clip): its parameters per frame, then coverage.
  for (size_t k = 0; k < K; ++k) {
    // Per clip: cx, cy, r, angle for every frame, then r, g, b and the shading (zero where
    // no object is).
    const int64_t P = 4 * F + 4;
    std::vector<float> par(size_t(B * P), 0.0f);
    for (int64_t b = 0; b < B; ++b) {
      const auto& objs = scenes[size_t(b)].objects;
      if (k >= objs.size()) continue;
      const SceneObject& o = objs[k];
      float* p = par.data() + b * P;
      for (int64_t f = 0; f < F; ++f) {
        const int t = int(f) * frame_step;  // the video frame
        p[f] = float(o.x(t) * W);
        p[F + f] = float(o.y(t) * H);
        p[2 * F + f] = float(o.radius(t) * shape_scale(o.spec.shape) * unit);
        p[3 * F + f] = float(o.angle(t));
      }
      const auto c = rgb(o.spec.colour);
      for (int i = 0; i < 3; ++i) p[4 * F + i] = c[size_t(i)];
      p[4 * F + 3] = float(scenes[size_t(b)].shading);
    }
    const at::Tensor pt = to_device(at::tensor(par, cpu).view({B, P}), device);
    auto v = [&](int i) { return pt.narrow(1, i * F, F).reshape({B, F, 1, 1}); };
    const at::Tensor colour = pt.narrow(1, 4 * F, 3).reshape({B, 3, 1, 1, 1});
    // Coverage, each clip's object by its own shape's distance only: the clips are grouped
    // by the shape in this slot (one upload of their indices), so no pixel pays for the
    // three shapes it is not. Clips without an object here keep coverage 0.
    std::vector<int64_t> order;
    std::vector<size_t> starts{0};
    for (Shape shape : kShapes) {
      for (int64_t b = 0; b < B; ++b) {
        const auto& objs = scenes[size_t(b)].objects;
        if (k < objs.size() && objs[k].spec.shape == shape) order.push_back(b);
      }
      starts.push_back(order.size());
    }
    at::Tensor alpha = at::zeros({B, F, H, W}, dev), light = shaded ? at::ones({B, F, H, W}, dev) : at::Tensor();
    const at::Tensor all_idx = order.empty() ? at::Tensor() : to_device(at::tensor(order, at::kLong), device);
    for (size_t si = 0; si < kShapes.size(); ++si) {
      const int64_t n = int64_t(starts[si + 1] - starts[si]);
      if (n == 0) continue;
      const at::Tensor idx = all_idx.narrow(0, int64_t(starts[si]), n);
      auto w = [&](int i) { return v(i).index_select(0, idx); };
      const at::Tensor dx = px - w(0), dy = py - w(1), rr = w(2);  // [n, F, H, W]
      const at::Tensor rho = at::sqrt(dx * dx + dy * dy);
      // Rotation 0: triangle and star point up, the square sits on an edge.
      at::Tensor d;
      switch (kShapes[si]) {
        case Shape::Circle: d = rho - rr; break;
        case Shape::Square: d = polygon_distance(rho, at::atan2(dy, dx) - w(3), rr, 4, -std::numbers::pi / 4); break;
        case Shape::Triangle: d = polygon_distance(rho, at::atan2(dy, dx) - w(3), rr, 3, -std::numbers::pi / 2); break;
        case Shape::Star: d = star_distance(rho, at::atan2(dy, dx) - w(3), rr, -std::numbers::pi / 2); break;
      }
      alpha.index_copy_(0, idx, (0.5 - d).clamp(0, 1));
      // Brightness from 1 - shading at the edge up to 1 at the centre: a cone for the circle,
      // pyramids (creases where two edges are equally near) for the others, inside which,
      // as along the outline, shape differs from shape.
      if (shaded) {
        const at::Tensor depth = (-d / (rr * deepest_inside(kShapes[si]))).clamp(0, 1);
        const at::Tensor shading = pt.narrow(1, 4 * F + 3, 1).index_select(0, idx).view({n, 1, 1, 1});
        light.index_copy_(0, idx, 1 - shading * (1 - depth));
      }
    }
    alpha = alpha.unsqueeze(1);  // [B, 1, F, H, W]
    img = img + ((shaded ? colour * light.unsqueeze(1) : colour) - img) * alpha;
  }
  return img * 2 - 1;
}

at::Tensor render_frames_u8(const Scene& scene, int frames, int height, int width) {
  const at::Tensor clip = render_clips({scene}, frames, height, width, at::kCPU)[0];  // [3, F, H, W]
  return ((clip + 1) * 127.5).round().clamp(0, 255).to(at::kByte).permute({1, 2, 3, 0}).contiguous();
}

}  // namespace wanattn::demo
