// A memory-mapped .safetensors file. The header is validated before any tensor is handed
// out: JSON shape, dtypes, data offsets within the file, no overlaps, and
// bytes == prod(shape) * dtype size. Tensors are zero-copy CPU views of the mapping that
// keep it alive. Any thread may read; the object is immutable after open().
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wanattn {

struct SafetensorsEntry {
  std::string dtype;  // as written: "F32", "F16", "BF16", "F8_E4M3", ...
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte offsets into the data section
};

class SafetensorsFile {
 public:
  // Throws WeightError naming the file (and the tensor) for anything malformed.
  static std::shared_ptr<SafetensorsFile> open(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  const std::map<std::string, SafetensorsEntry>& entries() const { return entries_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return entries_.count(name) != 0; }
  const SafetensorsEntry& entry(const std::string& name) const;
  // Zero-copy CPU tensor over the mapped bytes (read-only: never write into it).
  at::Tensor tensor(const std::string& name) const;

 private:
  SafetensorsFile() = default;
  std::string path_;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t data_start_ = 0;
  std::map<std::string, SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
  std::weak_ptr<SafetensorsFile> self_;
};

// Scalar type and element size of a safetensors dtype string (throws for unknown ones).
at::ScalarType safetensors_scalar_type(const std::string& dtype, const std::string& where);
size_t safetensors_dtype_size(const std::string& dtype, const std::string& where);
std::string safetensors_dtype_name(at::ScalarType t);

// Writes tensors (any of F32/F16/BF16/F8_E4M3, contiguous CPU) as a .safetensors file:
// used by converters and by tests that build checkpoints.
void write_safetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace wanattn
