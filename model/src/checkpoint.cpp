#include "model/checkpoint.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model/weight_error.h"

namespace fs = std::filesystem;

namespace wanattn {
Checkpoint Checkpoint::open(const std::string& path) {
  Checkpoint c;
  std::string file = path;
  if (fs::is_directory(path)) {
    std::vector<std::string> indexes, singles;
    for (const auto& e : fs::directory_iterator(path)) {
      const std::string name = e.path().filename().string();
      if (name.ends_with(".safetensors.index.json")) indexes.push_back(e.path().string());
      else if (name.ends_with(".safetensors")) singles.push_back(e.path().string());
    }
    if (indexes.size() > 1) throw WeightError(fmt::format("{}: several *.safetensors.index.json files; point at one", path));
    if (indexes.size() == 1) file = indexes[0];
    else if (singles.size() == 1) file = singles[0];
    else if (singles.empty()) throw WeightError(fmt::format("{}: no .safetensors file in this folder", path));
    else throw WeightError(fmt::format("{}: {} .safetensors files but no index.json saying how they fit together", path, singles.size()));
  } else if (!fs::exists(path)) {
    throw WeightError(fmt::format("{}: file not found", path));
  }
  c.source_ = file;

  if (file.ends_with(".json")) {
    std::ifstream in(file);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("weight_map") || !j["weight_map"].is_object())
      throw WeightError(fmt::format("{}: not a safetensors index (no weight_map)", file));
    std::map<std::string, size_t> shard_index;
    const fs::path dir = fs::path(file).parent_path();
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
      if (!it.value().is_string()) throw WeightError(fmt::format("{}: weight_map['{}'] is not a file name", file, it.key()));
      const std::string shard = it.value().get<std::string>();
      auto [pos, inserted] = shard_index.emplace(shard, c.files_.size());
      if (inserted) {
        const fs::path shard_path = dir / shard;
        if (!fs::exists(shard_path))
          throw WeightError(fmt::format("{}: shard '{}' listed in the index is missing (needed for '{}')", file,
                                        shard_path.string(), it.key()));
        c.files_.push_back(SafetensorsFile::open(shard_path.string()));
      }
      if (!c.files_[pos->second]->contains(it.key()))
        throw WeightError(fmt::format("{}: the index puts '{}' in '{}', which does not hold it", file, it.key(), shard));
      c.where_[it.key()] = pos->second;
    }
    return c;
  }
  c.files_.push_back(SafetensorsFile::open(file));
  for (const auto& [name, entry] : c.files_[0]->entries()) c.where_[name] = 0;
  return c;
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  out.reserve(where_.size());
  for (const auto& [name, idx] : where_) out.push_back(name);
  return out;
}

const SafetensorsEntry& Checkpoint::entry(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) throw WeightError(fmt::format("{}: no tensor '{}'", source_, name));
  return files_[it->second]->entry(name);
}

const std::string& Checkpoint::file_of(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) throw WeightError(fmt::format("{}: no tensor '{}'", source_, name));
  return files_[it->second]->path();
}

at::Tensor Checkpoint::tensor(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) throw WeightError(fmt::format("{}: no tensor '{}'", source_, name));
  return files_[it->second]->tensor(name);
}

}  // namespace wanattn
