#include "model/wan_pipeline.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/util/Exception.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>

#include "core/run_files.h"
#include "core/run_writer.h"
#include "model/pipeline_manifest.h"
#include "model/prompt_weighting.h"
#include "model/run_bends.h"
#include "model/wan_checkpoint.h"
#include "model/wan_loader.h"
#include "model/wan_vae_loader.h"

namespace wanattn {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The noise exactly as PyTorch draws it: a fresh generator seeded with `seed` on `device`
// (official: torch.Generator(cuda).manual_seed; diffusers: whatever generator the caller made),
// then randn of the latent shape in fp32.
at::Tensor seeded_noise(const std::array<int64_t, 5>& shape, uint64_t seed, at::Device device) {
  at::Generator gen = device.is_cuda() ? at::detail::getCUDAHooks().getNewGenerator(device.has_index() ? device.index() : 0)
                                       : at::detail::createCPUGenerator(seed);
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(seed);
  }
  return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat).device(device));
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// The caching allocator throws OutOfMemoryError; cuBLAS / cuDNN report a failed workspace
// allocation as their own status in a plain c10::Error.
bool is_out_of_memory(const std::exception& e) {
  if (dynamic_cast<const c10::OutOfMemoryError*>(&e)) return true;
  const std::string m = e.what();
  return m.find("CUDA out of memory") != std::string::npos || m.find("ALLOC_FAILED") != std::string::npos ||
         m.find("cudaErrorMemoryAllocation") != std::string::npos;
}

}  // namespace

// One generate() call's reporting state.
struct WanPipeline::Run {
  const PipelineCallbacks& callbacks;
  GenerateResult& result;
  std::string stage = "starting";

  void enter(const std::string& s) {
    stage = s;
    if (callbacks.on_stage) callbacks.on_stage(s);
  }
  void warn(const std::string& w) {
    result.warnings.push_back(w);
    if (callbacks.on_warning) callbacks.on_warning(w);
  }
};

WanPipeline::WanPipeline(WanModelFolder folder, PipelineOptions options) : folder_(std::move(folder)), options_(std::move(options)) {
  PromptEncoderOptions eo;
  eo.encoder_path = folder_.parts.text_encoder;
  eo.device = options_.device;
  eo.keep_loaded = options_.keep_text_encoder;
  eo.cache_dir = options_.cache_dir;
  encoder_ = std::make_unique<PromptEncoder>(T5Tokenizer::from_folder(folder_.parts.tokenizer), eo);
}

WanPipeline::WanPipeline(PipelineParts parts, WanModelDefaults defaults, PipelineOptions options)
    : parts_(std::move(parts)), options_(std::move(options)) {
  folder_.defaults = std::move(defaults);
  PromptEncoderOptions eo;
  eo.device = options_.device;
  eo.keep_loaded = options_.keep_text_encoder;
  eo.cache_dir = options_.cache_dir;
  encoder_ = std::make_unique<PromptEncoder>(std::nullopt, eo);
}

WanPipeline::~WanPipeline() = default;

void WanPipeline::ensure_dit(Run& run) {
  if (dit_) return;
  run.enter("loading the DiT");
  const auto t0 = Clock::now();
  dit_ = parts_.make_dit ? parts_.make_dit()
                        : load_wan_model(WanCheckpoint::open(folder_.parts.transformer), default_module_options(options_.device));
  dit_->eval();
  run.result.timings["load_dit"] = seconds_since(t0);
}

void WanPipeline::ensure_vae(Run& run) {
  if (!vae_) {
    run.enter("loading the VAE");
    const auto t0 = Clock::now();
    vae_ = parts_.make_vae ? parts_.make_vae() : load_wan_vae(folder_.parts.vae, options_.device, options_.vae_dtype).model;
    vae_->eval();
    run.result.timings["load_vae"] = seconds_since(t0);
  }
  if (!preview_.ready()) preview_ = LatentPreview::from_vae(vae_);
}

