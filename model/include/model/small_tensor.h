// Small host-made tensors (indices, sampling grids, filter matrices) moved to the compute
// device without stalling it: a plain .to(cuda) from pageable memory synchronises the stream,
// so the host could not queue the next kernels while the GPU works. Through pinned memory
// and a non-blocking copy, the copy is queued like a kernel (the caching host allocator keeps
// the pinned block until the copy has run).
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace wanattn {

inline at::Tensor to_device(const at::Tensor& cpu, at::Device device) {
  if (!device.is_cuda()) return cpu.to(device);
  return cpu.pin_memory().to(device, /*non_blocking=*/true);
}

inline at::Tensor long_tensor(const std::vector<int64_t>& v, at::Device device) {
  return to_device(at::tensor(v, at::kLong), device);
}

inline at::Tensor long_tensor(const std::vector<int>& v, at::Device device) {
  return long_tensor(std::vector<int64_t>(v.begin(), v.end()), device);
}

}  // namespace wanattn
