// UMT5 encoder hyperparameters (transformers UMT5Config, encoder side). The defaults are
// UMT5-XXL as Wan2.1 uses it (spec 2.2). A checkpoint's own shapes decide the rest: see
// umt5_config_from_shapes.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wanattn {

struct UMT5Config {
  int64_t vocab_size = 256384;
  int64_t d_model = 4096;
  int64_t d_kv = 64;
  int64_t d_ff = 10240;
  int64_t num_heads = 64;
  int64_t num_layers = 24;
  int64_t num_buckets = 32;      // relative_attention_num_buckets
  int64_t max_distance = 128;    // relative_attention_max_distance
  double eps = 1e-6;             // layer_norm_epsilon

  int64_t inner_dim() const { return num_heads * d_kv; }
  int64_t parameter_count() const;
  bool operator==(const UMT5Config&) const = default;
};

// From a transformers config.json (diffusers text_encoder/config.json). Throws WeightError
// naming the file and key for anything this encoder does not implement (e.g. a non-gated FFN).
UMT5Config umt5_config_from_json_file(const std::string& path);

// From the module's parameter shapes as found in a checkpoint (names in the module's own
// naming, see umt5_key_map.h); max_distance is not stored in weights and keeps `base`'s.
UMT5Config umt5_config_from_shapes(const std::map<std::string, std::vector<int64_t>>& shapes, const std::string& source,
                                   const UMT5Config& base = {});

// Where the encoder's tensors live: fp32 on CPU; on CUDA bf16 weights and matmuls, with the
// norm statistics and the softmax in fp32 (the reference's numerics, spec 2.2).
struct UMT5Options {
  at::Device device = at::kCPU;
  at::ScalarType dtype = at::kFloat;
  // With bf16/fp16 weights, the residual stream (the embeddings and every sub-layer's sum)
  // stays in the weights' dtype, as in the official T5 and transformers: the default gives
  // their embeddings bit for bit (full size on an H200: 0 difference from transformers bf16),
  // which is what Wan2.1's DiT was trained on. fp32_residual keeps the stream in fp32 (the
  // sub-layers still in the weights' dtype, the output in it): half the references' distance
  // from an all-fp32 encoder at full size (1.27e-2 against 2.47e-2), but no longer theirs.
  bool fp32_residual = false;
  at::ScalarType residual_dtype() const { return fp32_residual ? at::kFloat : dtype; }
  static UMT5Options for_device(at::Device device);
  at::TensorOptions tensor_options() const { return at::TensorOptions().device(device).dtype(dtype); }
};

}  // namespace wanattn
