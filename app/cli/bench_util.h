// Small helpers the benchmark programs share: wall clock, medians, device sync, CUDA
// event timing and peak memory.
#pragma once
#include <ATen/Device.h>

#include <chrono>
#include <functional>
#include <vector>

namespace wanattn::cli {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0);
double median(std::vector<double> v);
void sync(const at::Device& d);
// Milliseconds `work` takes on the device: CUDA events around it on the current stream
// (then a synchronize), wall time on the CPU.
double time_ms(const at::Device& d, const std::function<void()>& work);
void reset_peak_memory(const at::Device& d);
double peak_memory_gb(const at::Device& d);  // since the last reset; 0 on the CPU

}  // namespace wanattn::cli
