#include "bench_util.h"

#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/cuda.h>

#include <algorithm>

namespace wanattn::cli {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void sync(const at::Device& d) {
  if (d.is_cuda()) torch::cuda::synchronize();
}

double time_ms(const at::Device& d, const std::function<void()>& work) {
  if (!d.is_cuda()) {
    const auto t0 = Clock::now();
    work();
    return since(t0) * 1e3;
  }
  at::cuda::CUDAEvent start(cudaEventDefault), end(cudaEventDefault);
  start.record(c10::cuda::getCurrentCUDAStream());
  work();
  end.record(c10::cuda::getCurrentCUDAStream());
  end.synchronize();
  return double(start.elapsed_time(end));
}

static c10::DeviceIndex index_of(const at::Device& d) { return d.index() < 0 ? 0 : d.index(); }

void reset_peak_memory(const at::Device& d) {
  if (d.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(index_of(d));
}

double peak_memory_gb(const at::Device& d) {
  if (!d.is_cuda()) return 0;
  return double(c10::cuda::CUDACachingAllocator::getDeviceStats(index_of(d)).allocated_bytes[0].peak) / double(1ull << 30);
}

}  // namespace wanattn::cli
