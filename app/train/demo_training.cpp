#include "demo_training.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "demo_batches.h"
#include "graphed_update.h"
#include "phase_timer.h"
#include "model/adamw.h"
#include "model/demo_render.h"
#include "model/demo_scene.h"
#include "model/demo_tokenizer.h"
#include "model/t5_tokenizer.h"
#include "model/umt5_encoder.h"
#include "model/wan_folder_writer.h"
#include "model/umt5_loader.h"
#include "model/wan_loader.h"
#include "model/wan_model.h"
#include "model/wan_model_folder.h"
#include "model/wan_vae_loader.h"
#include "model/wan_block_growth.h"
#include "model/wan_train_init.h"
#include "model/wan_vae.h"
#include "model/wan_vae_sequence.h"

namespace fs = std::filesystem;

namespace wanattn::train {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Under a time limit, steps kTimingFrom..kTimingSteps are timed to fix the schedule's
// length (the first ones pay for allocations and kernel selection: timing them left a
// fifth of the budget unused).
constexpr int kTimingFrom = 10;
constexpr int kTimingSteps = 40;
constexpr int kProfileFrom = 50;  // --profile starts after the timed steps

// bf16 autocast on the device for one scope (the forward passes); the cast weights are
// cached for the scope and dropped at its end, since the optimiser changes them next.
class AutocastScope {
 public:
  AutocastScope(bool on, at::Device device) : on_(on), type_(device.type()) {
    if (!on_) return;
    at::autocast::set_autocast_dtype(type_, at::kBFloat16);
    at::autocast::set_autocast_enabled(type_, true);
  }
  ~AutocastScope() {
    if (!on_) return;
    at::autocast::set_autocast_enabled(type_, false);
    at::autocast::clear_cache();
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool on_;
  at::DeviceType type_;
};

at::Generator seeded_generator(at::Device device, uint64_t seed) {
  at::Generator g = device.is_cuda() ? at::detail::getCUDAHooks().getNewGenerator(device.index())
                                     : at::detail::createCPUGenerator(seed);
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_current_seed(seed);
  return g;
}

// lr at `step`: linear warm-up, then cosine from lr to lr / 10 at the last step.
double schedule(double lr, int step, int warmup, int steps) {
  if (step < warmup) return lr * (step + 1) / warmup;
  const double p = double(step - warmup) / std::max(1, steps - warmup);
  return lr * (0.1 + 0.45 * (1 + std::cos(M_PI * std::min(1.0, p))));
}

// Norms, biases and modulation tables get no weight decay.
void add_module(AdamW& opt, torch::nn::Module& m, double decay) {
  std::vector<at::Tensor> with, without;
  for (auto& p : m.named_parameters(true)) {
    const std::string& n = p.key();
    const bool vector_like = p.value().dim() < 2 || n.find("norm") != std::string::npos ||
                             n.find("modulation") != std::string::npos || n.find("gamma") != std::string::npos ||
                             n.find("relative_attention_bias") != std::string::npos;
    (vector_like ? without : with).push_back(p.value());
  }
  opt.add_group(with, decay);
  opt.add_group(without, 0.0);
}

// The EMA weights into the modules (the optimiser's parameter order is add_module's).
void load_ema(AdamW& opt) {
  torch::NoGradGuard no_grad;
  auto params = opt.params();
  auto ema = opt.ema();
  for (size_t i = 0; i < params.size(); ++i) params[i].copy_(ema[i]);
}

std::string digest(const std::vector<torch::nn::Module*>& modules, at::ScalarType dtype) {
  uint64_t h = 1469598103934665603ull;
  for (auto* m : modules)
    for (const auto& p : m->named_parameters(true)) {
      const at::Tensor t = p.value().detach().to(at::kCPU, dtype).contiguous();
      const auto* b = static_cast<const unsigned char*>(t.data_ptr());
      for (size_t i = 0; i < size_t(t.nbytes()); ++i) h = (h ^ b[i]) * 1099511628211ull;
    }
  return fmt::format("{:016x}", h);
}

// Copies every parameter of a folder's parts (read by the ordinary loaders; its VAE, `v`,
// already read for its latent statistics) into the models being trained; the shapes must
// agree, and the folder's tokenizer must be this run's.
void init_from_folder(const std::string& dir, const WanVae& v, int insert_blocks_at, WanModel& dit, UMT5EncoderModel& text,
                      WanVae& vae, const T5Tokenizer& tokenizer, std::ostream& log) {
  const WanModelFolder f = find_wan_model_folder(dir);
  const T5Tokenizer theirs = T5Tokenizer::from_folder(f.parts.tokenizer);
  for (const char* probe : {"a green triangle moves right", "a purple star spins and a cyan circle grows"})
    if (theirs.encode(probe, 32).ids != tokenizer.encode(probe, 32).ids)
      throw std::runtime_error(fmt::format("--init-from {}: its tokenizer differs from this run's (another --seed?)", dir));
  const WanModel d = load_wan_model(WanCheckpoint::open(f.parts.transformer), ModuleOptions{});
  const LoadedUMT5 t = load_umt5_encoder(f.parts.text_encoder, UMT5Options{});
  auto copy = [&](torch::nn::Module& dst, const torch::nn::Module& src, const char* what) {
    torch::NoGradGuard ng;
    auto to = dst.named_parameters(true);
    const auto from = src.named_parameters(true);
    if (to.size() != from.size()) throw std::runtime_error(fmt::format("--init-from {}: the {} has other parameters", dir, what));
    for (const auto& p : from) {
      at::Tensor* q = to.find(p.key());
      if (q == nullptr || !q->sizes().equals(p.value().sizes()))
        throw std::runtime_error(fmt::format("--init-from {}: {} parameter {} does not fit", dir, what, p.key()));
      q->copy_(p.value());
    }
  };
  if (insert_blocks_at < 0) {
    if (d->config().num_layers != dit->config().num_layers)
      throw std::runtime_error(fmt::format("--init-from {}: its DiT has {} blocks, this run's {} (--insert-blocks-at K grows it)", dir,
                                           d->config().num_layers, dit->config().num_layers));
    copy(*dit, *d, "DiT");
  } else {
    try {
      const int n = grow_wan_blocks(dit, d, insert_blocks_at);
      fmt::print(log, "DiT grown from {} to {} blocks: {} new at block {}, starting as identities\n", d->config().num_layers,
                 dit->config().num_layers, n, insert_blocks_at);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("--init-from {} --insert-blocks-at {}: {}", dir, insert_blocks_at, e.what()));
    }
  }
  copy(*text, *t.model, "text encoder");
  copy(*vae, *v, "VAE");
  fmt::print(log, "initialised from {}\n", dir);
}

std::vector<double> to_vector(const at::Tensor& t) {
  std::vector<double> v;
  for (int64_t i = 0; i < t.numel(); ++i) v.push_back(t[i].item<double>());
  return v;
}

}  // namespace

