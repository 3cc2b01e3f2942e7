#include "model/run_replay.h"

#include <fmt/format.h>

#include "model/bend_history.h"

namespace wanattn {
namespace {

const nlohmann::json& need(const nlohmann::json& j, const char* key, const std::string& where, const std::string& path) {
  if (!j.is_object() || !j.contains(key))
    throw PipelineError(fmt::format("{}: '{}{}' is missing, so the run cannot be re-made", where, path, key));
  return j[key];
}

template <class T>
T get(const nlohmann::json& j, const char* key, const std::string& where, const std::string& path = "generation.") {
  const auto& v = need(j, key, where, path);
  try {
    return v.get<T>();
  } catch (const nlohmann::json::exception&) {
    throw PipelineError(fmt::format("{}: '{}{}' has the wrong type ({})", where, path, key, v.type_name()));
  }
}

}  // namespace

ReplayedRun replay_request(const RunManifest& m, const std::string& where) {
  const auto& g = m.generation;
  if (g.contains("benchmark"))
    throw PipelineError(fmt::format("{}: a benchmark's run (random weights, pre-tokenized prompts) cannot be re-made", where));
  ReplayedRun out;
  GenerateRequest& rq = out.request;
  rq.prompt = get<std::string>(g, "prompt", where);
  if (get<bool>(g, "negative_prompt_given", where)) rq.negative = get<std::string>(g, "negative_prompt", where);
  rq.seed = get<uint64_t>(g, "seed", where);
  rq.steps = get<int>(g, "steps", where);
  rq.guidance = get<double>(g, "guidance", where);
  rq.shift = get<double>(g, "shift", where);
  rq.sampler = get<std::string>(g, "sampler", where);
  const std::string grid = get<std::string>(g, "sigma_grid", where);
  if (grid != "official" && grid != "diffusers")
    throw PipelineError(fmt::format("{}: 'generation.sigma_grid' is '{}' (official or diffusers)", where, grid));
  rq.grid = grid == "official" ? FlowGrid::Official : FlowGrid::Diffusers;
  rq.width = m.width;
  rq.height = m.height;
  rq.frames = get<int>(g, "frames_requested", where);

  // The capture selection as it was resolved: explicit steps and blocks.
  CaptureSpec& c = rq.capture;
  c.enabled = !m.capture.steps.empty() && !m.capture.blocks.empty();
  if (c.enabled) {
    c.steps = m.capture.steps;
    c.blocks = m.capture.blocks;
  }
  c.per_head = m.capture.head_mode == "per_head";
  c.padding_mass = m.capture.padding_mass;
  rq.bends = bend_history_from_json(m.bends);

  const auto& parts = need(m.model, "parts", where, "model.");
  out.model_root = get<std::string>(parts, "root", where, "model.parts.");
  if (out.model_root == "in memory (random weights)")
    throw PipelineError(fmt::format("{}: the run's model was built in memory (random weights) and cannot be loaded again", where));
  auto part = [&](const char* k) { return parts.contains(k) ? get<std::string>(parts, k, where, "model.parts.") : std::string(); };
  out.parts = {part("transformer"), part("text_encoder"), part("tokenizer"), part("vae")};
  out.device = get<std::string>(g, "device", where);
  out.noise_on_cpu = need(g, "noise", where, "generation.").value("generator", "") == "cpu";
  out.vae_dtype = get<std::string>(g, "vae_dtype", where);
  return out;
}

}  // namespace wanattn
