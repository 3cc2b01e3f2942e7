// Broken DiT checkpoints and hostile safetensors files: every problem is named, with the
// file, the tensor and (for shapes) what was expected and found.
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "model/safetensors_file.h"
#include "model/wan_loader.h"
#include "model/weight_error.h"
#include "support/model_checks.h"
#include "support/temp_dir.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

namespace {

const fs::path kMulti = fs::path(WANATTN_DIT_FIXTURES) / "multi";

using Tensors = std::vector<std::pair<std::string, at::Tensor>>;

Tensors read_all(const fs::path& file) { return test::read_all_tensors(file.string()); }

std::string load_error(const std::string& path) {
  try {
    load_wan_model(path, at::kCPU);
  } catch (const WeightError& e) {
    return e.what();
  }
  return "";
}

// A safetensors file from a hand-written header and `data_bytes` zero bytes of data.
std::string raw_safetensors(const test::TempDir& dir, const std::string& name, const std::string& header,
                            size_t data_bytes) {
  const std::string path = dir.sub(name);
  std::ofstream out(path, std::ios::binary);
  const uint64_t n = header.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header << std::string(data_bytes, '\0');
  return path;
}

std::string open_error(const std::string& path) {
  try {
    SafetensorsFile::open(path);
  } catch (const WeightError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("safetensors headers are validated before any tensor is used", "[fast]") {
  test::TempDir dir("st-hostile");
  // A good one for reference: 2x3 F32 = 24 bytes.
  const std::string good = raw_safetensors(dir, "good.safetensors", R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})", 24);
  CHECK(SafetensorsFile::open(good)->tensor("a").sizes() == at::IntArrayRef({2, 3}));

  const std::pair<std::string, std::string> bad[] = {
      {R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,28]}})", "a"},        // past the end of the file
      {R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})", "a"},        // shape x dtype size != bytes
      {R"({"a":{"dtype":"F32","shape":[1,3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[1,3],"data_offsets":[8,20]}})",
       "overlap"},
      {R"({"a":{"dtype":"Q4","shape":[2,3],"data_offsets":[0,24]}})", "Q4"},          // unknown dtype
      {R"({"a":{"dtype":"F32","shape":[-2,3],"data_offsets":[0,24]}})", "a"},       // negative dim
      {R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[24,0]}})", "a"},        // reversed offsets
      {R"({"a":{"dtype":"F32","shape":"2x3","data_offsets":[0,24]}})", "a"},        // not a list
      {R"({"a":{"dtype":"F32","shape":[2,3]}})", "a"},                             // no offsets
      {R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]})", ""},          // invalid JSON
      {R"([1,2,3])", ""},                                                           // not an object
  };
  int i = 0;
  for (const auto& [header, named] : bad) {
    const std::string path = raw_safetensors(dir, "bad" + std::to_string(i++) + ".safetensors", header, 24);
    INFO(header);
    const std::string msg = open_error(path);
    CHECK_THAT(msg, ContainsSubstring(path));
    if (!named.empty()) CHECK_THAT(msg, ContainsSubstring(named));
  }
  // A header length larger than the file, and a file too short to hold one.
  const std::string liar = dir.sub("liar.safetensors");
  {
    std::ofstream out(liar, std::ios::binary);
    const uint64_t n = 1ull << 40;
    out.write(reinterpret_cast<const char*>(&n), 8);
    out << "{}";
  }
  CHECK_THAT(open_error(liar), ContainsSubstring(liar));
  const std::string tiny = dir.sub("tiny.safetensors");
  std::ofstream(tiny) << "abc";
  CHECK_THAT(open_error(tiny), ContainsSubstring(tiny));
}