TrainResult train_demo(const TrainOptions& o, std::ostream& log) {
  if (o.insert_blocks_at >= 0 && o.init_from.empty()) throw std::invalid_argument("--insert-blocks-at needs --init-from");
  fs::create_directories(o.out);
  const fs::path out(o.out);
  TrainResult result;
  result.model_dir = (out / "model").string();

  // Numerics: fp32 weights and optimiser, TF32 matmuls; deterministic kernels (math SDPA,
  // deterministic cuDNN, torch's deterministic mode), so a seed gives the same model.
  auto& ctx = at::globalContext();
  ctx.setFloat32MatmulPrecision("high");
  ctx.setDeterministicCuDNN(!o.fast);
  ctx.setBenchmarkCuDNN(o.fast);
  ctx.setDeterministicAlgorithms(!o.fast, /*warn_only=*/true);
  ctx.setSDPUseFlash(false);
  ctx.setSDPUseMemEfficient(o.fast);
  ctx.setSDPUseCuDNN(false);

  // 1. Tokenizer, trained on the grammar; a later stage keeps its first stage's (the corpus
  // is sampled from the world, so a changed world would renumber the pieces under the
  // embeddings).
  const fs::path tok_dir = out / "tokenizer";
  fs::remove_all(tok_dir);
  if (o.init_from.empty()) {
    demo::train_tokenizer(tok_dir.string(), o.seed);
  } else {
    fs::copy(fs::path(find_tokenizer_model(find_wan_model_folder(o.init_from).parts.tokenizer)).parent_path(), tok_dir,
             fs::copy_options::recursive);
    fmt::print(log, "tokenizer from {}\n", o.init_from);
  }
  const T5Tokenizer tokenizer = T5Tokenizer::from_folder(tok_dir.string());
  fmt::print(log, "tokenizer: {} pieces\n", tokenizer.piece_count());

  // 2. Latent statistics -> the VAE config's latents_mean / latents_std. A later stage keeps
  // its folder's: the DiT and decoder it continues were trained on latents normalised so,
  // and a changed world (shaded objects since stage 8) would shift every input under them.
  auto [mean_cpu, std_cpu] = latent_statistics(o, o.seed ^ 0x5eed5eedull);
  const WanVae start_vae = o.init_from.empty() ? WanVae(nullptr) : load_wan_vae(find_wan_model_folder(o.init_from).parts.vae, at::kCPU).model;
  if (start_vae) {
    const WanVaeConfig& theirs = start_vae->config();
    const at::Tensor m = at::tensor(theirs.latents_mean, at::kDouble), s = at::tensor(theirs.latents_std, at::kDouble);
    fmt::print(log, "latent statistics from {} (this world's own differ by up to {:.4f} in mean, {:.4f} in std)\n", o.init_from,
               (m - mean_cpu.to(at::kDouble)).abs().max().item<double>(), (s - std_cpu.to(at::kDouble)).abs().max().item<double>());
    mean_cpu = m.to(mean_cpu.scalar_type());
    std_cpu = s.to(std_cpu.scalar_type());
  }
  WanVaeConfig vae_cfg = demo::vae_config(o.sizes);
  vae_cfg.latents_mean = to_vector(mean_cpu);
  vae_cfg.latents_std = to_vector(std_cpu);
  const at::Tensor lat_mean = mean_cpu.to(o.device, at::kFloat).view({1, -1, 1, 1, 1});
  const at::Tensor lat_std = std_cpu.to(o.device, at::kFloat).view({1, -1, 1, 1, 1});
  fmt::print(log, "latent mean {:.3f} .. {:.3f}, std {:.3f} .. {:.3f}\n", mean_cpu.min().item<double>(),
             mean_cpu.max().item<double>(), std_cpu.min().item<double>(), std_cpu.max().item<double>());

  // 3. Models, fp32 everywhere, initialised on the CPU from the seed.
  ModuleOptions mo;
  mo.device = o.device;
  mo.matmul_dtype = at::kFloat;
  const WanConfig dit_cfg = demo::dit_config(o.sizes);
  WanModel dit(dit_cfg, mo);
  wan_training_init(dit, o.seed + 1);
  const UMT5Config text_cfg = demo::text_encoder_config(o.sizes, tokenizer.piece_count());
  UMT5EncoderModel text(text_cfg, UMT5Options{o.device, at::kFloat});
  {
    UMT5EncoderModel cpu_twin(text_cfg, UMT5Options{at::kCPU, at::kFloat});
    cpu_twin->random_init(o.seed + 2);
    torch::NoGradGuard ng;
    auto dst = text->named_parameters(true);
    for (const auto& p : cpu_twin->named_parameters(true)) dst[p.key()].copy_(p.value());
  }
  WanVae vae(vae_cfg, at::TensorOptions().device(o.device).dtype(at::kFloat));
  wan_vae_training_init(vae, o.seed + 3);
  if (start_vae) init_from_folder(o.init_from, start_vae, o.insert_blocks_at, dit, text, vae, tokenizer, log);
  dit->train();
  text->train();
  vae->train();
  auto count = [](torch::nn::Module& m) {
    int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
  };
  fmt::print(log, "parameters: DiT {:.2f} M, text encoder {:.2f} M, VAE decoder {:.2f} M\n", count(*dit) / 1e6,
             count(*text) / 1e6, count(*vae) / 1e6);

  AdamW opt, vae_opt;
  add_module(opt, *dit, 0.01);
  add_module(opt, *text, 0.01);
  add_module(vae_opt, *vae, 0.0);

  // 4. The loop.
  DemoBatches data(o, tokenizer, o.seed);
  at::Generator gen = seeded_generator(o.device, o.seed + 4);
  std::ofstream curve(out / "curve.csv");
  curve << "step,seconds,loss,vae_l1,lr,grad_norm,vae_grad_norm\n";
  const auto f32 = at::TensorOptions().device(o.device).dtype(at::kFloat);
  at::Tensor loss_sum = at::zeros({}, f32), vae_sum = at::zeros({}, f32), gnorm = at::zeros({}, f32), vgnorm = at::zeros({}, f32);
  int loss_n = 0, vae_n = 0;
  // Flow matching as Wan trains: x_s = (1 - s) x0 + s eps, the DiT predicts eps - x0 at
  // t = 1000 s. Forward and backward of the DiT and the text encoder; returns the loss.
  PhaseTimer timer(o.device);
  const std::string decoder_phase = fmt::format("decoder update (every {} steps, averaged)", o.vae_every);
  auto flow_matching_backward = [&](const at::Tensor& latents, const at::Tensor& ids, const at::Tensor& mask,
                                    const at::Tensor& u, const at::Tensor& eps) {
    const at::Tensor sigma = o.shift * u / (1 + (o.shift - 1) * u);
    const at::Tensor s5 = sigma.view({-1, 1, 1, 1, 1});
    const at::Tensor xt = (1 - s5) * latents + s5 * eps;
    at::Tensor loss;
    {
      AutocastScope ac(o.autocast, o.device);
      const WanText txt = dit->prepare_text(text->forward(ids, mask), /*compact=*/true);
      timer.mark("forward: text encoder + text K/V");
      const at::Tensor v = dit->forward(xt, sigma * 1000, txt);
      loss = at::mse_loss(v.to(at::kFloat), eps - latents);
      timer.mark("forward: DiT + loss");
    }
    loss.backward();
    timer.mark("backward: DiT + text encoder");
    return loss.detach();
  };
  // --graph: the update reads static inputs, refilled every step, and leaves its loss and
  // gradient norm in static outputs; the whole loop runs on one side stream (capture needs a
  // non-default one, and one stream keeps the refills ordered before each replay).
  struct Static {
    at::Tensor latents, ids, mask, u, eps, lr, loss, gnorm;
  } st;
  std::optional<c10::cuda::CUDAStreamGuard> side_stream;
  std::unique_ptr<GraphedUpdate> graphed;
  if (o.graph) {
    if (!o.device.is_cuda() || o.autocast) throw std::invalid_argument("--graph needs --device cuda and no --autocast");
    side_stream.emplace(c10::cuda::getStreamFromPool(/*isHighPriority=*/false, o.device.index()));
    c10::cuda::device_synchronize();  // the set-up queued on the default stream is done
    graphed = std::make_unique<GraphedUpdate>(
        [&] {
          st.loss = flow_matching_backward(st.latents, st.ids, st.mask, st.u, st.eps);
          st.gnorm = opt.step(st.lr);
        },
        o.graph_eager_steps);
  }

  const auto t0 = Clock::now();
  auto t_timing = t0;
  int step = 0;
  int total = o.steps;  // the schedule's length; a time limit may shorten it once, below
  bool fitted = false;
  for (; step < total; ++step) {
    // Under a time limit, the speed of the first steps sets how many fit, so the cosine
    // schedule (and the EMA behind it) completes instead of being cut off at a high rate.
    // The log and wanattn.json record the count; --steps with it repeats the run exactly.
    if (step == kTimingFrom) t_timing = Clock::now();
    if (o.max_minutes > 0 && step == kTimingSteps) {
      const double per_step = since(t_timing) / (kTimingSteps - kTimingFrom);
      const int fit = kTimingSteps + int(0.97 * (60 * o.max_minutes - since(t0)) / per_step);
      if (fit < total) {
        fitted = true;
        total = std::max(fit, kTimingSteps + 1);
        fmt::print(log, "{:.0f} ms per step: {} steps fit in {:.1f} minutes (of {} asked)\n", 1000 * per_step, total,
                   o.max_minutes, o.steps);
      }
    }
    // The hard stop: at the limit while timing; 10 % past it once the schedule was fitted
    // (a step slower than the first ones should not cut a schedule that is nearly done).
    if (o.max_minutes > 0 && since(t0) > 60 * o.max_minutes * (fitted ? 1.1 : 1.0)) {
      result.stopped_early = true;
      fmt::print(log, "stopping early at step {} of {}: the {:.1f}-minute limit is reached (the run is not reproducible)\n",
                 step, total, o.max_minutes);
      break;
    }
    if (o.profile_steps > 0 && !graphed && (step == kProfileFrom || step == kProfileFrom + o.profile_steps)) {
      timer.set_on(step == kProfileFrom);
      if (!timer.on()) timer.report(log, o.profile_steps);
    }
    timer.restart();
    const Batch b = data.next(o.batch, lat_mean, lat_std, timer);
    const double lr = schedule(o.lr, step, o.warmup, total);
    const at::Tensor u = at::rand({o.batch}, gen, f32);
    const at::Tensor eps = at::randn(b.latents.sizes(), gen, f32);
    timer.mark("data: sigma and noise drawn");
    at::Tensor loss;
    if (graphed) {
      if (!st.latents.defined())
        st = {at::empty_like(b.latents), at::empty_like(b.ids), at::empty_like(b.mask), at::empty_like(u), at::empty_like(eps),
              at::zeros({}, f32), {}, {}};
      st.latents.copy_(b.latents);
      st.ids.copy_(b.ids);
      st.mask.copy_(b.mask);
      st.u.copy_(u);
      st.eps.copy_(eps);
      st.lr.fill_(lr);
      graphed->run(log);
      loss = st.loss;
      gnorm = st.gnorm;
    } else {
      loss = flow_matching_backward(b.latents, b.ids, b.mask, u, eps);
      gnorm = opt.step(lr);
      timer.mark("AdamW + EMA (DiT + text encoder)");
    }
    loss_sum += loss.detach();
    ++loss_n;

    // The decoder learns to invert the fixed encoder: the pipeline's decode, the whole clip at
    // once (equal to the chunked decode: tests/model/test_demo_training.cpp).
    if (step % o.vae_every == 0) {
      const int n = std::min(o.vae_batch, o.batch);
      const std::vector<demo::Scene> first(b.scenes.begin(), b.scenes.begin() + n);
      const at::Tensor clips = demo::render_clips(first, o.frames, o.height, o.width, o.device);
      at::Tensor rec;
      {
        AutocastScope ac(o.autocast, o.device);
        rec = decode_whole_sequence(vae, b.latents.narrow(0, 0, n)).to(at::kFloat);
      }
      const at::Tensor diff = rec - clips;
      // Squared error: its gradient grows with the error, so the few wrong object pixels
      // outvote the many almost-right background ones (L1 alone learnt colour far later).
      const at::Tensor vl = diff.pow(2).mean() + 0.1 * diff.abs().mean();
      vl.backward();
      vgnorm = vae_opt.step(schedule(o.vae_lr, step, o.warmup, total));
      vae_sum += vl.detach();
      ++vae_n;
      timer.mark(decoder_phase);
    }

    if ((step + 1) % o.log_every == 0 || step + 1 == total) {
      result.final_loss = loss_sum.item<double>() / std::max(1, loss_n);
      result.final_vae_loss = vae_sum.item<double>() / std::max(1, vae_n);
      const double t = since(t0);
      fmt::print(log, "step {:>5}/{}  {:7.1f} s  loss {:.4f}  vae L1 {:.4f}  lr {:.2e}  |g| {:.3f}  ({:.0f} ms/step)\n",
                 step + 1, total, t, result.final_loss, result.final_vae_loss, lr, gnorm.item<double>(),
                 1000 * t / (step + 1));
      log.flush();
      curve << fmt::format("{},{:.2f},{:.6f},{:.6f},{:.3e},{:.4f},{:.4f}\n", step + 1, t, result.final_loss,
                           result.final_vae_loss, lr, gnorm.item<double>(), vgnorm.item<double>());
      curve.flush();
      loss_sum.zero_();
      vae_sum.zero_();
      loss_n = vae_n = 0;
    }
  }
  if (timer.on()) timer.report(log, step - kProfileFrom);  // the run ended inside the window
  result.steps_done = step;
  result.seconds = since(t0);

  // 5. Export the EMA weights as an ordinary diffusers-layout folder.
  load_ema(opt);
  load_ema(vae_opt);
  dit->eval();
  text->eval();
  vae->eval();
  const demo::SceneOptions world = scene_options(o);  // what the batches were drawn from
  nlohmann::json extra;
  extra["defaults"] = {{"width", o.width}, {"height", o.height}, {"frames", o.frames}, {"steps", o.default_steps},
                       {"guidance", o.default_guidance}, {"prompt", demo::example_prompt()}};
  std::vector<std::string> held;
  for (const auto& [c, s] : demo::held_out_combinations()) held.push_back(fmt::format("{} {}", demo::name(c), demo::name(s)));
  extra["demo"] = {{"about", "wanattn's built-in demo model: docs/demo-model.md"},
                   {"held_out", held},
                   {"vocabulary", demo::vocabulary()},
                   {"world", {{"same_colour", world.same_colour},
                              {"unnamed_colour", world.unnamed_colour},
                              {"shading", world.shading}}},
                   {"encoder", "fixed: demo_latent_encoder.h (4x4 cell means of frame 4k's RGB and frame 4k-2's grey)"},
                   {"training", {{"seed", o.seed}, {"steps", result.steps_done}, {"stopped_early", result.stopped_early},
                                 {"batch", o.batch}, {"vae_every", o.vae_every}, {"vae_batch", o.vae_batch},
                                 {"lr", o.lr}, {"vae_lr", o.vae_lr}, {"warmup", o.warmup},
                                 {"caption_dropout", o.caption_dropout}, {"shift", o.shift},
                                 {"size", fmt::format("{}x{}", o.width, o.height)}, {"frames", o.frames},
                                 {"device", o.device.str()}, {"seconds", result.seconds},
                                 {"init_from", o.init_from.empty() ? nlohmann::json() : nlohmann::json(fs::path(o.init_from).filename().string())},
                                 {"insert_blocks_at", o.insert_blocks_at < 0 ? nlohmann::json() : nlohmann::json(o.insert_blocks_at)},
                                 {"fast", o.fast}, {"autocast", o.autocast}, {"graph", o.graph},
                                 {"final_loss", result.final_loss}, {"final_vae_l1", result.final_vae_loss}}}};
  fs::remove_all(result.model_dir);
  WanFolderParts parts;
  parts.dit = dit;
  parts.text_encoder = text;
  parts.vae = vae;
  parts.tokenizer_dir = tok_dir.string();
  parts.flow_shift = o.shift;
  parts.dtype = o.weights_dtype;
  parts.extra = extra;
  write_wan_diffusers_folder(result.model_dir, parts);
  result.weights_digest = digest({dit.ptr().get(), text.ptr().get()}, o.weights_dtype) + "-" + digest({vae.ptr().get()}, at::kFloat);
  fmt::print(log, "wrote {} ({} steps in {:.1f} s; weights digest {})\n", result.model_dir, result.steps_done, result.seconds,
             result.weights_digest);
  return result;
}

}  // namespace wanattn::train
