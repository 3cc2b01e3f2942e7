#include "model/torch_runtime.h"

#include <ATen/ATen.h>
#include <c10/cuda/CUDAFunctions.h>
#include <fmt/format.h>
#include <torch/version.h>

#if __has_include(<cuda_runtime_api.h>)
#include <cuda_runtime_api.h>
#define WANATTN_HAVE_CUDA_RUNTIME 1
#endif

namespace wanattn {

TorchRuntime torch_runtime() {
  TorchRuntime rt;
  rt.torch_version = TORCH_VERSION;
  rt.cuda_available = at::hasCUDA() && c10::cuda::device_count() > 0;
  if (rt.cuda_available) {
    rt.cuda_devices = int(c10::cuda::device_count());
#ifdef WANATTN_HAVE_CUDA_RUNTIME
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
      rt.device_name = prop.name;
      rt.device_memory_gib = double(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0);
    }
#endif
  }
  return rt;
}

std::string describe(const TorchRuntime& rt) {
  if (!rt.cuda_available) return fmt::format("libtorch {} (CPU only: no CUDA device)", rt.torch_version);
  return fmt::format("libtorch {} with CUDA: {} device(s), {} ({:.0f} GiB)", rt.torch_version, rt.cuda_devices,
                     rt.device_name, rt.device_memory_gib);
}

}  // namespace wanattn
