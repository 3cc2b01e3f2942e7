#include "model/gpu_memory.h"

#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <ATen/ATen.h>
#include <fmt/format.h>

#include <mutex>
#include <stdexcept>

namespace wanattn {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// The index of a CUDA device whose caching allocator exists (it is made on the first
// allocation; its statistics calls fail before that).
c10::DeviceIndex index_of(at::Device device) {
  const c10::DeviceIndex i = device.has_index() ? device.index() : c10::cuda::current_device();
  static std::once_flag once[64];
  std::call_once(once[size_t(i) % 64], [&] { (void)at::empty({1}, at::TensorOptions().device(at::kCUDA, i)); });
  return i;
}

double device_total_gib(at::Device device) {
  return double(at::cuda::getDeviceProperties(index_of(device))->totalGlobalMem) / kGiB;
}

using c10::cuda::CUDACachingAllocator::getDeviceStats;
constexpr size_t kAll = size_t(c10::CachingAllocator::StatType::AGGREGATE);

}  // namespace

void set_gpu_memory_limit(at::Device device, double gib) {
  if (!device.is_cuda()) return;
  const double total = device_total_gib(device);
  static bool capped = false;  // the allocator exists only once CUDA memory was used
  if (gib <= 0) {               // no cap: back to the allocator's default (the whole device)
    if (capped) c10::cuda::CUDACachingAllocator::setMemoryFraction(1.0, index_of(device));
    capped = false;
    return;
  }
  capped = true;
  if (gib > total)
    throw std::invalid_argument(fmt::format("GPU memory limit {:.1f} GiB is more than the device has ({:.1f} GiB)", gib, total));
  c10::cuda::CUDACachingAllocator::setMemoryFraction(gib / total, index_of(device));
}

void reset_gpu_memory_peak(at::Device device) {
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(index_of(device));
}

GpuMemoryPeak gpu_memory_peak(at::Device device) {
  if (!device.is_cuda()) return {};
  const auto stats = getDeviceStats(index_of(device));
  return {double(stats.allocated_bytes[kAll].peak) / kGiB, double(stats.reserved_bytes[kAll].peak) / kGiB};
}

double gpu_memory_in_use_gib(at::Device device) {
  if (!device.is_cuda()) return 0;
  return double(getDeviceStats(index_of(device)).allocated_bytes[kAll].current) / kGiB;
}

void free_cached_gpu_memory(at::Device device) {
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::emptyCache();
}

std::string describe_gpu_memory(at::Device device) {
  if (!device.is_cuda()) return "CPU";
  const auto stats = getDeviceStats(index_of(device));
  return fmt::format("{:.2f} GiB in use by tensors (peak {:.2f}), {:.2f} GiB reserved, {:.1f} GiB on the device ({})",
                     double(stats.allocated_bytes[kAll].current) / kGiB, double(stats.allocated_bytes[kAll].peak) / kGiB,
                     double(stats.reserved_bytes[kAll].current) / kGiB, device_total_gib(device),
                     at::cuda::getDeviceProperties(index_of(device))->name);
}

}  // namespace wanattn
