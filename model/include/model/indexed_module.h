// Holds sub-modules under numeric names ("0", "2", ...) the way torch.nn.Sequential
// names them in a checkpoint (e.g. `text_embedding.0.weight`), while the owner calls
// them explicitly with the activation it needs in between.
#pragma once
#include <torch/nn/module.h>

#include <string>
#include <utility>
#include <vector>

namespace wanattn {

class IndexedModuleImpl : public torch::nn::Module {
 public:
  using Parts = std::vector<std::pair<int, std::shared_ptr<torch::nn::Module>>>;
  explicit IndexedModuleImpl(const Parts& parts) {
    for (const auto& [index, module] : parts) register_module(std::to_string(index), module);
  }
};
TORCH_MODULE(IndexedModule);

}  // namespace wanattn
