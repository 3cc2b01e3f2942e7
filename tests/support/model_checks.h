// Helpers the model tests share (header-only: only torch-linked tests include it).
#pragma once
#include <ATen/ATen.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "model/safetensors_file.h"

namespace wanattn::test {

// max |got - want| / max |want|: the parity measure of every reference comparison.
inline double max_relative_error(const at::Tensor& got, const at::Tensor& want) {
  const at::Tensor w = want.to(at::kDouble).cpu();
  const double scale = w.abs().max().item<double>();
  return (got.to(at::kDouble).cpu() - w).abs().max().item<double>() / std::max(scale, 1e-30);
}

// Every tensor of a .safetensors file, copied out (to edit and write back broken variants).
inline std::vector<std::pair<std::string, at::Tensor>> read_all_tensors(const std::string& file) {
  const auto f = SafetensorsFile::open(file);
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& [name, e] : f->entries()) out.emplace_back(name, f->tensor(name).clone());
  return out;
}

}  // namespace wanattn::test
