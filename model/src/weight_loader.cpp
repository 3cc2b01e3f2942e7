#include "model/weight_loader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <map>

#include "model/weight_error.h"

namespace wanattn {
namespace {

// ComfyUI's scaled FP8 files store `x.weight` in F8_E4M3 next to a scalar `x.scale_weight`
// (and an activation scale `x.scale_input` we do not need).
bool is_fp8_companion(const std::string& key) { return key.ends_with(".scale_weight") || key.ends_with(".scale_input"); }

}  // namespace

std::string shape_string(at::IntArrayRef shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

LoadReport load_weights(torch::nn::Module& module, const Checkpoint& checkpoint, const KeyRename& rename,
                        const std::string& what, const KeyRename& key_of) {
  LoadReport report;
  std::vector<std::string> problems;
  std::map<std::string, std::string> by_param;  // module name -> checkpoint key
  for (const std::string& key : checkpoint.names()) {
    if (is_fp8_companion(key) || key == "scaled_fp8") continue;
    const std::string name = rename(key);
    if (name.empty()) {
      report.dropped.push_back(key);
      continue;
    }
    auto [it, inserted] = by_param.emplace(name, key);
    if (!inserted)
      problems.push_back(fmt::format("duplicate: '{}' and '{}' both map to parameter '{}'", it->second, key, name));
  }

  std::map<std::string, at::Tensor> params;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) params[p.key()] = p.value();
  for (const auto& b : module.named_buffers(/*recurse=*/true)) params[b.key()] = b.value();

  for (const auto& [name, param] : params) {
    auto it = by_param.find(name);
    if (it == by_param.end()) {
      const std::string own = key_of ? key_of(name) : name;
      problems.push_back(fmt::format("missing: '{}' (expected shape {}){}", name, shape_string(param.sizes()),
                                     own.empty() || own == name ? "" : fmt::format(", stored as '{}' in this layout", own)));
      continue;
    }
    const auto& entry = checkpoint.entry(it->second);
    if (at::IntArrayRef(entry.shape) != param.sizes())
      problems.push_back(fmt::format("wrong shape: '{}' expects {} but '{}' in {} is {} ({})", name,
                                     shape_string(param.sizes()), it->second, checkpoint.file_of(it->second),
                                     shape_string(entry.shape), entry.dtype));
  }
  for (const auto& [name, key] : by_param)
    if (!params.count(name))
      problems.push_back(fmt::format("unexpected: '{}' {} in {}{}", key, shape_string(checkpoint.entry(key).shape),
                                     checkpoint.file_of(key), name == key ? "" : fmt::format(" (read as '{}')", name)));

  if (!problems.empty()) {
    std::string msg = fmt::format("{}: {} problem{} loading {}:", what, problems.size(), problems.size() == 1 ? "" : "s",
                                  checkpoint.source());
    for (const auto& p : problems) msg += "\n  " + p;
    throw WeightError(msg);
  }

  torch::NoGradGuard no_grad;
  for (auto& [name, param] : params) {
    const std::string& key = by_param.at(name);
    at::Tensor t = checkpoint.tensor(key);
    if (t.scalar_type() == at::kFloat8_e4m3fn || t.scalar_type() == at::kFloat8_e5m2) {
      const std::string base = key.substr(0, key.size() - (key.ends_with(".weight") ? 7 : 0));
      t = t.to(at::kFloat);
      if (checkpoint.contains(base + ".scale_weight")) t = t * checkpoint.tensor(base + ".scale_weight").to(at::kFloat);
      report.dequantized_fp8 = true;
    }
    param.copy_(t);
    ++report.loaded;
  }
  return report;
}

}  // namespace wanattn