TEST_CASE("missing, unexpected and mis-shaped DiT tensors are all named with their shapes", "[fast]") {
  if (!fs::exists(kMulti / "official")) WANATTN_SKIP("no DiT reference fixtures");
  test::TempDir dir("dit-broken");
  Tensors t = read_all(kMulti / "official" / "diffusion_pytorch_model.safetensors");
  std::erase_if(t, [](const auto& p) { return p.first == "blocks.1.cross_attn.norm_k.weight"; });
  for (auto& [name, tensor] : t)
    if (name == "blocks.2.ffn.0.bias") tensor = at::zeros({81});
  t.emplace_back("blocks.0.self_attn.extra.weight", at::zeros({4, 2}));
  fs::create_directories(dir.sub("broken"));
  fs::copy_file(kMulti / "official" / "config.json", dir.sub("broken/config.json"));
  const std::string file = dir.sub("broken/diffusion_pytorch_model.safetensors");
  write_safetensors(file, t);
  const std::string msg = load_error(dir.sub("broken"));
  INFO(msg);
  CHECK_THAT(msg, ContainsSubstring("3 problems"));
  CHECK_THAT(msg, ContainsSubstring("missing: 'blocks.1.cross_attn.norm_k.weight' (expected shape [48])"));
  CHECK_THAT(msg, ContainsSubstring("wrong shape: 'blocks.2.ffn.0.bias' expects [80]"));
  CHECK_THAT(msg, ContainsSubstring("[81]"));
  CHECK_THAT(msg, ContainsSubstring("unexpected: 'blocks.0.self_attn.extra.weight' [4, 2]"));
  CHECK_THAT(msg, ContainsSubstring(file));
}

TEST_CASE("diffusers-layout problems name the diffusers key", "[fast]") {
  if (!fs::exists(kMulti / "diffusers")) WANATTN_SKIP("no DiT reference fixtures");
  test::TempDir dir("dit-broken-diffusers");
  const fs::path folder = dir.sub("transformer");
  fs::create_directories(folder);
  fs::copy_file(kMulti / "diffusers" / "transformer" / "config.json", folder / "config.json");
  Tensors all;
  for (const auto& e : fs::directory_iterator(kMulti / "diffusers" / "transformer"))
    if (e.path().extension() == ".safetensors")
      for (auto& p : read_all(e.path())) all.push_back(std::move(p));
  std::erase_if(all, [](const auto& p) { return p.first == "blocks.0.attn2.to_out.0.bias"; });
  all.emplace_back("blocks.0.attn2.add_k_proj.weight", at::zeros({48, 48}));  // an image-to-video key
  write_safetensors((folder / "diffusion_pytorch_model.safetensors").string(), all);
  const std::string msg = load_error(dir.str());
  INFO(msg);
  CHECK_THAT(msg, ContainsSubstring("blocks.0.cross_attn.o.bias"));
  CHECK_THAT(msg, ContainsSubstring("blocks.0.attn2.to_out.0.bias"));
  CHECK_THAT(msg, ContainsSubstring("unexpected: 'blocks.0.attn2.add_k_proj.weight' [48, 48]"));
}

TEST_CASE("truncated, corrupt and incomplete DiT checkpoints name the file", "[fast]") {
  if (!fs::exists(kMulti / "official")) WANATTN_SKIP("no DiT reference fixtures");
  test::TempDir dir("dit-trunc");
  const std::string cut = dir.sub("wan2.1_t2v_cut.safetensors");
  fs::copy_file(kMulti / "comfy" / "wan_tiny_fp16.safetensors", cut);
  fs::resize_file(cut, fs::file_size(cut) - 100);
  const std::string msg = load_error(cut);
  CHECK_THAT(msg, ContainsSubstring(cut));
  CHECK_THAT(msg, ContainsSubstring("past the end"));  // names the tensor whose bytes are missing

  const std::string garbage = dir.sub("garbage.safetensors");
  std::ofstream(garbage) << "this is not a safetensors file at all";
  CHECK_THAT(load_error(garbage), ContainsSubstring(garbage));

  // A shard listed in the index but gone.
  const fs::path shards = fs::path(dir.sub("transformer"));
  fs::copy(kMulti / "diffusers" / "transformer", shards);
  fs::remove(shards / "diffusion_pytorch_model-00003-of-00013.safetensors");
  CHECK_THAT(load_error(shards.string()), ContainsSubstring("diffusion_pytorch_model-00003-of-00013.safetensors"));

  CHECK_THAT(load_error(dir.sub("nothing-here")), ContainsSubstring("nothing-here"));
  fs::create_directories(dir.sub("empty"));
  CHECK_THAT(load_error(dir.sub("empty")), ContainsSubstring("no DiT weights"));
}

