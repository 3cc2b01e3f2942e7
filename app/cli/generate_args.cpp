#include "generate_args.h"

#include <fmt/format.h>

#include <random>
#include <stdexcept>

#include "core/manifest.h"
#include "model/bend_json.h"
#include "model/embedding_cache.h"
#include "model/run_replay.h"
#include "model/torch_runtime.h"

namespace wanattn::cli {

void add_generate_options(CLI::App& cmd, GenerateArgs& a, bool with_model) {
  if (with_model) {
    cmd.add_option("--model", a.model, "Wan2.1 T2V folder (diffusers or official layout); none: the built-in demo model");
    cmd.add_option("--transformer", a.parts.transformer, "DiT weights elsewhere (e.g. a ComfyUI file)");
    cmd.add_option("--text-encoder", a.parts.text_encoder, "UMT5-XXL weights elsewhere");
    cmd.add_option("--tokenizer", a.parts.tokenizer, "Folder with the umT5 spiece.model");
    cmd.add_option("--vae", a.parts.vae, "VAE weights elsewhere");
    cmd.add_option("--out", a.out, "Run directory to create")->required();
    cmd.add_option("--prompt", a.prompt, "What the video shows; (words:1.3) weights words (required unless --from-manifest)");
    cmd.add_option("--from-manifest", a.from_manifest,
                   "Re-make a run from its manifest.json (prompt, seed, settings, bends); other options override it");
  }
  cmd.add_option("--negative", a.negative, "Negative prompt (default: the model folder's)");
  cmd.add_option("--seed", a.seed, "Noise seed (default: random, printed)");
  cmd.add_option("--steps", a.steps, "Sampler steps (default 50)");
  cmd.add_option("--guidance", a.guidance, "Classifier-free guidance scale (default 5; <= 1 turns it off)");
  cmd.add_option("--shift", a.shift, "Sigma shift (default: the folder's scheduler, official 5)");
  cmd.add_option("--sampler", a.sampler, "unipc or euler (default: the folder's)")->check(CLI::IsMember({"unipc", "euler"}));
  cmd.add_option("--grid", a.grid, "Sigma grid: official or diffusers (default: the folder's layout)")
      ->check(CLI::IsMember({"official", "diffusers"}));
  cmd.add_option("--size", a.size, "WIDTHxHEIGHT, multiples of 16 (default: the model's; Wan2.1 832x480)");
  cmd.add_option("--frames", a.frames, "Video frames, 4n+1 (default: the model's; Wan2.1 81)");
  cmd.add_option("--capture", a.capture,
                 "What to capture: all | none | 'steps=0-9,20 blocks=0-29/3 heads=mean padding=no'")
      ->capture_default_str();
  cmd.add_option("--device", a.device, "auto, cuda, cuda:N or cpu")->capture_default_str();
  cmd.add_option("--vae-dtype", a.vae_dtype, "fp32 or bf16")->check(CLI::IsMember({"fp32", "bf16"}))->capture_default_str();
  cmd.add_option("--noise-device", a.noise_device, "model (as the official code) or cpu (diffusers with a CPU generator)")
      ->check(CLI::IsMember({"model", "cpu"}))
      ->capture_default_str();
  cmd.add_option("--cache-dir", a.cache_dir, "Prompt-embedding cache (default ~/.cache/wanattn/embeddings)");
  cmd.add_flag("--no-cache", a.no_cache, "Do not read or write the prompt-embedding cache");
  cmd.add_option("--gpu-memory", a.gpu_memory, "Cap the GPU memory this run may take, GiB")->check(CLI::NonNegativeNumber);
  cmd.add_option("--bends", a.bends_file, "Network bending: a bend set (JSON, docs/bending.md) applied to the whole run");
  cmd.add_flag("--bend-both-passes", a.bend_both_passes,
               "Bend the unconditional pass too (every bend; default: each bend's own \"passes\")");
}

void apply_manifest(const CLI::App& cmd, GenerateArgs& a) {
  if (a.from_manifest.empty()) {
    if (a.prompt.empty()) throw std::invalid_argument("--prompt is required (or --from-manifest RUN/manifest.json)");
    return;
  }
  const ReplayedRun rr = replay_request(load_manifest(a.from_manifest), a.from_manifest);
  const GenerateRequest& q = rr.request;
  auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  if (!given("--model")) a.model = rr.model_root;
  if (!given("--transformer")) a.parts.transformer = rr.parts.transformer;
  if (!given("--text-encoder")) a.parts.text_encoder = rr.parts.text_encoder;
  if (!given("--tokenizer")) a.parts.tokenizer = rr.parts.tokenizer;
  if (!given("--vae")) a.parts.vae = rr.parts.vae;
  if (!given("--prompt")) a.prompt = q.prompt;
  if (!given("--negative")) a.negative = q.negative;
  if (!given("--seed")) a.seed = q.seed;
  if (!given("--steps")) a.steps = q.steps;
  if (!given("--guidance")) a.guidance = q.guidance;
  if (!given("--shift")) a.shift = q.shift;
  if (!given("--sampler")) a.sampler = q.sampler;
  if (!given("--grid") && q.grid) a.grid = to_string(*q.grid);
  if (!given("--size")) a.size = fmt::format("{}x{}", q.width, q.height);
  if (!given("--frames")) a.frames = q.frames;
  if (!given("--capture")) a.capture = to_string(q.capture);
  if (!given("--device")) a.device = rr.device;
  if (!given("--vae-dtype")) a.vae_dtype = rr.vae_dtype;
  if (!given("--noise-device")) a.noise_device = rr.noise_on_cpu ? "cpu" : "model";
  if (!given("--bends")) a.replay_bends = q.bends;
}

at::Device parse_device(const std::string& name) {
  if (name == "auto") return torch_runtime().cuda_available ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
  try {
    const at::Device d(name);
    if (d.is_cuda() && !torch_runtime().cuda_available) throw std::invalid_argument("no CUDA device on this machine");
    if (!d.is_cuda() && !d.is_cpu()) throw std::invalid_argument("only cpu and cuda are supported");
    return d.is_cuda() && !d.has_index() ? at::Device(at::kCUDA, 0) : d;
  } catch (const c10::Error& e) {
    throw std::invalid_argument(fmt::format("--device {}: not a device (auto, cuda, cuda:N or cpu)", name));
  }
}

PipelineOptions pipeline_options(const GenerateArgs& a) {
  PipelineOptions o;
  o.device = parse_device(a.device);
  o.vae_dtype = a.vae_dtype == "bf16" ? at::kBFloat16 : at::kFloat;
  o.noise_on_cpu = a.noise_device == "cpu";
  if (!a.no_cache) o.cache_dir = a.cache_dir.empty() ? EmbeddingCache::default_dir() : a.cache_dir;
  o.gpu_memory_limit_gib = a.gpu_memory;
  return o;
}

GenerateRequest generate_request(const GenerateArgs& a, const WanModelDefaults& defaults) {
  GenerateRequest rq;
  rq.prompt = a.prompt;
  rq.negative = a.negative;
  rq.seed = a.seed ? *a.seed : std::random_device{}() % 4294967296ull;
  rq.steps = a.steps;
  rq.guidance = a.guidance;
  rq.shift = a.shift;
  rq.sampler = a.sampler;
  if (a.grid) rq.grid = *a.grid == "official" ? FlowGrid::Official : FlowGrid::Diffusers;
  const std::string size = a.size.value_or(fmt::format("{}x{}", defaults.width, defaults.height));
  const auto x = size.find('x');
  try {
    if (x == std::string::npos) throw std::invalid_argument("no x");
    size_t used = 0;
    rq.width = std::stoi(size.substr(0, x), &used);
    if (used != x) throw std::invalid_argument("width");
    rq.height = std::stoi(size.substr(x + 1), &used);
    if (used != size.size() - x - 1) throw std::invalid_argument("height");
  } catch (const std::exception&) {
    throw std::invalid_argument(fmt::format("--size {}: expected WIDTHxHEIGHT, e.g. 832x480", size));
  }
  rq.frames = a.frames.value_or(defaults.frames);
  rq.capture = parse_capture_spec(a.capture);
  rq.out_dir = a.out;
  rq.bends = a.bends_file.empty() ? a.replay_bends : constant_bends(load_bend_set(a.bends_file));
  if (a.bend_both_passes)
    for (auto& change : rq.bends)
      for (auto& b : change.set.bends) b.passes = BendPasses::Both;
  return rq;
}

}  // namespace wanattn::cli
