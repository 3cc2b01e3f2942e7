// A checkpoint as a set of safetensors files: one file, or shards listed by an
// `*.safetensors.index.json` (diffusers / HF sharding). Names map to the file holding them.
#pragma once
#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/safetensors_file.h"

namespace wanattn {

class Checkpoint {
 public:
  // `path` is a .safetensors file, an index.json, or a directory holding exactly one of
  // those (an index.json wins over loose shards). Errors name the file at fault.
  static Checkpoint open(const std::string& path);

  const std::string& source() const { return source_; }
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const { return where_.count(name) != 0; }
  const SafetensorsEntry& entry(const std::string& name) const;
  const std::string& file_of(const std::string& name) const;
  at::Tensor tensor(const std::string& name) const;  // zero-copy CPU view
  size_t file_count() const { return files_.size(); }

 private:
  std::string source_;
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::map<std::string, size_t> where_;  // tensor name -> index into files_
};

}  // namespace wanattn