TEST_CASE("an unknown variant without a config says what it found", "[fast]") {
  if (!fs::exists(kMulti / "comfy_alone.safetensors")) WANATTN_SKIP("no DiT reference fixtures");
  const std::string msg = load_error((kMulti / "comfy_alone.safetensors").string());
  CHECK_THAT(msg, ContainsSubstring("unknown Wan2.1 variant"));
  CHECK_THAT(msg, ContainsSubstring("width 48"));
  CHECK_THAT(msg, ContainsSubstring("3 blocks"));
  // Something that is not a DiT at all.
  test::TempDir dir("dit-other");
  const std::string other = dir.sub("vae.safetensors");
  write_safetensors(other, {{"encoder.conv1.weight", at::zeros({4, 3, 3, 3, 3})}});
  CHECK_THAT(load_error(other), ContainsSubstring("does not look like a Wan2.1 DiT"));
  // A config.json that disagrees with the weights.
  fs::create_directories(dir.sub("liar"));
  fs::copy_file(kMulti / "official" / "diffusion_pytorch_model.safetensors", dir.sub("liar/diffusion_pytorch_model.safetensors"));
  std::ofstream(dir.sub("liar/config.json")) << R"({"dim": 48, "num_heads": 3, "num_layers": 5})";
  CHECK_THAT(load_error(dir.sub("liar")), ContainsSubstring("num_layers = 5"));
}

TEST_CASE("a ComfyUI fp8-scaled DiT loads as its dequantized weights", "[fast]") {
  if (!fs::exists(kMulti / "comfy")) WANATTN_SKIP("no DiT reference fixtures");
  torch::InferenceMode guard;
  test::TempDir dir("dit-fp8");
  Tensors fp8, dequantized;
  for (auto& [name, t] : read_all(kMulti / "comfy" / "wan_tiny_fp16.safetensors")) {
    const bool matrix = t.dim() == 2 && name.find(".weight") != std::string::npos;
    if (!matrix) {
      fp8.emplace_back(name, t);
      dequantized.emplace_back(name, t);
      continue;
    }
    const at::Tensor scale = t.to(at::kFloat).abs().max() / 448.0;  // e4m3 max
    const at::Tensor q = (t.to(at::kFloat) / scale).to(at::kFloat8_e4m3fn);
    fp8.emplace_back(name, q);
    fp8.emplace_back(name.substr(0, name.size() - 7) + ".scale_weight", scale.reshape({}));
    dequantized.emplace_back(name, (q.to(at::kFloat) * scale).to(at::kHalf));
  }
  fs::create_directories(dir.sub("a"));
  fs::create_directories(dir.sub("b"));
  for (const char* sub : {"a", "b"}) fs::copy_file(kMulti / "comfy" / "config.json", dir.sub(std::string(sub) + "/config.json"));
  write_safetensors(dir.sub("a/wan2.1_t2v_fp8_e4m3fn_scaled.safetensors"), fp8);
  write_safetensors(dir.sub("b/dequantized.safetensors"), dequantized);
  LoadReport report;
  WanModel a = load_wan_model(WanCheckpoint::open(dir.sub("a/wan2.1_t2v_fp8_e4m3fn_scaled.safetensors")),
                              default_module_options(at::kCPU), &report);
  CHECK(report.dequantized_fp8);
  WanModel b = load_wan_model(dir.sub("b/dequantized.safetensors"), at::kCPU);
  const auto pb = b->named_parameters();
  for (const auto& item : a->named_parameters()) {
    INFO(item.key());
    CHECK(at::allclose(item.value(), pb[item.key()], 1e-3, 1e-6));
  }
}
