// What the linked libtorch offers on this machine: version, CUDA devices. Used by
// `wanattn --version` and to decide whether GPU work (and [gpu] tests) can run.
#pragma once
#include <string>

namespace wanattn {

struct TorchRuntime {
  std::string torch_version;   // e.g. "2.11.0"
  bool cuda_available = false;
  int cuda_devices = 0;
  std::string device_name;     // first CUDA device, empty without CUDA
  double device_memory_gib = 0;
};

TorchRuntime torch_runtime();
std::string describe(const TorchRuntime& rt);

}  // namespace wanattn
