// Broken UMT5 checkpoints: every missing, unexpected or mis-shaped tensor is named with its
// shapes; truncated and corrupt files name the file; a .pth says how to convert it.
#include <filesystem>
#include <fstream>

#include "model/safetensors_file.h"
#include "model/umt5_loader.h"
#include "model/weight_error.h"
#include "support/model_checks.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kSmall = fs::path(WANATTN_TEXT_FIXTURES) / "umt5" / "small";

using Tensors = std::vector<std::pair<std::string, at::Tensor>>;

Tensors read_all(const fs::path& file) { return test::read_all_tensors(file.string()); }

std::string load_error(const std::string& path) {
  try {
    load_umt5_encoder(path, UMT5Options::for_device(at::kCPU));
  } catch (const WeightError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("missing, unexpected and mis-shaped tensors are all named", "[fast]") {
  if (!fs::exists(kSmall / "official.safetensors")) WANATTN_SKIP("no UMT5 reference fixtures");
  test::TempDir dir("umt5-broken");
  Tensors t = read_all(kSmall / "official.safetensors");
  std::erase_if(t, [](const auto& p) { return p.first == "blocks.1.attn.q.weight"; });
  for (auto& [name, tensor] : t)
    if (name == "blocks.2.ffn.fc2.weight") tensor = at::zeros({32, 36});
  t.emplace_back("blocks.0.attn.extra.weight", at::zeros({4}));
  const std::string file = dir.sub("broken.safetensors");
  write_safetensors(file, t);
  const std::string msg = load_error(file);
  CHECK_THAT(msg, ContainsSubstring("3 problems"));
  CHECK_THAT(msg, ContainsSubstring(file));
  CHECK_THAT(msg, ContainsSubstring("missing: 'encoder.block.1.layer.0.SelfAttention.q.weight' (expected shape [32, 32])"));
  CHECK_THAT(msg, ContainsSubstring("encoder.block.2.layer.1.DenseReluDense.wo.weight' expects [32, 37]"));
  CHECK_THAT(msg, ContainsSubstring("'blocks.2.ffn.fc2.weight'"));
  CHECK_THAT(msg, ContainsSubstring("[32, 36]"));
  CHECK_THAT(msg, ContainsSubstring("unexpected: 'blocks.0.attn.extra.weight' [4]"));
}

TEST_CASE("truncated and corrupt files name the file", "[fast]") {
  if (!fs::exists(kSmall / "comfy_fp16.safetensors")) WANATTN_SKIP("no UMT5 reference fixtures");
  test::TempDir dir("umt5-trunc");
  const std::string cut = dir.sub("umt5_xxl_fp16.safetensors");
  fs::copy_file(kSmall / "comfy_fp16.safetensors", cut);
  fs::resize_file(cut, fs::file_size(cut) - 100);
  const std::string msg = load_error(cut);
  CHECK_THAT(msg, ContainsSubstring(cut));
  const std::string garbage = dir.sub("garbage.safetensors");
  std::ofstream(garbage) << "this is not a safetensors file at all";
  CHECK_THAT(load_error(garbage), ContainsSubstring(garbage));
  // A shard missing from a sharded folder.
  const fs::path shards = fs::path(dir.sub("text_encoder"));
  fs::copy(kSmall / "diffusers" / "text_encoder", shards);
  fs::remove(shards / "model-00003-of-00006.safetensors");
  CHECK_THAT(load_error(shards.string()), ContainsSubstring("model-00003-of-00006.safetensors"));
}

TEST_CASE("a .pth without its converted file says how to convert it", "[fast]") {
  test::TempDir dir("umt5-pth");
  const std::string pth = dir.sub("models_t5_umt5-xxl-enc-bf16.pth");
  std::ofstream(pth) << "x";
  for (const std::string& where : {pth, dir.str()}) {
    const std::string msg = load_error(where);
    CHECK_THAT(msg, ContainsSubstring("tools/convert_pth.py " + pth));
    CHECK_THAT(msg, ContainsSubstring("models_t5_umt5-xxl-enc-bf16.safetensors"));
  }
  CHECK_THAT(load_error(dir.sub("nothing-here")), ContainsSubstring("no such file"));
  fs::remove(pth);
  CHECK_THAT(load_error(dir.str()), ContainsSubstring("no UMT5 text encoder found"));
}

TEST_CASE("a config.json that disagrees with the weights is an error", "[fast]") {
  if (!fs::exists(kSmall / "diffusers")) WANATTN_SKIP("no UMT5 reference fixtures");
  test::TempDir dir("umt5-config");
  const fs::path te = fs::path(dir.sub("text_encoder"));
  fs::copy(kSmall / "diffusers" / "text_encoder", te);
  std::ofstream(te / "config.json") << R"({"d_model": 64, "num_layers": 3, "feed_forward_proj": "gated-gelu"})";
  CHECK_THAT(load_error(dir.str()), ContainsSubstring("does not match the weights"));
  std::ofstream(te / "config.json") << R"({"feed_forward_proj": "relu"})";
  CHECK_THAT(load_error(dir.str()), ContainsSubstring("'feed_forward_proj'"));
}

TEST_CASE("a checkpoint of something else is not taken for UMT5", "[fast]") {
  test::TempDir dir("umt5-other");
  const std::string file = dir.sub("dit.safetensors");
  write_safetensors(file, {{"patch_embedding.weight", at::zeros({4, 4})}});
  const std::string msg = load_error(file);
  CHECK_THAT(msg, ContainsSubstring("not a UMT5 encoder checkpoint"));
  CHECK_THAT(msg, ContainsSubstring("patch_embedding.weight"));
}

TEST_CASE("a ComfyUI fp8-scaled file loads as its dequantized weights", "[fast]") {
  if (!fs::exists(kSmall / "comfy_fp16.safetensors")) WANATTN_SKIP("no UMT5 reference fixtures");
  test::TempDir dir("umt5-fp8");
  Tensors fp8, dequantized;
  for (auto& [name, t] : read_all(kSmall / "comfy_fp16.safetensors")) {
    const bool matrix = name.find("SelfAttention.") != std::string::npos && name.ends_with("q.weight");
    if (!matrix) {
      fp8.emplace_back(name, t);
      dequantized.emplace_back(name, t);
      continue;
    }
    // ComfyUI's scheme: weight stored as float8_e4m3fn with a scalar `scale_weight`.
    const at::Tensor scale = t.to(at::kFloat).abs().max() / 448.0;
    const at::Tensor w8 = (t.to(at::kFloat) / scale).to(at::kFloat8_e4m3fn);
    const std::string base = name.substr(0, name.size() - 7);
    fp8.emplace_back(name, w8);
    fp8.emplace_back(base + ".scale_weight", scale.reshape({1}));
    dequantized.emplace_back(name, w8.to(at::kFloat) * scale);
  }
  fp8.emplace_back("scaled_fp8", at::zeros({2}, at::kFloat8_e4m3fn));
  write_safetensors(dir.sub("umt5_xxl_fp8_e4m3fn_scaled.safetensors"), fp8);
  write_safetensors(dir.sub("dequantized.safetensors"), dequantized);
  const auto opts = UMT5Options::for_device(at::kCPU);
  LoadedUMT5 a = load_umt5_encoder(dir.sub("umt5_xxl_fp8_e4m3fn_scaled.safetensors"), opts);
  LoadedUMT5 b = load_umt5_encoder(dir.sub("dequantized.safetensors"), opts);
  CHECK(a.report.dequantized_fp8);
  const auto pa = a.model->named_parameters(), pb = b.model->named_parameters();
  for (const auto& p : pa) {
    INFO(p.key());
    CHECK(at::equal(p.value(), pb[p.key()]));
  }
}
