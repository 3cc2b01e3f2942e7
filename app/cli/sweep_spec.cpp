#include "sweep_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "model/bend_error.h"
#include "model/bend_json.h"

namespace wanattn::cli {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& field, const std::string& what) {
  throw std::invalid_argument(fmt::format("{}: {}: {}", where, field, what));
}

void only_keys(const json& j, const std::vector<std::string>& known, const std::string& where, const std::string& path) {
  if (!j.is_object()) bad(where, path, fmt::format("must be a JSON object, not {}", j.dump()));
  for (const auto& [k, v] : j.items())
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      std::string list;
      for (const auto& s : known) list += (list.empty() ? "" : ", ") + s;
      bad(where, path.empty() ? k : path + "." + k, fmt::format("unknown key (known here: {})", list));
    }
}

template <class T>
T value(const json& j, const char* key, const std::string& where, const std::string& path) {
  const std::string f = path.empty() ? key : path + "." + key;
  const json& v = j.at(key);
  if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) bad(where, f, fmt::format("must be a string, not {}", v.dump()));
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) bad(where, f, fmt::format("must be true or false, not {}", v.dump()));
  } else if constexpr (std::is_integral_v<T>) {
    if (!v.is_number_integer() || (std::is_unsigned_v<T> && v.get<int64_t>() < 0))
      bad(where, f, fmt::format("must be an integer{}, not {}", std::is_unsigned_v<T> ? " >= 0" : "", v.dump()));
  } else {
    if (!v.is_number()) bad(where, f, fmt::format("must be a number, not {}", v.dump()));
  }
  return v.get<T>();
}

GenerateArgs generate_args(const json& g, const std::string& where) {
  only_keys(g, {"prompt", "negative", "steps", "guidance", "shift", "sampler", "grid", "size", "frames", "capture", "device",
                "vae_dtype", "noise_device", "cache_dir", "no_cache", "gpu_memory"},
            where, "generate");
  GenerateArgs a;
  a.capture = "none";  // a sweep compares videos; maps only on request
  const std::string p = "generate";
  if (!g.contains("prompt")) bad(where, "generate.prompt", "is missing");
  a.prompt = value<std::string>(g, "prompt", where, p);
  if (g.contains("negative")) a.negative = value<std::string>(g, "negative", where, p);
  if (g.contains("steps")) a.steps = value<int>(g, "steps", where, p);
  if (g.contains("guidance")) a.guidance = value<double>(g, "guidance", where, p);
  if (g.contains("shift")) a.shift = value<double>(g, "shift", where, p);
  if (g.contains("sampler")) a.sampler = value<std::string>(g, "sampler", where, p);
  if (g.contains("grid")) a.grid = value<std::string>(g, "grid", where, p);
  if (g.contains("size")) a.size = value<std::string>(g, "size", where, p);
  if (g.contains("frames")) a.frames = value<int>(g, "frames", where, p);
  if (g.contains("capture")) a.capture = value<std::string>(g, "capture", where, p);
  if (g.contains("device")) a.device = value<std::string>(g, "device", where, p);
  if (g.contains("vae_dtype")) a.vae_dtype = value<std::string>(g, "vae_dtype", where, p);
  if (g.contains("noise_device")) a.noise_device = value<std::string>(g, "noise_device", where, p);
  if (g.contains("cache_dir")) a.cache_dir = value<std::string>(g, "cache_dir", where, p);
  if (g.contains("no_cache")) a.no_cache = value<bool>(g, "no_cache", where, p);
  if (g.contains("gpu_memory")) a.gpu_memory = value<double>(g, "gpu_memory", where, p);
  if (a.vae_dtype != "fp32" && a.vae_dtype != "bf16") bad(where, "generate.vae_dtype", fmt::format("'{}' is not fp32 or bf16", a.vae_dtype));
  if (a.noise_device != "model" && a.noise_device != "cpu")
    bad(where, "generate.noise_device", fmt::format("'{}' is not model or cpu", a.noise_device));
  if (a.grid && *a.grid != "official" && *a.grid != "diffusers")
    bad(where, "generate.grid", fmt::format("'{}' is not official or diffusers", *a.grid));
  return a;
}

std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

