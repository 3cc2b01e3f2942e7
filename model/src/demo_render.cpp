#include "model/demo_render.h"

#include "model/small_tensor.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
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

// Signed distance to a five-pointed star with tips at radius r, one tip at angle `tip`:
// folded into the half-sector next to a tip, it is the distance to the edge line from the
// tip (r, 0) to the inner vertex (k r cos 36, k r sin 36).
at::Tensor star_distance(const at::Tensor& rho, const at::Tensor& theta, const at::Tensor& r, double tip) {
  const double sector = 2 * std::numbers::pi / 5, half = sector / 2;
  const at::Tensor a = at::remainder(theta - tip, sector);
  const at::Tensor b = at::minimum(a, sector - a);  // angle from the nearest tip, [0, 36 deg]
  // Edge direction (inner - tip) for r = 1, and its outward unit normal.
  const double ex = kStarInner * std::cos(half) - 1.0, ey = kStarInner * std::sin(half);
  const double len = std::hypot(ex, ey), nx = ey / len, ny = -ex / len;
  return nx * (rho * at::cos(b) - r) + ny * (rho * at::sin(b));
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

  // One object slot at a time (of every clip): its parameters per frame, then coverage.
  for (size_t k = 0; k < K; ++k) {
    // Per clip: cx, cy, r, angle for every frame, then shape, present, r, g, b.
    std::vector<float> par(size_t(B) * (4 * F + 5), 0.0f);
    for (int64_t b = 0; b < B; ++b) {
      const auto& objs = scenes[size_t(b)].objects;
      if (k >= objs.size()) continue;
      const SceneObject& o = objs[k];
      float* p = par.data() + b * (4 * F + 5);
      for (int64_t f = 0; f < F; ++f) {
        const int t = int(f) * frame_step;  // the video frame
        p[f] = float(o.x(t) * W);
        p[F + f] = float(o.y(t) * H);
        p[2 * F + f] = float(o.radius(t) * shape_scale(o.spec.shape) * unit);
        p[3 * F + f] = float(o.angle(t));
      }
      const auto c = rgb(o.spec.colour);
      p[4 * F] = float(int(o.spec.shape));
      p[4 * F + 1] = 1.0f;
      for (int i = 0; i < 3; ++i) p[4 * F + 2 + i] = c[size_t(i)];
    }
    const at::Tensor pt = to_device(at::tensor(par, cpu).view({B, 4 * F + 5}), device);
    auto v = [&](int i) { return pt.narrow(1, i * F, F).reshape({B, F, 1, 1}); };
    const at::Tensor dx = px - v(0), dy = py - v(1), rr = v(2);                 // [B, F, H, W]
    const at::Tensor rho = at::sqrt(dx * dx + dy * dy);
    const at::Tensor theta = at::atan2(dy, dx) - v(3);
    const at::Tensor s = pt.select(1, 4 * F).view({B, 1, 1, 1});
    const at::Tensor present = pt.select(1, 4 * F + 1).view({B, 1, 1, 1});
    const at::Tensor colour = pt.narrow(1, 4 * F + 2, 3).reshape({B, 3, 1, 1, 1});
    // Rotation 0: triangle and star point up, the square sits on an edge.
    at::Tensor d = at::where(s == float(int(Shape::Circle)), rho - rr,
                             at::where(s == float(int(Shape::Square)), polygon_distance(rho, theta, rr, 4, -std::numbers::pi / 4),
                                       at::where(s == float(int(Shape::Triangle)), polygon_distance(rho, theta, rr, 3, -std::numbers::pi / 2),
                                                 star_distance(rho, theta, rr, -std::numbers::pi / 2))));
    const at::Tensor alpha = ((0.5 - d).clamp(0, 1) * present).unsqueeze(1);  // [B, 1, F, H, W]
    img = img + (colour - img) * alpha;
  }
  return img * 2 - 1;
}

at::Tensor render_frames_u8(const Scene& scene, int frames, int height, int width) {
  const at::Tensor clip = render_clips({scene}, frames, height, width, at::kCPU)[0];  // [3, F, H, W]
  return ((clip + 1) * 127.5).round().clamp(0, 255).to(at::kByte).permute({1, 2, 3, 0}).contiguous();
}

}  // namespace wanattn::demo
