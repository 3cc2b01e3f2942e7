// Every map operation against a direct computation written here independently (float64
// loops over the [N, F, h, w] volume): what the operation defines, and nothing outside the
// region it is limited to.
#include <torch/torch.h>

#include <cmath>
#include <numbers>

#include "model/bend_apply.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;

namespace {

constexpr int64_t N = 3, F = 4, H = 6, W = 5;

at::Tensor volume(uint64_t seed) {
  at::manual_seed(seed);
  return at::rand({N, F, H, W}, at::kFloat) * 0.2;  // like probabilities of one token
}

Bend op(BendOp o) {
  Bend b;
  b.target = BendTarget::CrossAttention;
  b.op = o;
  return b;
}

double max_abs(const at::Tensor& a, const at::Tensor& b) { return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>(); }

// Bilinear sample of one frame at (row, col) in cell units, zeros outside (grid_sample's
// align_corners = false convention: cell centres at integers).
double sample(const at::Tensor& frame, double r, double c, BendPadding pad) {
  const int64_t h = frame.size(0), w = frame.size(1);
  auto at = [&](int64_t i, int64_t j) -> double {
    if (pad == BendPadding::Border) i = std::clamp<int64_t>(i, 0, h - 1), j = std::clamp<int64_t>(j, 0, w - 1);
    if (i < 0 || i >= h || j < 0 || j >= w) return 0.0;
    return frame[i][j].item<double>();
  };
  if (pad == BendPadding::Border) r = std::clamp(r, 0.0, double(h - 1)), c = std::clamp(c, 0.0, double(w - 1));
  const int64_t i0 = int64_t(std::floor(r)), j0 = int64_t(std::floor(c));
  const double fr = r - double(i0), fc = c - double(j0);
  return (1 - fr) * ((1 - fc) * at(i0, j0) + fc * at(i0, j0 + 1)) + fr * ((1 - fc) * at(i0 + 1, j0) + fc * at(i0 + 1, j0 + 1));
}

// Rotation by `deg` counter-clockwise on screen (rows grow downwards) about the grid centre.
at::Tensor rotate_ref(const at::Tensor& x, double deg, BendPadding pad) {
  at::Tensor out = at::zeros(x.sizes(), at::kDouble);
  const double t = deg * std::numbers::pi / 180, ci = (H - 1) / 2.0, cj = (W - 1) / 2.0;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t f = 0; f < F; ++f)
      for (int64_t i = 0; i < H; ++i)
        for (int64_t j = 0; j < W; ++j) {
          // The output cell shows the source cell the rotation brought there.
          const double u = j - cj, v = i - ci;
          out[n][f][i][j] = sample(x[n][f], v * std::cos(t) + u * std::sin(t) + ci, u * std::cos(t) - v * std::sin(t) + cj, pad);
        }
  return out;
}

at::Tensor blur_ref(const at::Tensor& x, double sigma, double sigma_t) {
  const int64_t r = int64_t(std::ceil(3 * sigma)), rt = int64_t(std::ceil(3 * sigma_t));
  auto g = [](int64_t k, double s) { return s > 0 ? std::exp(-double(k * k) / (2 * s * s)) : (k == 0 ? 1.0 : 0.0); };
  at::Tensor out = at::zeros(x.sizes(), at::kDouble);
  const at::Tensor xd = x.to(at::kDouble);
  auto a = xd.accessor<double, 4>();
  auto o = out.accessor<double, 4>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t f = 0; f < F; ++f)
      for (int64_t i = 0; i < H; ++i)
        for (int64_t j = 0; j < W; ++j) {
          double sum = 0, norm = 0;
          for (int64_t df = -rt; df <= rt; ++df)
            for (int64_t di = -r; di <= r; ++di)
              for (int64_t dj = -r; dj <= r; ++dj) {
                const double k = g(df, sigma_t) * g(di, sigma) * g(dj, sigma);
                norm += k;
                sum += k * a[n][std::clamp<int64_t>(f + df, 0, F - 1)][std::clamp<int64_t>(i + di, 0, H - 1)]
                            [std::clamp<int64_t>(j + dj, 0, W - 1)];
              }
          o[n][f][i][j] = sum / norm;
        }
  return out;
}