SweepSpec parse_sweep(const json& j, const std::string& where) {
  only_keys(j, {"model", "out", "generate", "bends", "sweep", "seeds", "baseline", "frame", "cell_width", "mp4"}, where, "");
  SweepSpec s;
  if (!j.contains("generate")) bad(where, "generate", "is missing (the prompt and the run's settings)");
  s.gen = generate_args(j["generate"], where);
  if (j.contains("model")) s.gen.model = value<std::string>(j, "model", where, "");
  if (j.contains("out")) s.gen.out = value<std::string>(j, "out", where, "");

  BendSet fixed;
  try {
    if (j.contains("bends")) fixed = bend_set_from_json({{"bends", j["bends"]}});
  } catch (const BendError& e) {
    throw e.in(where);
  }
  const bool baseline = j.contains("baseline") ? value<bool>(j, "baseline", where, "") : true;
  if (baseline) s.rows.push_back({fixed.bends.empty() ? "unbent" : "fixed bends only", fixed});

  const json sweep = j.contains("sweep") ? j["sweep"] : json::array();
  if (!sweep.is_array()) bad(where, "sweep", "must be a list of {bend, parameter, values}");
  for (size_t i = 0; i < sweep.size(); ++i) {
    const std::string p = fmt::format("sweep[{}]", i);
    only_keys(sweep[i], {"bend", "parameter", "values"}, where, p);
    for (const char* k : {"bend", "parameter", "values"})
      if (!sweep[i].contains(k)) bad(where, p + "." + k, "is missing");
    const std::string param = value<std::string>(sweep[i], "parameter", where, p);
    const json& values = sweep[i]["values"];
    if (!values.is_array() || values.empty()) bad(where, p + ".values", "must be a non-empty list");
    const json& bend = sweep[i]["bend"];
    try {
      const Bend base = bend_from_json(bend, p + ".bend");  // the bend itself reads before any value is tried
      for (size_t v = 0; v < values.size(); ++v) {
        json b = bend;
        if (param == "strength") {
          b["strength"] = values[v];
        } else {
          if (!b["op"].is_object()) b["op"] = {{"name", b["op"]}};
          b["op"][param] = values[v];
        }
        SweepRow row;
        row.label = fmt::format("{} {}={}", base.label.empty() ? to_string(base.op) : base.label, param, value_text(values[v]));
        row.bends = fixed;
        row.bends.bends.push_back(bend_from_json(b, fmt::format("{}.values[{}] -> {}.bend", p, v, p)));
        s.rows.push_back(std::move(row));
      }
    } catch (const BendError& e) {
      throw e.in(where);
    }
  }
  if (s.rows.empty()) bad(where, "sweep", "has nothing to run (no swept bends and no baseline)");

  if (!j.contains("seeds")) bad(where, "seeds", "is missing (a list of noise seeds: the columns)");
  const json& seeds = j["seeds"];
  if (!seeds.is_array() || seeds.empty()) bad(where, "seeds", "must be a non-empty list of seeds");
  for (size_t i = 0; i < seeds.size(); ++i) {
    if (!seeds[i].is_number_integer() || seeds[i].get<int64_t>() < 0)
      bad(where, fmt::format("seeds[{}]", i), fmt::format("{} is not a seed (an integer >= 0)", seeds[i].dump()));
    s.seeds.push_back(seeds[i].get<uint64_t>());
  }
  if (s.rows.size() * s.seeds.size() > 1000)
    bad(where, "sweep", fmt::format("{} runs is more than 1000; split the sweep", s.rows.size() * s.seeds.size()));
  if (j.contains("frame")) {
    const json& f = j["frame"];
    if (f.is_number_integer() && f.get<int64_t>() >= 0) s.frame = std::to_string(f.get<int64_t>());
    else if (f.is_string() && (f == "first" || f == "middle" || f == "last")) s.frame = f.get<std::string>();
    else bad(where, "frame", fmt::format("{} is not first, middle, last or a frame index", f.dump()));
  }
  if (j.contains("cell_width")) {
    s.cell_width = value<int>(j, "cell_width", where, "");
    if (s.cell_width < 16 || s.cell_width > 2048) bad(where, "cell_width", fmt::format("{} is outside 16..2048", s.cell_width));
  }
  if (j.contains("mp4")) s.mp4 = value<bool>(j, "mp4", where, "");
  return s;
}

SweepSpec load_sweep(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(fmt::format("{}: cannot read the sweep file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  const json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw std::invalid_argument(fmt::format("{}: not valid JSON", path));
  return parse_sweep(j, path);
}

int sweep_frame_index(const std::string& frame, int frames) {
  if (frame == "first") return 0;
  if (frame == "last") return frames - 1;
  if (frame == "middle") return frames / 2;
  return std::clamp(std::stoi(frame), 0, frames - 1);
}

}  // namespace wanattn::cli
