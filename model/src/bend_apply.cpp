#include "model/bend_apply.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "model/small_tensor.h"

namespace wanattn {
namespace {

at::Tensor on(const at::Tensor& cpu, const at::Tensor& like) { return to_device(cpu.to(at::kFloat), like.device()); }

// Separable gaussian blur over the rows/columns (sigma cells) and frames (sigma_t):
// small [n, n] matrices, so the edges (replicated) and tiny grids need no special case.
at::Tensor blur(const at::Tensor& x, double sigma, double sigma_t) {
  const int64_t F = x.size(1), h = x.size(2), w = x.size(3);
  at::Tensor y = x;
  if (sigma > 0) {
    y = at::matmul(y, gaussian_blur_matrix(w, sigma, x.device()).t());  // along w
    y = at::matmul(gaussian_blur_matrix(h, sigma, x.device()), y);      // along h
  }
  if (sigma_t > 0) y = at::matmul(y.permute({0, 2, 3, 1}), gaussian_blur_matrix(F, sigma_t, x.device()).t()).permute({0, 3, 1, 2});
  return y.contiguous();
}

// Frames moved `dt` later; what comes in follows the padding (reflect: mirrored about the
// first/last frame's outer edge, as grid_sample's reflection).
at::Tensor shift_frames(const at::Tensor& x, int dt, BendPadding padding, double empty) {
  const int64_t F = x.size(1);
  std::vector<int64_t> src(static_cast<size_t>(F), 0);
  std::vector<bool> outside(size_t(F), false);
  for (int64_t f = 0; f < F; ++f) {
    int64_t s = f - dt;
    if (s < 0 || s >= F) {
      if (padding == BendPadding::Zeros) outside[size_t(f)] = true;
      if (padding == BendPadding::Border) s = std::clamp<int64_t>(s, 0, F - 1);
      if (padding == BendPadding::Reflect) {
        s = ((s % (2 * F)) + 2 * F) % (2 * F);
        if (s >= F) s = 2 * F - 1 - s;
      }
    }
    src[size_t(f)] = std::clamp<int64_t>(s, 0, F - 1);
  }
  at::Tensor y = x.index_select(1, long_tensor(src, x.device()));
  for (int64_t f = 0; f < F; ++f)
    if (outside[size_t(f)]) y.select(1, f).fill_(empty);
  return y;
}

// Ideal radial filter per frame in the 2-D spectrum: rho = |frequency| / 0.5 cycles per
// cell (1 = Nyquist along an axis). Low-pass keeps rho <= cutoff; high-pass keeps
// rho > cutoff and the mean (rho = 0), so a map's total stays where it was.
at::Tensor frequency_filter(const at::Tensor& x, double cutoff, bool high) {
  const int64_t h = x.size(2), w = x.size(3);
  const at::Tensor fy = at::fft_fftfreq(h, 1.0, at::TensorOptions().dtype(at::kDouble)).view({h, 1});
  const at::Tensor fx = at::fft_rfftfreq(w, 1.0, at::TensorOptions().dtype(at::kDouble)).view({1, -1});
  const at::Tensor rho = at::sqrt(fy * fy + fx * fx) / 0.5;  // [h, w/2 + 1]
  const at::Tensor keep = high ? (rho > cutoff).logical_or(rho == 0) : (rho <= cutoff);
  const at::Tensor spectrum = at::fft_rfft2(x) * on(keep.to(at::kFloat), x);
  const std::vector<int64_t> size{h, w};
  return at::fft_irfft2(spectrum, at::IntArrayRef(size));
}

}  // namespace

at::Tensor gaussian_blur_matrix(int64_t n, double sigma, at::Device device) {
  at::Tensor m = at::zeros({n, n}, at::kDouble);
  if (sigma <= 0 || n == 1) return at::eye(n, at::TensorOptions().dtype(at::kFloat).device(device));  // made on the device
  const int64_t r = int64_t(std::ceil(3 * sigma));
  std::vector<double> g;
  double sum = 0;
  for (int64_t k = -r; k <= r; ++k) sum += g.emplace_back(std::exp(-double(k * k) / (2 * sigma * sigma)));
  auto a = m.accessor<double, 2>();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = -r; k <= r; ++k) a[i][std::clamp<int64_t>(i + k, 0, n - 1)] += g[size_t(k + r)] / sum;
  return to_device(m.to(at::kFloat), device);
}

