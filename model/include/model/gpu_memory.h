// GPU memory bookkeeping for a run: an optional cap (share a GPU, or test the out-of-memory
// path), the peak reached, and the message a person gets when memory runs out. On the CPU
// every function is a no-op (peaks read 0).
#pragma once
#include <ATen/core/Tensor.h>

#include <string>

namespace wanattn {

struct GpuMemoryPeak {
  double allocated_gib = 0;  // tensors (what the run needed)
  double reserved_gib = 0;   // held by the caching allocator
};

// Caps this process's share of the device at `gib` (0: no cap). Throws std::invalid_argument
// when the cap is above the device's memory.
void set_gpu_memory_limit(at::Device device, double gib);
void reset_gpu_memory_peak(at::Device device);
GpuMemoryPeak gpu_memory_peak(at::Device device);
double gpu_memory_in_use_gib(at::Device device);  // tensors alive now
// Returns cached blocks to the driver (after a stage, or after running out).
void free_cached_gpu_memory(at::Device device);
// "12.3 GiB in use by tensors, 14.0 GiB reserved, 79.1 GiB on the device (NVIDIA H100 ...)".
std::string describe_gpu_memory(at::Device device);

}  // namespace wanattn
