#include "model/wan_folder_writer.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "model/safetensors_file.h"
#include "model/vae_key_map.h"
#include "model/wan_key_map.h"
#include "model/weight_error.h"

namespace fs = std::filesystem;

namespace wanattn {
namespace {

constexpr const char* kDiffusersVersion = "0.33.1";

void write_json(const fs::path& path, const nlohmann::json& j) {
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out) throw WeightError(fmt::format("cannot write '{}'", path.string()));
}

// The module's parameters under the names `rename` gives them, in `dtype`.
std::vector<std::pair<std::string, at::Tensor>> weights_of(const torch::nn::Module& m, at::ScalarType dtype,
                                                           const std::function<std::string(const std::string&)>& rename) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& p : m.named_parameters(/*recurse=*/true)) {
    const std::string key = rename(p.key());
    if (key.empty()) throw WeightError(fmt::format("no checkpoint name for parameter '{}'", p.key()));
    out.emplace_back(key, p.value().detach().to(at::kCPU, dtype).contiguous());
  }
  return out;
}

nlohmann::json transformer_config(const WanConfig& c) {
  return {{"_class_name", "WanTransformer3DModel"},
          {"_diffusers_version", kDiffusersVersion},
          {"added_kv_proj_dim", nullptr},
          {"attention_head_dim", c.head_dim()},
          {"cross_attn_norm", c.cross_attn_norm},
          {"eps", c.eps},
          {"ffn_dim", c.ffn_dim},
          {"freq_dim", c.freq_dim},
          {"image_dim", nullptr},
          {"in_channels", c.in_dim},
          {"num_attention_heads", c.num_heads},
          {"num_layers", c.num_layers},
          {"out_channels", c.out_dim},
          {"patch_size", nlohmann::json::array({c.patch[0], c.patch[1], c.patch[2]})},
          {"qk_norm", "rms_norm_across_heads"},
          {"rope_max_seq_len", c.rope_max_seq_len},
          {"text_dim", c.text_dim}};
}

nlohmann::json text_encoder_config(const UMT5Config& c, at::ScalarType dtype) {
  return {{"architectures", nlohmann::json::array({"UMT5EncoderModel"})},
          {"model_type", "umt5"},
          {"d_model", c.d_model},
          {"d_kv", c.d_kv},
          {"d_ff", c.d_ff},
          {"num_heads", c.num_heads},
          {"num_layers", c.num_layers},
          {"num_decoder_layers", c.num_layers},
          {"relative_attention_num_buckets", c.num_buckets},
          {"relative_attention_max_distance", c.max_distance},
          {"feed_forward_proj", "gated-gelu"},
          {"dense_act_fn", "gelu_new"},
          {"is_gated_act", true},
          {"layer_norm_epsilon", c.eps},
          {"vocab_size", c.vocab_size},
          {"pad_token_id", 0},
          {"eos_token_id", 1},
          {"decoder_start_token_id", 0},
          {"dropout_rate", 0.0},
          {"tie_word_embeddings", false},
          {"torch_dtype", dtype == at::kHalf ? "float16" : dtype == at::kBFloat16 ? "bfloat16" : "float32"}};
}

nlohmann::json vae_config(const WanVaeConfig& c) {
  return {{"_class_name", "AutoencoderKLWan"},
          {"_diffusers_version", kDiffusersVersion},
          {"attn_scales", nlohmann::json::array()},
          {"base_dim", c.base_dim},
          {"dim_mult", c.dim_mult},
          {"dropout", 0.0},
          {"latents_mean", c.latents_mean},
          {"latents_std", c.latents_std},
          {"num_res_blocks", c.num_res_blocks},
          {"temperal_downsample", c.temporal_downsample},
          {"z_dim", c.z_dim}};
}

nlohmann::json scheduler_config(double shift) {
  return {{"_class_name", "UniPCMultistepScheduler"},
          {"_diffusers_version", kDiffusersVersion},
          {"flow_shift", shift},
          {"use_flow_sigmas", true},
          {"prediction_type", "flow_prediction"},
          {"solver_order", 2},
          {"solver_type", "bh2"},
          {"predict_x0", true},
          {"lower_order_final", true},
          {"final_sigmas_type", "zero"},
          {"num_train_timesteps", 1000},
          {"timestep_spacing", "linspace"}};
}

}  // namespace

void write_wan_diffusers_folder(const std::string& dir_in, const WanFolderParts& p) {
  const fs::path dir(dir_in);
  if (fs::exists(dir)) throw WeightError(fmt::format("{} exists already; choose a new folder", dir_in));
  if (!p.dit || !p.text_encoder || !p.vae) throw WeightError("write_wan_diffusers_folder: every part is needed");
  const fs::path spm = fs::path(p.tokenizer_dir) / "spiece.model";
  if (!fs::is_regular_file(spm)) throw WeightError(fmt::format("{}: no spiece.model to copy", p.tokenizer_dir));
  const fs::path tmp = dir.parent_path() / fmt::format(".{}.tmp-{}", dir.filename().string(), ::getpid());
  fs::remove_all(tmp);
  try {
    for (const char* sub : {"transformer", "text_encoder", "tokenizer", "vae", "scheduler"}) fs::create_directories(tmp / sub);
    write_json(tmp / "model_index.json", {{"_class_name", "WanPipeline"},
                                          {"_diffusers_version", kDiffusersVersion},
                                          {"scheduler", nlohmann::json::array({"diffusers", "UniPCMultistepScheduler"})},
                                          {"text_encoder", nlohmann::json::array({"transformers", "UMT5EncoderModel"})},
                                          {"tokenizer", nlohmann::json::array({"transformers", "T5TokenizerFast"})},
                                          {"transformer", nlohmann::json::array({"diffusers", "WanTransformer3DModel"})},
                                          {"vae", nlohmann::json::array({"diffusers", "AutoencoderKLWan"})}});
    write_json(tmp / "transformer" / "config.json", transformer_config(p.dit->config()));
    write_safetensors((tmp / "transformer" / "diffusion_pytorch_model.safetensors").string(),
                      weights_of(*p.dit, p.dtype, [](const std::string& k) { return dit_key_to_diffusers(k); }));
    write_json(tmp / "text_encoder" / "config.json", text_encoder_config(p.text_encoder->config(), p.dtype));
    write_safetensors((tmp / "text_encoder" / "model.safetensors").string(),
                      weights_of(*p.text_encoder, p.dtype, [](const std::string& k) { return k; }));
    const int R = p.vae->config().decoder_res_blocks();
    write_json(tmp / "vae" / "config.json", vae_config(p.vae->config()));
    write_safetensors((tmp / "vae" / "diffusion_pytorch_model.safetensors").string(),
                      weights_of(*p.vae, p.vae_dtype, [R](const std::string& k) { return vae_key_to_diffusers(k, R); }));
    write_json(tmp / "scheduler" / "scheduler_config.json", scheduler_config(p.flow_shift));
    fs::copy_file(spm, tmp / "tokenizer" / "spiece.model");
    const fs::path tok_cfg = fs::path(p.tokenizer_dir) / "tokenizer_config.json";
    if (fs::exists(tok_cfg)) fs::copy_file(tok_cfg, tmp / "tokenizer" / "tokenizer_config.json");
    if (!p.extra.is_null()) write_json(tmp / "wanattn.json", p.extra);
    fs::rename(tmp, dir);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp);
    throw WeightError(fmt::format("writing the model folder {}: {}", dir_in, e.what()));
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace wanattn
