// Finds and loads Wan2.1's UMT5 text encoder from what the user has on disk:
//   - the diffusers folder (model root with text_encoder/, or text_encoder/ itself:
//     config.json + sharded safetensors + model.safetensors.index.json);
//   - a ComfyUI single file (umt5_xxl_fp16 / _bf16 / _fp8_e4m3fn_scaled .safetensors);
//   - the official folder's models_t5_umt5-xxl-enc-bf16.pth, once converted to
//     safetensors by tools/convert_pth.py (a .pth alone gets the command to run).
// Runs on the inference worker thread.
#pragma once
#include <string>

#include "model/umt5_encoder.h"
#include "model/umt5_key_map.h"
#include "model/weight_loader.h"

namespace wanattn {

struct UMT5Source {
  std::string weights;      // a .safetensors file, an index.json or a folder of shards
  std::string config_json;  // transformers config.json, "" when there is none
};

// Throws WeightError saying where it looked and, for a .pth, how to convert it.
UMT5Source find_umt5_weights(const std::string& path);

struct LoadedUMT5 {
  UMT5EncoderModel model{nullptr};
  UMT5KeyMap keys;
  LoadReport report;
  std::string identity;  // names the weights for the embedding cache: files, sizes, mtimes
  double seconds = 0;    // wall time of the load
};

// Builds the encoder with the checkpoint's shapes (config.json, when present, must agree)
// and loads every tensor; any missing / unexpected / mis-shaped key is reported by name.
LoadedUMT5 load_umt5_encoder(const std::string& path, const UMT5Options& options);

// The identity load_umt5_encoder would report, from the files alone (no tensor is read).
std::string umt5_identity(const std::string& path);

}  // namespace wanattn