// Ideal radial filter through an explicit 2-D DFT (float64), per frame.
at::Tensor frequency_ref(const at::Tensor& x, double cutoff, bool high) {
  at::Tensor out = at::zeros(x.sizes(), at::kDouble);
  const double pi = std::numbers::pi;
  auto freq = [](int64_t k, int64_t n) { return double(k < (n + 1) / 2 ? k : k - n) / double(n); };
  for (int64_t n = 0; n < N; ++n)
    for (int64_t f = 0; f < F; ++f) {
      std::vector<std::complex<double>> spec(size_t(H * W));
      for (int64_t u = 0; u < H; ++u)
        for (int64_t v = 0; v < W; ++v) {
          std::complex<double> s = 0;
          for (int64_t i = 0; i < H; ++i)
            for (int64_t j = 0; j < W; ++j)
              s += x[n][f][i][j].item<double>() * std::polar(1.0, -2 * pi * (double(u * i) / H + double(v * j) / W));
          const double rho = std::hypot(freq(u, H), freq(v, W)) / 0.5;
          const bool keep = high ? (rho > cutoff || rho == 0) : rho <= cutoff;
          spec[size_t(u * W + v)] = keep ? s : 0.0;
        }
      for (int64_t i = 0; i < H; ++i)
        for (int64_t j = 0; j < W; ++j) {
          std::complex<double> s = 0;
          for (int64_t u = 0; u < H; ++u)
            for (int64_t v = 0; v < W; ++v)
              s += spec[size_t(u * W + v)] * std::polar(1.0, 2 * pi * (double(u * i) / H + double(v * j) / W));
          out[n][f][i][j] = s.real() / double(H * W);
        }
    }
  return out;
}

}  // namespace

TEST_CASE("bend ops: scale, add, zero, invert, threshold, clamp, flip", "[fast]") {
  const at::Tensor x = volume(1);
  const at::Tensor none;
  Bend b = op(BendOp::Scale);
  b.params.factor = -1.5;
  CHECK(max_abs(bend_op(b, x, 0, none), x.to(at::kDouble) * -1.5) <= 1e-7);
  b = op(BendOp::Add);
  b.params.value = 0.3;
  CHECK(max_abs(bend_op(b, x, 0, none), x.to(at::kDouble) + 0.3) <= 1e-7);
  CHECK(at::equal(bend_op(op(BendOp::Zero), x, 0, none), at::zeros_like(x)));
  CHECK(at::equal(bend_op(op(BendOp::Zero), x, kEmptyLogit, none), at::full_like(x, kEmptyLogit)));
  // Invert and threshold work per map (each n has its own min and max).
  const at::Tensor inv = bend_op(op(BendOp::Invert), x, 0, none);
  b = op(BendOp::Threshold);
  b.params.level = 0.6;
  const at::Tensor thr = bend_op(b, x, -7, none);
  for (int64_t n = 0; n < N; ++n) {
    const double lo = x[n].min().item<double>(), hi = x[n].max().item<double>();
    CHECK(max_abs(inv[n], lo + hi - x[n].to(at::kDouble)) <= 1e-7);
    const at::Tensor keep = x[n] >= lo + 0.6 * (hi - lo);
    CHECK(at::equal(thr[n], at::where(keep, x[n], at::full_like(x[n], -7))));
    CHECK(keep.any().item<bool>());
    CHECK(!keep.all().item<bool>());
  }
  b = op(BendOp::Clamp);
  b.params.min = 0.05, b.params.max = 0.1;
  CHECK(at::equal(bend_op(b, x, 0, none), x.clamp(0.05, 0.1)));
  b = op(BendOp::Flip);
  for (auto [axis, dim] : {std::pair{BendAxis::X, 3}, std::pair{BendAxis::Y, 2}, std::pair{BendAxis::T, 1}}) {
    b.params.axis = axis;
    const at::Tensor y = bend_op(b, x, 0, none);
    CHECK(y[1][2][0][0].item<float>() == x[1][dim == 1 ? F - 3 : 2][dim == 2 ? H - 1 : 0][dim == 3 ? W - 1 : 0].item<float>());
    CHECK(at::equal(y, at::flip(x, {dim})));
  }
}

