// Where a model's tensors live and in which dtype its matrix multiplications run.
// CPU: everything fp32. CUDA: bf16 for linear/conv weights and attention, fp32 for norms,
// modulation, time embedding, head and the residual stream (the official Wan2.1 numerics).
#pragma once
#include <ATen/ATen.h>

namespace wanattn {

struct ModuleOptions {
  at::Device device = at::kCPU;
  at::ScalarType matmul_dtype = at::kFloat;

  at::TensorOptions matmul() const { return at::TensorOptions().device(device).dtype(matmul_dtype); }
  at::TensorOptions fp32() const { return at::TensorOptions().device(device).dtype(at::kFloat); }
  bool cuda() const { return device.is_cuda(); }
};

// fp32 on CPU, bf16 matmuls on CUDA.
ModuleOptions default_module_options(at::Device device);

}  // namespace wanattn
