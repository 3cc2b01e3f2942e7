#include "model/umt5_loader.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "model/checkpoint.h"
#include "model/weight_error.h"

namespace fs = std::filesystem;

namespace wanattn {
namespace {

constexpr const char* kOfficialPth = "models_t5_umt5-xxl-enc-bf16.pth";

std::string convert_hint(const fs::path& pth) {
  return fmt::format("{} is a torch.save checkpoint; wanattn reads safetensors: convert it once with "
                     "`.venv/bin/python tools/convert_pth.py {}` (writes {} beside it; see docs/text-encoder.md)",
                     pth.string(), pth.string(), fs::path(pth).replace_extension(".safetensors").filename().string());
}

// FNV-1a over the files' paths, sizes and modification times.
std::string identity_of(const std::set<std::string>& files) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  };
  for (const auto& f : files) {
    std::error_code ec;
    mix(fs::weakly_canonical(f, ec).string());
    mix(std::to_string(fs::file_size(f, ec)));
    mix(std::to_string(fs::last_write_time(f, ec).time_since_epoch().count()));
  }
  return fmt::format("umt5-{:016x}", h);
}

}  // namespace

UMT5Source find_umt5_weights(const std::string& path) {
  const fs::path p(path);
  if (!fs::exists(p)) throw WeightError(fmt::format("{}: no such file or folder", path));
  if (fs::is_regular_file(p)) {
    if (p.extension() == ".pth" || p.extension() == ".pt") {
      const fs::path converted = fs::path(p).replace_extension(".safetensors");
      if (fs::exists(converted)) return {converted.string(), ""};
      throw WeightError(convert_hint(p));
    }
    const fs::path cfg = p.parent_path() / "config.json";
    return {p.string(), p.filename().string().find("index.json") != std::string::npos && fs::exists(cfg) ? cfg.string() : ""};
  }
  // A folder: the diffusers model root, its text_encoder/, or the official root.
  for (const fs::path& dir : {p / "text_encoder", p}) {
    if (fs::exists(dir / "model.safetensors.index.json") || fs::exists(dir / "model.safetensors")) {
      const fs::path cfg = dir / "config.json";
      const fs::path w = fs::exists(dir / "model.safetensors.index.json") ? dir / "model.safetensors.index.json"
                                                                          : dir / "model.safetensors";
      return {w.string(), fs::exists(cfg) ? cfg.string() : ""};
    }
  }
  const fs::path official = p / kOfficialPth;
  const fs::path converted = fs::path(official).replace_extension(".safetensors");
  if (fs::exists(converted)) return {converted.string(), ""};
  if (fs::exists(official)) throw WeightError(convert_hint(official));
  throw WeightError(fmt::format("{}: no UMT5 text encoder found: looked for text_encoder/model.safetensors.index.json "
                                "(diffusers), model.safetensors[.index.json], {} (official) and its converted "
                                ".safetensors; or pass a ComfyUI umt5_xxl_*.safetensors file",
                                path, kOfficialPth));
}

LoadedUMT5 load_umt5_encoder(const std::string& path, const UMT5Options& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const UMT5Source src = find_umt5_weights(path);
  const Checkpoint ckpt = Checkpoint::open(src.weights);
  LoadedUMT5 out;
  const std::vector<std::string> names = ckpt.names();
  out.keys = detect_umt5_key_map(names, ckpt.source());

  std::map<std::string, std::vector<int64_t>> shapes;  // in the module's names
  std::set<std::string> files;
  for (const auto& n : names) {
    files.insert(ckpt.file_of(n));
    const std::string m = umt5_module_key(out.keys, n);
    if (!m.empty()) shapes[m] = ckpt.entry(n).shape;
  }
  UMT5Config base;
  if (!src.config_json.empty()) base = umt5_config_from_json_file(src.config_json);
  const UMT5Config config = umt5_config_from_shapes(shapes, ckpt.source(), base);
  if (!src.config_json.empty() && !(config == base))
    throw WeightError(fmt::format("{} does not match the weights in {} (e.g. d_model {} vs {}, layers {} vs {}, heads {} "
                                  "vs {})",
                                  src.config_json, ckpt.source(), base.d_model, config.d_model, base.num_layers,
                                  config.num_layers, base.num_heads, config.num_heads));
  out.model = UMT5EncoderModel(config, options);
  const UMT5KeyMap keys = out.keys;
  out.report = load_weights(*out.model, ckpt, [&](const std::string& k) { return umt5_module_key(keys, k); }, "UMT5 encoder");
  out.model->eval();
  out.identity = identity_of(files);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::string umt5_identity(const std::string& path) {
  const Checkpoint ckpt = Checkpoint::open(find_umt5_weights(path).weights);
  std::set<std::string> files;
  for (const auto& n : ckpt.names()) files.insert(ckpt.file_of(n));
  return identity_of(files);
}

}  // namespace wanattn