TEST_CASE("bend ops: rotate (bilinear, counter-clockwise on screen) and translate, every padding", "[fast]") {
  const at::Tensor x = volume(2);
  const at::Tensor none;
  Bend b = op(BendOp::Rotate);
  for (double deg : {90.0, -37.0, 180.0})
    for (BendPadding pad : {BendPadding::Zeros, BendPadding::Border}) {
      INFO("degrees " << deg << " padding " << to_string(pad));
      b.params.degrees = deg;
      b.params.padding = pad;
      CHECK(max_abs(bend_op(b, x, 0, none), rotate_ref(x, deg, pad)) <= 1e-5);
    }
  // On a square grid a quarter turn is a permutation: numpy's rot90 (counter-clockwise).
  at::manual_seed(3);
  const at::Tensor sq = at::rand({2, 1, 5, 5});
  b.params.degrees = 90;
  b.params.padding = BendPadding::Zeros;
  CHECK(max_abs(bend_op(b, sq, 0, none), at::rot90(sq, 1, {2, 3})) <= 1e-6);
  // Logits: what comes in from outside is "never" (kEmptyLogit), not 0.
  b.params.degrees = 45;
  const at::Tensor lg = bend_op(b, sq, kEmptyLogit, none);
  CHECK(lg[0][0][0][0].item<float>() < -1000);                          // a corner comes from outside
  CHECK(std::abs(lg[0][0][2][2].item<float>() - sq[0][0][2][2].item<float>()) < 1e-5);  // the centre stays

  Bend t = op(BendOp::Translate);
  t.params.dx = 2, t.params.dy = -1, t.params.dt = 1;
  for (BendPadding pad : {BendPadding::Zeros, BendPadding::Border, BendPadding::Reflect}) {
    INFO("padding " << to_string(pad));
    t.params.padding = pad;
    const at::Tensor y = bend_op(t, x, -3, none);
    auto src = [&](int64_t s, int64_t n) -> std::optional<int64_t> {  // index a shift brings in
      if (s >= 0 && s < n) return s;
      if (pad == BendPadding::Zeros) return std::nullopt;
      if (pad == BendPadding::Border) return std::clamp<int64_t>(s, 0, n - 1);
      return s < 0 ? -s - 1 : 2 * n - 1 - s;  // mirrored about the outer edge
    };
    double err = 0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t f = 0; f < F; ++f)
        for (int64_t i = 0; i < H; ++i)
          for (int64_t j = 0; j < W; ++j) {
            const auto sf = src(f - 1, F), si = src(i + 1, H), sj = src(j - 2, W);
            const double want = sf && si && sj ? x[n][*sf][*si][*sj].item<double>() : -3.0;
            err = std::max(err, std::abs(y[n][f][i][j].item<double>() - want));
          }
    CHECK(err <= 1e-5);
  }
}

