#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

#include "catch_compat.h"
#include "model/torch_runtime.h"

using namespace wanattn;

TEST_CASE("libtorch is linked and computes on the CPU", "[fast]") {
  const TorchRuntime rt = torch_runtime();
  CHECK_FALSE(rt.torch_version.empty());
  const at::Tensor a = at::arange(6, at::kFloat).reshape({2, 3});
  CHECK(at::matmul(a, a.t()).sum().item<float>() == Approx(5 + 14 + 14 + 50));  // [[5,14],[14,50]]
}

TEST_CASE("CUDA device reports itself and computes", "[gpu]") {
  const TorchRuntime rt = torch_runtime();
  if (!rt.cuda_available) WANATTN_SKIP("no CUDA device");
  CHECK_FALSE(rt.device_name.empty());
  const at::Tensor a = at::ones({64, 64}, at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16));
  CHECK(at::matmul(a, a).sum().item<float>() == Approx(64.0 * 64 * 64));
}

TEST_CASE("std::filesystem works in programs that link libtorch", "[fast]") {
  // Regression: libtorch.so exports a broken std::filesystem::remove_all that crashed
  // `wanattn bench store`; the model target puts libstdc++ first (model/CMakeLists.txt).
  const auto dir = std::filesystem::temp_directory_path() / "wanattn-fs-check" / "a" / "b";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "f.txt") << "x";
  CHECK(std::filesystem::remove_all(dir.parent_path().parent_path()) == 4);
  CHECK_FALSE(std::filesystem::exists(dir));
}
