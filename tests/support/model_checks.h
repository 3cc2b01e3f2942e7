// Helpers the model tests share (header-only: only torch-linked tests include it).
#pragma once
#include <ATen/ATen.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/run_reader.h"
#include "model/capture_sink.h"
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

// One stored float16 map (zero-copy view of the store) as float64.
inline at::Tensor map_as_double(const MapView& v) {
  return at::from_blob(const_cast<uint16_t*>(v.data), {int64_t(v.size())}, at::kShort).view(at::kHalf).to(at::kDouble);
}

// A CaptureSink that keeps what the model hands over in memory, as float32 on the CPU:
// maps[{step, block}] = {probs [H, T, L], padding [H, L]}.
class MemorySink : public CaptureSink {
 public:
  explicit MemorySink(int tokens, bool per_head = true) : tokens_(tokens), per_head_(per_head) {}
  bool wants(int, int) const override { return true; }
  bool per_head() const override { return per_head_; }
  int tokens() const override { return tokens_; }
  void accept(int step, int block, const at::Tensor& probs, const at::Tensor& padding) override {
    maps[{step, block}] = {probs.to(at::kFloat).cpu().clone(), padding.to(at::kFloat).cpu().clone()};
  }
  std::map<std::pair<int, int>, std::pair<at::Tensor, at::Tensor>> maps;

 private:
  int tokens_;
  bool per_head_;
};

}  // namespace wanattn::test