TEST_CASE("bend ops: gaussian blur, sharpen, low- and high-pass filters", "[fast]") {
  const at::Tensor x = volume(4);
  const at::Tensor none;
  Bend b = op(BendOp::Blur);
  b.params.sigma = 0.8, b.params.sigma_t = 0.6;
  CHECK(max_abs(bend_op(b, x, 0, none), blur_ref(x, 0.8, 0.6)) <= 1e-6);
  b.params.sigma = 2.5, b.params.sigma_t = 0;  // wider than the grid: edges replicated
  CHECK(max_abs(bend_op(b, x, 0, none), blur_ref(x, 2.5, 0)) <= 1e-6);
  Bend s = op(BendOp::Sharpen);
  s.params.amount = 1.7, s.params.sigma = 1.2;
  CHECK(max_abs(bend_op(s, x, 0, none), x.to(at::kDouble) + 1.7 * (x.to(at::kDouble) - blur_ref(x, 1.2, 0))) <= 1e-6);
  for (bool high : {false, true})
    for (double cutoff : {0.45, 0.8}) {  // the lowest non-zero radius here is 1/3 (one cycle over 6 rows)
      INFO((high ? "high" : "low") << "-pass cutoff " << cutoff);
      Bend f = op(high ? BendOp::HighPass : BendOp::LowPass);
      f.params.cutoff = cutoff;
      const at::Tensor got = bend_op(f, x, 0, none), want = frequency_ref(x, cutoff, high);
      CHECK(max_abs(got, want) <= 1e-6);
      CHECK(max_abs(got, x) > 1e-3);  // it did filter something
      if (high) CHECK(max_abs(got.mean({2, 3}), x.mean({2, 3})) <= 1e-6);  // the mean stays
    }
}

TEST_CASE("bend regions: rect, frames, painted mask, invert, and the blend leaves the outside untouched", "[fast]") {
  BendRegion r;
  r.rect = std::vector<double>{0.2, 0.0, 0.6, 0.5};  // columns with centre in [0.2, 0.6): 1, 2; rows 0-2
  r.frames = std::vector<int>{1, 2};
  const at::Tensor w = region_weight(r, {F, H, W}, at::kCPU);
  at::Tensor want = at::zeros({F, H, W});
  want.narrow(0, 1, 2).narrow(1, 0, 3).narrow(2, 1, 2).fill_(1);
  CHECK(at::equal(w, want));
  r.invert = true;
  CHECK(at::equal(region_weight(r, {F, H, W}, at::kCPU), 1 - want));

  BendRegion m;  // a painted mask at the grid's own size is used as it is
  at::manual_seed(5);
  const at::Tensor paint = at::rand({H, W});
  m.mask = BendMask{int(H), int(W), std::vector<float>(paint.data_ptr<float>(), paint.data_ptr<float>() + H * W)};
  CHECK(max_abs(region_weight(m, {F, H, W}, at::kCPU), paint.expand({F, H, W})) <= 1e-7);
  m.mask = BendMask{1, 2, {0.0f, 1.0f}};  // other sizes: bilinear, left half dark, right half bright
  const at::Tensor wide = region_weight(m, {F, H, W}, at::kCPU);
  CHECK(wide[0][0][0].item<float>() == 0.0f);
  CHECK(wide[0][0][W - 1].item<float>() == Approx(1.0f));

  // Scale inside the rect with strength 0.5: lerp there, bit-for-bit x elsewhere.
  const at::Tensor x = volume(6);
  Bend b = op(BendOp::Scale);
  b.params.factor = 3;
  b.strength = 0.5;
  const at::Tensor y = apply_bend(b, x, 0, want);
  CHECK(at::equal(y.masked_select(want.expand_as(x) == 0), x.masked_select(want.expand_as(x) == 0)));
  CHECK(max_abs(y.masked_select(want.expand_as(x) == 1), x.masked_select(want.expand_as(x) == 1) * 2) <= 1e-7);
  // Mask keeps the region (blended by strength alone) and empties the rest.
  Bend k = op(BendOp::Mask);
  const at::Tensor kept = apply_bend(k, x, kEmptyLogit, want);
  CHECK(at::equal(kept.masked_select(want.expand_as(x) == 1), x.masked_select(want.expand_as(x) == 1)));
  CHECK((kept.masked_select(want.expand_as(x) == 0) == float(kEmptyLogit)).all().item<bool>());
  // Strength 0 and a zero region change nothing at all.
  b.strength = 0;
  CHECK(at::equal(apply_bend(b, x, 0, want), x));
}
