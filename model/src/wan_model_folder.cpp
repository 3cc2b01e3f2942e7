#include "model/wan_model_folder.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <vector>

#include "model/t5_tokenizer.h"
#include "model/text_error.h"
#include "model/umt5_loader.h"
#include "model/wan_checkpoint.h"
#include "model/wan_vae_loader.h"
#include "model/weight_error.h"

namespace fs = std::filesystem;

namespace wanattn {

const char* const kOfficialNegativePrompt =
    "色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，JPEG压缩残留，丑陋的，"
    "残缺的，多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，静止不动的画面，杂乱的背景，"
    "三条腿，背景人很多，倒着走";

namespace {

// diffusers: scheduler/scheduler_config.json names the class and carries the shift.
WanModelDefaults diffusers_defaults(const fs::path& root) {
  WanModelDefaults d;
  d.grid = FlowGrid::Diffusers;
  d.official_negative = false;
  d.shift = 3.0;  // what the conversion script writes for every Wan2.1 T2V repo
  d.source = "diffusers folder (no scheduler config: UniPC, shift 3)";
  const fs::path cfg = root / "scheduler" / "scheduler_config.json";
  if (!fs::exists(cfg)) return d;
  nlohmann::json j;
  try {
    std::ifstream(cfg) >> j;
  } catch (const std::exception& e) {
    throw WeightError(fmt::format("{}: not valid JSON ({})", cfg.string(), e.what()));
  }
  const std::string cls = j.value("_class_name", "");
  if (cls == "FlowMatchEulerDiscreteScheduler") {
    d.sampler = "euler";
    d.shift = j.value("shift", 1.0);
  } else if (cls == "UniPCMultistepScheduler") {
    d.sampler = "unipc";
    d.shift = j.value("flow_shift", 1.0);
  } else {
    throw WeightError(fmt::format("{}: scheduler '{}' is not supported (UniPCMultistepScheduler or "
                                  "FlowMatchEulerDiscreteScheduler); pass --sampler to choose one",
                                  cfg.string(), cls));
  }
  d.source = fmt::format("{} ({})", cfg.string(), cls);
  return d;
}

// wanattn.json: defaults for a model made at another size than Wan2.1 (the demo model).
void read_wanattn_defaults(const fs::path& root, WanModelDefaults& d) {
  const fs::path file = root / "wanattn.json";
  if (!fs::exists(file)) return;
  try {
    nlohmann::json j;
    std::ifstream(file) >> j;
    const nlohmann::json def = j.value("defaults", nlohmann::json::object());
    d.width = def.value("width", d.width);
    d.height = def.value("height", d.height);
    d.frames = def.value("frames", d.frames);
    d.steps = def.value("steps", d.steps);
    d.guidance = def.value("guidance", d.guidance);
    d.own_size = def.contains("width") || def.contains("height") || def.contains("frames");
    d.example_prompt = def.value("prompt", std::string());
  } catch (const std::exception& e) {
    throw WeightError(fmt::format("{}: not a valid wanattn.json ({})", file.string(), e.what()));
  }
  d.source += fmt::format("; size, frames, steps and guidance from {}", file.string());
}

}  // namespace

WanModelFolder find_wan_model_folder(const std::string& root_in, const WanModelParts& overrides) {
  const fs::path root(root_in);
  WanModelFolder f;
  f.root = root_in;
  if (!root_in.empty() && !fs::is_directory(root) && overrides.transformer.empty())
    throw WeightError(fmt::format("{}: no such model folder", root_in));
  f.diffusers = !root_in.empty() && (fs::exists(root / "model_index.json") || fs::is_directory(root / "transformer"));
  f.defaults = f.diffusers ? diffusers_defaults(root) : WanModelDefaults{};
  if (!f.diffusers) f.defaults.source = "official Wan2.1 defaults (WanT2V: UniPC, shift 5)";
  if (!root_in.empty()) read_wanattn_defaults(root, f.defaults);

  // Each part: the override if given, else the folder; the finder names what it looked for.
  std::vector<std::string> missing;
  auto resolve = [&](const char* what, const std::string& given, const std::function<std::string(const std::string&)>& find) {
    const std::string where = given.empty() ? root_in : given;
    try {
      return find(where);
    } catch (const std::exception& e) {
      missing.push_back(fmt::format("  - {}: {}", what, e.what()));
      return std::string();
    }
  };
  f.parts.transformer = resolve("transformer (DiT)", overrides.transformer, [](const std::string& p) {
    WanCheckpoint::open(p);  // reads the header only
    return p;
  });
  f.parts.text_encoder = resolve("text encoder (UMT5-XXL)", overrides.text_encoder, [](const std::string& p) {
    find_umt5_weights(p);
    return p;
  });
  f.parts.tokenizer = resolve("tokenizer (spiece.model)", overrides.tokenizer, [](const std::string& p) {
    find_tokenizer_model(p);
    return p;
  });
  f.parts.vae = resolve("VAE", overrides.vae, [](const std::string& p) {
    find_wan_vae(p);
    return p;
  });
  if (!missing.empty()) {
    std::string all;
    for (const auto& m : missing) all += "\n" + m;
    throw WeightError(fmt::format("model folder {} is incomplete:{}", root_in.empty() ? "(none)" : root_in, all));
  }
  return f;
}

}  // namespace wanattn
