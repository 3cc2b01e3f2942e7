#include "model/pipeline_manifest.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "model/prompt_weighting.h"

namespace wanattn {
namespace {

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

const char* dtype_name(at::ScalarType t) { return t == at::kBFloat16 ? "bf16" : t == at::kHalf ? "fp16" : "fp32"; }

}  // namespace

ResolvedRequest resolve_request(const GenerateRequest& rq, const WanModelDefaults& d, const WanConfig& config,
                                std::vector<std::string>& warnings) {
  ResolvedRequest r;
  r.request = rq;
  if (blank(rq.prompt) && !rq.tokenized) throw PipelineError("the prompt is empty: say what the video should show");
  r.steps = rq.steps.value_or(d.steps);
  if (r.steps < 1 || r.steps > 1000) throw PipelineError(fmt::format("steps {} is out of range (1-1000)", r.steps));
  r.guidance = rq.guidance.value_or(d.guidance);
  if (!(r.guidance >= 0 && r.guidance <= 100)) throw PipelineError(fmt::format("guidance {} is out of range (0-100)", r.guidance));
  r.cfg = r.guidance > 1.0;  // as diffusers: no unconditional pass at guidance <= 1
  r.shift = rq.shift.value_or(d.shift);
  if (!(r.shift > 0 && r.shift <= 100)) throw PipelineError(fmt::format("shift {} is out of range (0-100]", r.shift));
  r.sampler = rq.sampler.value_or(d.sampler);
  if (r.sampler != "unipc" && r.sampler != "euler")
    throw PipelineError(fmt::format("sampler '{}' is unknown (unipc or euler)", r.sampler));
  r.grid = rq.grid.value_or(d.grid);
  const std::string neg = rq.negative.value_or("");
  r.negative = neg.empty() && d.official_negative ? kOfficialNegativePrompt : neg;

  const int spatial = 8 * config.patch[1];  // VAE x8, then the DiT's 2x2 patches
  if (rq.width < spatial || rq.height < spatial || rq.width % spatial || rq.height % spatial) {
    auto near = [&](int v) { return std::max(spatial, (v + spatial / 2) / spatial * spatial); };
    throw PipelineError(fmt::format("size {}x{}: width and height must be positive multiples of {} (nearest: {}x{})",
                                    rq.width, rq.height, spatial, near(rq.width), near(rq.height)));
  }
  if (rq.width > 4096 || rq.height > 4096)
    throw PipelineError(fmt::format("size {}x{} is larger than 4096 pixels on a side", rq.width, rq.height));
  if (rq.frames < 1 || rq.frames > 1001) throw PipelineError(fmt::format("frames {} is out of range (1-1001)", rq.frames));
  r.frames = (rq.frames - 1) / 4 * 4 + 1;  // as diffusers: round down to 4n + 1
  if (r.frames != rq.frames)
    warnings.push_back(fmt::format("frames {} is not of the form 4n+1 (the VAE makes 4 frames per latent frame after "
                                   "the first): using {}",
                                   rq.frames, r.frames));
  const int64_t lf = (r.frames - 1) / 4 + 1, lh = rq.height / 8, lw = rq.width / 8;
  r.latent = {1, config.in_dim, lf, lh, lw};
  r.patch_grid = {int(lf / config.patch[0]), int(lh / config.patch[1]), int(lw / config.patch[2])};
  return r;
}

RunManifest make_run_manifest(const ResolvedRequest& r, const TokenizedPrompt& prompt, const TokenizedPrompt& negative,
                              const ManifestSources& s) {
  const WanConfig& c = *s.config;
  RunManifest m;
  m.prompt = prompt.typed;
  m.negative_prompt = r.cfg ? negative.typed : "";
  m.frames = r.frames;
  m.height = r.request.height;
  m.width = r.request.width;
  m.grid = r.patch_grid;
  std::tie(m.tokens, m.words) = manifest_tokens(prompt);
  m.capture = resolve_capture(r.request.capture, r.steps, c.num_layers, c.num_heads, prompt.real_tokens());

  nlohmann::json parts = nlohmann::json::object();
  if (s.folder)
    parts = {{"root", s.folder->root}, {"transformer", s.folder->parts.transformer},
             {"text_encoder", s.folder->parts.text_encoder}, {"tokenizer", s.folder->parts.tokenizer},
             {"vae", s.folder->parts.vae}, {"layout", s.folder->diffusers ? "diffusers" : "official"}};
  else
    parts = {{"root", "in memory (random weights)"}};
  parts["text_encoder_identity"] = s.text_encoder_identity;
  m.model = {{"variant", c.variant}, {"parts", parts},
             {"config", {{"dim", c.dim}, {"ffn_dim", c.ffn_dim}, {"num_heads", c.num_heads}, {"num_layers", c.num_layers},
                         {"text_dim", c.text_dim}, {"text_len", c.text_len}, {"in_dim", c.in_dim}, {"out_dim", c.out_dim},
                         {"patch", c.patch}, {"eps", c.eps}}}};

  std::vector<float> weights;
  bool weighted = false;
  for (const auto& t : prompt.tokens) weights.push_back(t.weight), weighted |= t.weight != 1.0f;
  const auto& o = *s.options;
  m.generation = {
      {"prompt", prompt.typed},
      {"prompt_cleaned", prompt.cleaned},
      {"negative_prompt", m.negative_prompt},
      {"negative_prompt_given", r.request.negative.has_value()},
      {"negative_tokens", r.cfg ? negative.real_tokens() : 0},
      {"seed", r.request.seed},
      {"steps", r.steps},
      {"guidance", r.guidance},
      {"cfg", r.cfg},
      {"shift", r.shift},
      {"sampler", s.sampler->name()},
      {"sigma_grid", to_string(r.grid)},
      {"timesteps", s.sampler->timesteps()},
      {"sigmas", s.sampler->sigmas()},
      {"defaults_from", s.folder ? s.folder->defaults.source : "request"},
      {"frames_requested", r.request.frames},
      {"latent_shape", r.latent},
      {"noise", {{"generator", o.noise_on_cpu || !o.device.is_cuda() ? "cpu" : "cuda"},
                 {"dtype", "fp32"}, {"how", "torch.Generator(device).manual_seed(seed); randn(latent_shape)"}}},
      {"device", o.device.str()},
      {"dit_matmul_dtype", o.device.is_cuda() ? "bf16" : "fp32"},
      {"vae_dtype", dtype_name(o.vae_dtype)},
      {"dropped_prompt_tokens", prompt.dropped_tokens},
      {"prompt_weighted", weighted},
      {"token_weights", weights},
      {"prompt_weighting", kPromptWeightingMethod},
      {"maps_after_bends", true},  // captured maps are the bent ones (docs/bending.md)
      {"frame_conversion", "round((clamp(x, -1, 1) + 1) / 2 * 255)"},
      {"preview", "x0 = x - sigma * v through the VAE decoder linearised at the latent mean (docs/pipeline.md)"},
  };
  return m;
}

}  // namespace wanattn
