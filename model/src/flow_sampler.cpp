#include "model/flow_sampler.h"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace wanattn {

std::vector<double> flow_sigmas_f64(int steps, double shift, FlowGrid grid);

namespace {

double shifted(double s, double shift) { return shift * s / (1.0 + (shift - 1.0) * s); }

void check_args(int steps, double shift) {
  if (steps < 1 || steps > 1000) throw std::invalid_argument(fmt::format("sampler: {} steps (1 to 1000)", steps));
  if (!(shift > 0)) throw std::invalid_argument(fmt::format("sampler: shift {} must be > 0", shift));
}

// UniPC with flow sigmas, solver order 2, bh2 and x0 prediction (WAN21_SPEC 5.3).
class UniPC : public FlowSampler {
 public:
  UniPC(int steps, double shift, FlowGrid grid) : sigmas_(flow_sigmas(steps, shift, grid)) {
    // From the float64 sigmas, before their float32 rounding, as both references do.
    for (double s : flow_sigmas_f64(steps, shift, grid)) timesteps_.push_back(double(int64_t(s * 1000.0)));
    for (float s : sigmas_) lambda_.push_back(s == 0.0f ? std::numeric_limits<double>::infinity()
                                                         : std::log(1.0 - double(s)) - std::log(double(s)));
  }
  const std::vector<double>& timesteps() const override { return timesteps_; }
  const std::vector<float>& sigmas() const override { return sigmas_; }
  int step_index() const override { return i_; }
  std::string name() const override { return "unipc"; }

  at::Tensor step(const at::Tensor& v, const at::Tensor& sample_in) override {
    const int N = int(timesteps_.size());
    if (i_ >= N) throw std::logic_error(fmt::format("sampler: step {} of {} was already the last", i_ + 1, N));
    const at::Tensor sample = sample_in.to(at::kFloat);
    const at::Tensor m = sample - double(sigmas_[size_t(i_)]) * v.to(at::kFloat);  // x0 prediction
    at::Tensor x = sample;
    if (i_ > 0) x = correct(m, sample);
    m_prev2_ = m_prev_;
    m_prev_ = m;
    const int order = std::min({2, N - i_, lower_order_nums_ + 1});
    last_sample_ = x;
    at::Tensor next = predict(x, order);
    if (lower_order_nums_ < 2) ++lower_order_nums_;
    this_order_ = order;
    ++i_;
    return next;
  }

 private:
  // UniC: refines this step's sample with the new model output (no extra model call).
  at::Tensor correct(const at::Tensor& m_i, const at::Tensor&) const {
    const int i = i_;
    const double s_t = sigmas_[size_t(i)], s_0 = sigmas_[size_t(i - 1)], a_t = 1.0 - s_t;
    const double h = lambda_[size_t(i)] - lambda_[size_t(i - 1)], hh = -h;
    const double phi1 = std::expm1(hh), B = phi1;
    const at::Tensor& m0 = m_prev_;
    at::Tensor x = (s_t / s_0) * last_sample_ - a_t * phi1 * m0;
    const at::Tensor d1_t = m_i - m0;
    if (this_order_ == 1) return x - a_t * B * (0.5 * d1_t);
    const double r = (lambda_[size_t(i - 2)] - lambda_[size_t(i - 1)]) / h;
    const at::Tensor D = (m_prev2_ - m0) / r;
    const double b1 = (phi1 / hh - 1.0) / B;
    const double b2 = 2.0 * ((phi1 / hh - 1.0) / hh - 0.5) / B;
    // solve [[1, 1], [r, 1]] rho = b
    const double rho1 = (b1 - b2) / (1.0 - r), rho2 = b1 - rho1;
    return x - a_t * B * (rho1 * D + rho2 * d1_t);
  }

