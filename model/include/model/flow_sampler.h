// Flow-matching samplers for Wan2.1 (WAN21_SPEC 5): the sigma grids (official and diffusers
// differ; the caller picks one and records it in the run manifest), UniPC (order 2, bh2,
// x0-predicting, lower order at the end) and flow-match Euler. x_sigma = (1 - s) x0 + s eps;
// the DiT predicts the velocity eps - x0.
#pragma once
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

namespace wanattn {

enum class FlowGrid { Official, Diffusers };
const char* to_string(FlowGrid grid);

// N + 1 sigmas (float32 values, the last 0) for N steps with `shift`.
std::vector<float> flow_sigmas(int steps, double shift, FlowGrid grid);

class FlowSampler {
 public:
  virtual ~FlowSampler() = default;
  // The timestep the DiT sees at each step (UniPC: truncated to an integer; Euler: exact).
  virtual const std::vector<double>& timesteps() const = 0;
  virtual const std::vector<float>& sigmas() const = 0;  // N + 1
  // One step: the model's velocity at the current sample -> the next sample. Steps must be
  // taken in order, N of them.
  virtual at::Tensor step(const at::Tensor& velocity, const at::Tensor& sample) = 0;
  virtual int step_index() const = 0;
  virtual std::string name() const = 0;
};

// "unipc" (grid as given) or "euler" (diffusers' FlowMatchEuler schedule; grid ignored).
std::unique_ptr<FlowSampler> make_flow_sampler(const std::string& name, int steps, double shift, FlowGrid grid);

}  // namespace wanattn