at::Tensor resample_frames(const at::Tensor& x, double degrees, double dx, double dy, BendPadding padding, double empty) {
  const int64_t N = x.size(0), F = x.size(1), h = x.size(2), w = x.size(3);
  // Output cell p samples the source at R(-theta) (p - c - t) + c, with y pointing down, so
  // the content turns counter-clockwise on screen and then moves by t = (dx, dy).
  const double th = degrees * std::numbers::pi / 180.0, c = std::cos(th), s = std::sin(th);
  const double ci = double(h - 1) / 2, cj = double(w - 1) / 2;
  at::Tensor grid = at::empty({1, h, w, 2}, at::kDouble);
  auto g = grid.accessor<double, 4>();
  for (int64_t i = 0; i < h; ++i)
    for (int64_t j = 0; j < w; ++j) {
      const double u = double(j) - cj - dx, v = double(i) - ci - dy;
      const double sj = u * c - v * s + cj, si = u * s + v * c + ci;
      g[0][i][j][0] = (2 * sj + 1) / double(w) - 1;  // align_corners = false: cell centres
      g[0][i][j][1] = (2 * si + 1) / double(h) - 1;
    }
  const at::Tensor gr = on(grid, x);
  const int64_t mode = padding == BendPadding::Zeros ? 0 : padding == BendPadding::Border ? 1 : 2;
  at::Tensor y = at::grid_sampler(x.reshape({N * F, 1, h, w}), gr.expand({N * F, h, w, 2}), 0, mode, false);
  if (padding == BendPadding::Zeros && empty != 0) {
    // Where part of a sample fell outside, that part is "nothing" in this domain.
    const at::Tensor inside = at::grid_sampler(at::ones({1, 1, h, w}, x.options()), gr, 0, 0, false);
    y = at::where(inside >= 1 - 1e-6, y, y + (1 - inside) * empty);
  }
  return y.view({N, F, h, w});
}

at::Tensor region_weight(const BendRegion& r, std::array<int64_t, 3> grid, at::Device device) {
  const auto [F, h, w] = grid;
  const auto dbl = at::TensorOptions().dtype(at::kDouble);
  at::Tensor W = at::ones({F, h, w}, dbl);
  if (r.rect) {
    const auto& q = *r.rect;
    const at::Tensor xs = (at::arange(w, dbl) + 0.5) / double(w), ys = (at::arange(h, dbl) + 0.5) / double(h);
    const at::Tensor in = ((ys >= q[1]) & (ys < q[3])).view({h, 1}) & ((xs >= q[0]) & (xs < q[2])).view({1, w});
    W = W * in.to(at::kDouble);
  }
  if (r.mask) {
    at::Tensor m = at::tensor(r.mask->values, at::kFloat).view({1, 1, r.mask->rows, r.mask->cols});
    if (r.mask->rows != h || r.mask->cols != w) m = at::upsample_bilinear2d(m, {h, w}, false).clamp(0, 1);
    W = W * m.view({1, h, w}).to(at::kDouble);
  }
  if (r.frames)
    for (int64_t f = 0; f < F; ++f)
      if (f < (*r.frames)[0] || f > (*r.frames)[1]) W.select(0, f).zero_();
  if (r.invert) W = 1 - W;
  return W.to(device, at::kFloat);
}

at::Tensor bend_op(const Bend& b, const at::Tensor& x, double empty, const at::Tensor& region) {
  const BendParams& p = b.params;
  switch (b.op) {
    case BendOp::Scale: return x * p.factor;
    case BendOp::Add: return x + p.value;
    case BendOp::Zero: return at::full_like(x, empty);
    case BendOp::Invert: return x.amax({1, 2, 3}, true) + x.amin({1, 2, 3}, true) - x;
    case BendOp::Threshold: {
      const at::Tensor lo = x.amin({1, 2, 3}, true), hi = x.amax({1, 2, 3}, true);
      return x.masked_fill(x < lo + p.level * (hi - lo), empty);
    }
    case BendOp::Rotate: return resample_frames(x, p.degrees, 0, 0, p.padding, empty);
    case BendOp::Translate: {
      at::Tensor y = (p.dx != 0 || p.dy != 0) ? resample_frames(x, 0, p.dx, p.dy, p.padding, empty) : x;
      return p.dt != 0 ? shift_frames(y, p.dt, p.padding, empty) : y;
    }
    case BendOp::Flip: return at::flip(x, {p.axis == BendAxis::X ? 3 : p.axis == BendAxis::Y ? 2 : 1});
    case BendOp::Blur: return blur(x, p.sigma, p.sigma_t);
    case BendOp::Sharpen: return x + p.amount * (x - blur(x, p.sigma, 0));
    case BendOp::Mask: return region.defined() ? at::lerp(at::full_like(x, empty), x, region) : x;
    case BendOp::LowPass: return frequency_filter(x, p.cutoff, false);
    case BendOp::HighPass: return frequency_filter(x, p.cutoff, true);
    case BendOp::Clamp: return x.clamp(p.min, p.max);
    case BendOp::Temperature: break;
  }
  throw std::logic_error("bend_op: temperature is computed by the self-attention, not on a map");
}

at::Tensor bend_blend(const Bend& b, const at::Tensor& x, const at::Tensor& y, const at::Tensor& region) {
  if (b.op == BendOp::Mask || !region.defined()) return b.strength >= 1.0 ? y : at::lerp(x, y, b.strength);
  return at::lerp(x, y, region * b.strength);
}

at::Tensor apply_bend(const Bend& b, const at::Tensor& x, double empty, const at::Tensor& region) {
  return bend_blend(b, x, bend_op(b, x, empty, region), region);
}

}  // namespace wanattn