  // UniP: the next sample.
  at::Tensor predict(const at::Tensor& x, int order) const {
    const int i = i_;
    const double s_t = sigmas_[size_t(i + 1)], s_0 = sigmas_[size_t(i)], a_t = 1.0 - s_t;
    const double h = lambda_[size_t(i + 1)] - lambda_[size_t(i)], hh = -h;
    const double phi1 = std::expm1(hh), B = phi1;  // -1 at the last step (lambda = +inf)
    at::Tensor next = (s_t / s_0) * x - a_t * phi1 * m_prev_;
    if (order == 2) {
      const double r = (lambda_[size_t(i - 1)] - lambda_[size_t(i)]) / h;
      next = next - a_t * B * 0.5 * ((m_prev2_ - m_prev_) / r);
    }
    return next;
  }

  std::vector<float> sigmas_;
  std::vector<double> timesteps_, lambda_;
  at::Tensor m_prev_, m_prev2_, last_sample_;
  int i_ = 0, lower_order_nums_ = 0, this_order_ = 1;
};

// Flow-match Euler with diffusers' schedule (the shift applied twice to the end, 5.4).
class Euler : public FlowSampler {
 public:
  Euler(int steps, double shift) {
    // diffusers: the end sigma is shifted once in float32 at construction, the grid is a
    // float64 linspace over t = 1000 sigma shifted again, then rounded to float32; the
    // timesteps are float32 sigma * 1000.
    float end = 0.001f;
    end = float(shift) * end / (1.0f + float(shift - 1.0) * end);
    const double t0 = 1000.0, t1 = double(end) * 1000.0;
    const double dt = steps > 1 ? (t1 - t0) / double(steps - 1) : 0.0;
    for (int i = 0; i < steps; ++i) {
      const double t = (steps > 1 && i == steps - 1) ? t1 : t0 + double(i) * dt;
      sigmas_.push_back(float(shifted(t / 1000.0, shift)));
      timesteps_.push_back(double(sigmas_.back() * 1000.0f));
    }
    sigmas_.push_back(0.0f);
  }
  const std::vector<double>& timesteps() const override { return timesteps_; }
  const std::vector<float>& sigmas() const override { return sigmas_; }
  int step_index() const override { return i_; }
  std::string name() const override { return "euler"; }
  at::Tensor step(const at::Tensor& v, const at::Tensor& sample) override {
    if (i_ >= int(timesteps_.size())) throw std::logic_error("sampler: all steps were already taken");
    const double dt = double(sigmas_[size_t(i_ + 1)]) - double(sigmas_[size_t(i_)]);
    ++i_;
    return (sample.to(at::kFloat) + dt * v.to(at::kFloat)).to(v.scalar_type());
  }

 private:
  std::vector<float> sigmas_;
  std::vector<double> timesteps_;
  int i_ = 0;
};

}  // namespace

const char* to_string(FlowGrid g) { return g == FlowGrid::Official ? "official" : "diffusers"; }

std::vector<double> flow_sigmas_f64(int steps, double shift, FlowGrid grid) {
  check_args(steps, shift);
  std::vector<double> out;
  const double hi = grid == FlowGrid::Official ? 0.999 : 1.0, lo = grid == FlowGrid::Official ? 0.0 : 1.0 / 1000.0;
  const double step = (lo - hi) / double(steps);  // numpy.linspace(hi, lo, steps + 1)[:-1]
  for (int i = 0; i < steps; ++i) {
    double s = shifted(double(i) * step + hi, shift);
    if (grid == FlowGrid::Diffusers && i == 0 && std::abs(s - 1.0) < 1e-6) s -= 1e-6;
    out.push_back(s);
  }
  return out;
}

std::vector<float> flow_sigmas(int steps, double shift, FlowGrid grid) {
  std::vector<float> out;
  for (double s : flow_sigmas_f64(steps, shift, grid)) out.push_back(float(s));
  out.push_back(0.0f);
  return out;
}

std::unique_ptr<FlowSampler> make_flow_sampler(const std::string& name, int steps, double shift, FlowGrid grid) {
  check_args(steps, shift);
  if (name == "unipc") return std::make_unique<UniPC>(steps, shift, grid);
  if (name == "euler") return std::make_unique<Euler>(steps, shift);
  throw std::invalid_argument(fmt::format("unknown sampler '{}' (unipc or euler)", name));
}

}  // namespace wanattn