GenerateResult WanPipeline::generate(const GenerateRequest& rq, const PipelineCallbacks& callbacks) {
  torch::InferenceMode inference;
  const auto t_total = Clock::now();
  const at::Device device = options_.device;
  GenerateResult result;
  Run run{callbacks, result};
  std::unique_ptr<RunWriter> store;
  std::unique_ptr<CaptureWriter> capture;
  std::vector<at::Tensor> previews;
  at::Tensor x;  // the sample

  auto save_partial = [&](RunState state, const std::string& message) {
    if (capture) {
      try {
        capture->close();
        result.capture = capture->stats();
      } catch (...) {  // the store already knows (it failed itself); the first error is what we report
      }
    }
    if (!store || store->finished()) return;
    try {
      if (!previews.empty()) {
        const at::Tensor p = at::stack(previews).contiguous();
        store->write_array(run_files::kPreviews, DType::U8, std::vector<uint64_t>(p.sizes().begin(), p.sizes().end()), p.data_ptr());
      }
      if (x.defined()) {
        const at::Tensor l = x.to(at::kCPU, at::kFloat).contiguous();
        store->write_array(run_files::kLatents, DType::F32, std::vector<uint64_t>(l.sizes().begin(), l.sizes().end()), l.data_ptr());
      }
      for (const auto& [stage, seconds] : result.timings) store->set_timing(stage, seconds);
      const GpuMemoryPeak peak = gpu_memory_peak(device);
      const CaptureStats cs = result.capture;
      store->update_manifest([&](RunManifest& m) {
        m.extra["gpu_peak_allocated_gib"] = {{"text", result.peak_text.allocated_gib}, {"video", peak.allocated_gib}};
        m.extra["gpu_peak_reserved_gib"] = {{"text", result.peak_text.reserved_gib}, {"video", peak.reserved_gib}};
        m.extra["capture_stats"] = {{"slices", cs.slices}, {"waits", cs.waits}, {"wait_seconds", cs.wait_seconds},
                                    {"write_seconds", cs.write_seconds}};
        m.extra["warnings"] = result.warnings;
      });
    } catch (...) {  // keep the original reason
    }
    store->finish(state, message);
  };

  try {
    set_gpu_memory_limit(device, options_.gpu_memory_limit_gib);
    reset_gpu_memory_peak(device);
    // The DiT's shape decides the grid; read from the checkpoint header when not loaded yet.
    std::optional<WanCheckpoint> header;
    if (!dit_ && !parts_.make_dit) header = WanCheckpoint::open(folder_.parts.transformer);
    const WanConfig config = dit_ ? dit_->config() : header ? header->config() : parts_.dit_config;
    header.reset();
    const ResolvedRequest r = resolve_request(rq, folder_.defaults, config, result.warnings);
    if (!rq.out_dir.empty() && std::filesystem::exists(std::filesystem::path(rq.out_dir) / run_files::kManifest))
      throw PipelineError(fmt::format("{} already holds a run (manifest.json exists); choose another --out", rq.out_dir));
    for (const auto& w : result.warnings)
      if (callbacks.on_warning) callbacks.on_warning(w);

    // 1. Text (the encoder is released afterwards unless asked to stay).
    run.enter("encoding the prompt");
    auto t0 = Clock::now();
    if (parts_.make_text_encoder && !encoder_->loaded()) {
      encoder_->install(parts_.make_text_encoder());
      result.timings["load_text_encoder"] = seconds_since(t0);
      t0 = Clock::now();
    }
    const int runs_before = encoder_->encoder_runs();
    std::vector<EncodedPrompt> text;
    if (rq.tokenized) {
      std::vector<TokenizedPrompt> tok{(*rq.tokenized)[0]};
      if (r.cfg) tok.push_back((*rq.tokenized)[1]);
      text = encoder_->encode_tokenized(std::move(tok));
    } else {
      text = encoder_->encode(r.cfg ? std::vector<std::string>{rq.prompt, r.negative} : std::vector<std::string>{rq.prompt});
    }
    result.timings["text_encoder"] = seconds_since(t0);
    if (!parts_.make_text_encoder && encoder_->encoder_runs() > runs_before && encoder_->encoder().seconds > 0)
      result.timings["load_text_encoder"] = encoder_->encoder().seconds;
    result.prompt_tokens = text[0].tokens;
    for (const auto& e : text)
      for (const auto& w : e.tokens.warnings) run.warn(w);
    if (text[0].tokens.dropped_tokens > 0)
      run.warn(fmt::format("the prompt is longer than the text encoder's 512 positions: {} tokens were dropped",
                           text[0].tokens.dropped_tokens));
    // Prompt weighting (docs/bending.md): weighted rows scaled, the mean row norm restored.
    for (auto& e : text) {
      std::vector<float> weights;
      for (const auto& t : e.tokens.tokens) weights.push_back(t.weight);
      apply_prompt_weights(e.context, weights);
    }

    result.peak_text = gpu_memory_peak(device);
    reset_gpu_memory_peak(device);

    // 2. Models.
    ensure_dit(run);
    ensure_vae(run);
    const auto sampler = make_flow_sampler(r.sampler, r.steps, r.shift, r.grid);
    const TokenizedPrompt& negative_tokens = r.cfg ? text[1].tokens : text[0].tokens;
    ManifestSources sources{rq.tokenized ? nullptr : &folder_, &config, &options_, sampler.get(), encoder_->identity()};
    if (folder_.root.empty()) sources.folder = nullptr;

    // Bends: checked against the model and the prompt before anything is written.
    BendContext bend_context;
    bend_context.grid = {r.patch_grid.frames, r.patch_grid.height, r.patch_grid.width};
    bend_context.device = device;
    bend_context.blocks = config.num_layers;
    bend_context.heads = config.num_heads;
    bend_context.ffn_dim = config.ffn_dim;
    bend_context.tokens_cond = text[0].tokens.real_tokens();
    bend_context.tokens_uncond = r.cfg ? text[1].tokens.real_tokens() : 0;
    bend_context.steps = r.steps;
    RunBends bends(rq.bends, rq.live_bends, bend_context);

    // 3. The run store, at full size, before any step.
    if (!rq.out_dir.empty()) {
      run.enter("creating the run store");
      RunManifest manifest = make_run_manifest(r, text[0].tokens, negative_tokens, sources);
      const uint64_t need = run_store_bytes(manifest) + uint64_t(r.frames) * rq.height * rq.width * 3;
      const uint64_t free = free_disk_bytes(rq.out_dir);
      if (need > free)
        throw PipelineError(fmt::format("the run needs {:.2f} GB in {} but only {:.2f} GB are free there; capture less "
                                        "(--capture \"heads=mean\", or fewer steps/blocks) or free some space",
                                        double(need) / 1e9, rq.out_dir, double(free) / 1e9));
      store = RunWriter::create(rq.out_dir, std::move(manifest));
      result.run_dir = rq.out_dir;
      if (callbacks.on_run_created) callbacks.on_run_created(rq.out_dir);
      const auto& sel = store->manifest().capture;
      if (!sel.steps.empty() && !sel.blocks.empty()) capture = std::make_unique<CaptureWriter>(*store, device);
    }

    // 4. Denoise.
    run.enter("preparing the text context");
    const WanText text_cond = dit_->prepare_text(text[0].context.unsqueeze(0));
    const WanText text_uncond = r.cfg ? dit_->prepare_text(text[1].context.unsqueeze(0)) : WanText{};
    text.clear();  // the contexts are in the per-block K/V now
    x = seeded_noise(r.latent, rq.seed, options_.noise_on_cpu ? at::Device(at::kCPU) : device).to(device);
    const auto& timesteps = sampler->timesteps();
    const auto& sigmas = sampler->sigmas();
    auto cancelled = [&] { return rq.cancel && rq.cancel->load(); };
    const auto t_denoise = Clock::now();
    bool stopped = false;
    for (int i = 0; i < r.steps && !stopped; ++i) {
      const auto t_step = Clock::now();
      const at::Tensor t = at::full({1}, timesteps[size_t(i)], at::TensorOptions().dtype(at::kFloat).device(device));
      // The bend set in force for the whole step: a live change lands from the next one.
      if (bends.begin_step(i, [&](const std::string& w) { run.warn(w); })) {
        result.bends = bends.history();
        if (store) store->update_manifest([&](RunManifest& m) { m.bends = bend_history_to_json(result.bends); });
      }
      run.stage = fmt::format("step {}/{} (conditional pass)", i + 1, r.steps);
      at::Tensor v = dit_->forward(x, t, text_cond, WanForwardOptions{capture.get(), i, bends.cond()});
      if (cancelled()) break;
      if (r.cfg) {
        run.stage = fmt::format("step {}/{} (unconditional pass)", i + 1, r.steps);
        const at::Tensor vu = dit_->forward(x, t, text_uncond, WanForwardOptions{nullptr, i, bends.uncond()});
        v = vu + r.guidance * (v - vu);  // fp32, as the official code
        if (cancelled()) break;
      }
      const at::Tensor x0 = x - double(sigmas[size_t(i)]) * v;
      x = sampler->step(v, x);
      previews.push_back(preview_.rgb(x0));  // waits for the step: the timing below is real
      StepReport rep;
      rep.step = i;
      rep.steps = r.steps;
      rep.timestep = timesteps[size_t(i)];
      rep.sigma = sigmas[size_t(i)];
      rep.step_seconds = seconds_since(t_step);
      rep.elapsed_seconds = seconds_since(t_denoise);
      rep.eta_seconds = rep.elapsed_seconds / (i + 1) * (r.steps - i - 1) + last_vae_seconds_;
      rep.preview = previews.back();
      rep.bends_version = bends.version();
      if (callbacks.on_step) callbacks.on_step(rep);
      stopped = cancelled();
    }
    result.timings["denoise"] = seconds_since(t_denoise);
    if (cancelled()) {
      const int done = int(previews.size());
      result.state = RunState::Cancelled;
      result.message = fmt::format("cancelled after {} of {} steps", done, r.steps);
      save_partial(RunState::Cancelled, result.message);
      result.latents = x.to(at::kCPU);
      result.previews = previews.empty() ? at::Tensor() : at::stack(previews);
      return result;
    }
    if (capture) {
      run.enter("writing the last maps");
      capture->close();
      result.capture = capture->stats();
    }

    // 5. Decode. The DiT's cached activation blocks go back first: the VAE wants other sizes,
    // and keeping both would hold far more than either needs.
    free_cached_gpu_memory(device);
    run.enter("decoding the video (VAE)");
    t0 = Clock::now();
    const at::Tensor video = vae_->decode(x);  // [1, 3, F, H, W] in [-1, 1]
    result.frames = video_to_uint8(video)[0].to(at::kCPU).contiguous();  // [F, H, W, 3]
    last_vae_seconds_ = result.timings["vae_decode"] = seconds_since(t0);
    result.latents = x.to(at::kCPU).contiguous();
    result.previews = at::stack(previews).contiguous();
    result.peak_video = gpu_memory_peak(device);
    result.peak = {std::max(result.peak_text.allocated_gib, result.peak_video.allocated_gib),
                   std::max(result.peak_text.reserved_gib, result.peak_video.reserved_gib)};
    result.timings["total"] = seconds_since(t_total);

    if (store) {
      run.enter("writing the run");
      const auto& f = result.frames;
      store->write_array(run_files::kFrames, DType::U8, {uint64_t(f.size(0)), uint64_t(f.size(1)), uint64_t(f.size(2)), 3}, f.data_ptr());
      save_partial(RunState::Complete, "");  // previews, latents, timings, then the final status
    }
    result.state = RunState::Complete;
    return result;
  } catch (const std::exception& e) {
    if (is_out_of_memory(e)) {
      const std::string message = fmt::format(
          "out of GPU memory while {}: {} [{}]. The memory has been freed; try a smaller size or fewer frames, "
          "capture less (--capture \"heads=mean\"), or close other programs using the GPU",
          run.stage, first_line(e.what()), describe_gpu_memory(device));
      x = at::Tensor();
      encoder_->release();
      free_cached_gpu_memory(device);
      save_partial(RunState::Failed, message);
      throw PipelineError(message, true);
    }
    save_partial(RunState::Failed, fmt::format("{}: {}", run.stage, e.what()));
    throw;
  }
}

}  // namespace wanattn
