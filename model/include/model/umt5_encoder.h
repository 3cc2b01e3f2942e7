// UMT5EncoderModel: the text encoder of Wan2.1 (spec 2.2, 2.3). Modules carry the
// transformers / diffusers checkpoint names (shared, encoder.block.i..., encoder.final_layer_norm);
// other layouts are renamed in umt5_key_map.cpp. forward() runs on the inference worker
// thread under InferenceMode; the module is not shared between threads while it runs.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "model/t5_layer_norm.h"
#include "model/umt5_block.h"
#include "model/umt5_config.h"

namespace wanattn {

// UMT5Stack, encoder side: the blocks and the final norm.
struct UMT5StackImpl : torch::nn::Module {
  UMT5StackImpl(const UMT5Config& c, const at::TensorOptions& opts);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& buckets, const at::Tensor& key_mask);
  std::vector<UMT5Block> blocks;
  torch::nn::ModuleList block;
  UMT5LayerNorm final_layer_norm{nullptr};
};
TORCH_MODULE(UMT5Stack);

struct UMT5EncoderModelImpl : torch::nn::Module {
  UMT5EncoderModelImpl(const UMT5Config& c, const UMT5Options& options);

  // ids, mask: int64 [B, L] (mask 1 for real tokens, EOS included). Returns the last hidden
  // state [B, L, d] in the weights' dtype with the rows of padding positions set to zero
  // (what Wan feeds the DiT, spec 2.3).
  at::Tensor forward(const at::Tensor& ids, const at::Tensor& mask);

  // Normal(0, std) weights (norms around 1): for benchmarks and tests without a checkpoint.
  void random_init(uint64_t seed);

  const UMT5Config& config() const { return config_; }
  const UMT5Options& options() const { return options_; }

  at::Tensor shared;  // `shared.weight` [vocab, d]: the token embedding
  UMT5Stack encoder{nullptr};

 private:
  UMT5Config config_;
  UMT5Options options_;
};
TORCH_MODULE(UMT5EncoderModel);

}  // namespace wanattn
