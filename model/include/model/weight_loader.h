// Loads a module's parameters from a checkpoint by walking the module (not the file):
// every parameter must be found under its (renamed) key with the right shape, and every
// checkpoint tensor must land somewhere. All problems are collected and reported at once,
// by full name, with expected and found shapes and the file that holds the tensor.
#pragma once
#include <torch/nn/module.h>

#include <functional>
#include <string>
#include <vector>

#include "model/checkpoint.h"

namespace wanattn {

// Checkpoint key -> the module's parameter name; "" drops the key (not a model weight).
using KeyRename = std::function<std::string(const std::string& checkpoint_key)>;

struct LoadReport {
  size_t loaded = 0;
  std::vector<std::string> dropped;  // checkpoint keys the rename dropped on purpose
  bool dequantized_fp8 = false;      // FP8 E4M3 weights were scaled up to the parameter dtype
};

// `what` names the component in messages ("Wan DiT", "UMT5 encoder"). FP8 E4M3 weights
// are dequantized with their `<name>.scale_weight` companion when present (ComfyUI's
// scaled checkpoints); a parameter's dtype and device are kept (copy_ converts).
// `key_of` (optional) maps a parameter name back to the checkpoint's own key, so that a
// missing tensor is also named as the user's file would spell it.
LoadReport load_weights(torch::nn::Module& module, const Checkpoint& checkpoint, const KeyRename& rename,
                        const std::string& what, const KeyRename& key_of = {});

std::string shape_string(at::IntArrayRef shape);

}  // namespace wanattn
