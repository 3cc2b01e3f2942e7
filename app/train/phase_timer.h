// --profile: where a training step's time goes. Between two marks the device is drained, so
// each phase gets the host and device time it takes alone; the phases then add up to more
// than an unprofiled step, whose host work (drawing scenes, tokenizing) overlaps the device's.
#pragma once
#include <ATen/Context.h>
#include <c10/core/Device.h>
#include <c10/cuda/CUDAFunctions.h>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wanattn::train {

class PhaseTimer {
 public:
  explicit PhaseTimer(at::Device device) : device_(device) {}

  bool on() const { return on_; }
  // Starts (or stops) timing; marks are ignored while off.
  void set_on(bool on) {
    on_ = on;
    restart();
  }
  // The time since the last mark (or restart) goes to `phase`.
  void mark(std::string_view phase) {
    if (!on_) return;
    drain();
    const auto now = Clock::now();
    auto it = ms_.find(phase);
    if (it == ms_.end()) {
      it = ms_.emplace(std::string(phase), 0.0).first;
      order_.emplace_back(phase);
    }
    it->second += std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
  }
  // A new step: what happened since the last mark (logging, say) is not counted.
  void restart() {
    if (!on_) return;
    drain();
    last_ = Clock::now();
  }
  // Mean milliseconds per step of every phase, in the order first marked.
  void report(std::ostream& log, int steps) const {
    double total = 0;
    for (const auto& p : order_) total += ms_.at(p);
    fmt::print(log, "profile over {} steps (device drained between phases):\n", steps);
    for (const auto& p : order_)
      fmt::print(log, "  {:<44} {:8.2f} ms/step  {:5.1f} %\n", p, ms_.at(p) / steps, 100 * ms_.at(p) / std::max(total, 1e-9));
    fmt::print(log, "  {:<44} {:8.2f} ms/step\n", "sum", total / steps);
  }

 private:
  using Clock = std::chrono::steady_clock;
  void drain() const {
    if (device_.is_cuda()) c10::cuda::device_synchronize();
  }
  at::Device device_;
  bool on_ = false;
  Clock::time_point last_;
  std::map<std::string, double, std::less<>> ms_;  // less<>: looked up by string_view
  std::vector<std::string> order_;
};

}  // namespace wanattn::train
