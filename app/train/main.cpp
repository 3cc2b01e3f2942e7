// `wanattn-train-demo`: trains the built-in demo model (docs/demo-model.md) and checks it.
//   wanattn-train-demo --out OUT [--device cuda] [--steps 4000] ...
// writes OUT/model (the diffusers-layout folder that ships in resources/demo), OUT/curve.csv,
// OUT/eval.json and OUT/samples.ppm; progress on stdout. tools/train_demo.sh runs it on the
// GPU machine; tests/model/demo_tests.cmake runs a tiny CPU version.
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <torch/torch.h>

#include "demo_batches.h"
#include "demo_diagnose.h"
#include "demo_evaluation.h"
#include "demo_training.h"
#include "model/demo_render.h"
#include "model/demo_scene.h"
#include "model/torch_runtime.h"

namespace {

// Writes to stdout and to the log file.
class Tee : public std::streambuf {
 public:
  Tee(std::streambuf* a, std::streambuf* b) : a_(a), b_(b) {}
  int overflow(int c) override {
    if (c == EOF) return !EOF;
    return a_->sputc(char(c)) == EOF || b_->sputc(char(c)) == EOF ? EOF : c;
  }
  int sync() override { return a_->pubsync() | b_->pubsync(); }

 private:
  std::streambuf *a_, *b_;
};

// A picture of the training data: n clips from the training stream's seed, frames 0, F/4,
// F/2, 3F/4 and F-1 side by side, one clip per row; captions on `log`.
void write_data_sheet(const wanattn::train::TrainOptions& o, int n, const std::string& path, std::ostream& log) {
  using namespace wanattn;
  demo::Rng rng(o.seed);
  const demo::SceneOptions so = train::scene_options(o);  // the training stream's world
  std::ofstream ppm(path, std::ios::binary);
  ppm << "P6\n" << o.width * 5 << " " << o.height * n << "\n255\n";
  for (int i = 0; i < n; ++i) {
    const demo::Scene s = demo::sample_scene(rng, so);
    fmt::print(log, "{:>3}: {}\n", i, s.caption());
    const at::Tensor fr = demo::render_frames_u8(s, o.frames, o.height, o.width);  // [F, H, W, 3]
    std::vector<at::Tensor> cols;
    for (int c = 0; c < 5; ++c) cols.push_back(fr[c * (o.frames - 1) / 4]);
    const at::Tensor row = at::cat(cols, 1).contiguous();  // [H, 5W, 3]
    ppm.write(reinterpret_cast<const char*>(row.data_ptr<uint8_t>()), std::streamsize(row.numel()));
  }
  fmt::print(log, "wrote {}\n", path);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace wanattn;
  CLI::App app{"wanattn-train-demo: train wanattn's built-in demo model (docs/demo-model.md)"};
  train::TrainOptions o;
  std::string device = "auto", size = "128x128", dtype = "fp16";
  int eval_steps = 0;
  double eval_guidance = 0, eval_shift = 0;
  uint64_t eval_seed = 1000;
  std::string evaluate;
  bool no_eval = false;
  int dump_data = 0;
  std::string diagnose;
  app.add_option("--out", o.out, "Output folder (model/, curve.csv, eval.json, samples.ppm, train.log)")->required();
  app.add_option("--device", device, "auto, cuda or cpu")->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of everything: data, initialisation, noise")->capture_default_str();
  app.add_option("--steps", o.steps, "DiT updates")->capture_default_str();
  app.add_option("--batch", o.batch, "Clips per DiT update")->capture_default_str();
  app.add_option("--vae-every", o.vae_every, "A VAE-decoder update every n steps")->capture_default_str();
  app.add_option("--vae-batch", o.vae_batch, "Clips per decoder update")->capture_default_str();
  app.add_option("--lr", o.lr, "Peak learning rate (DiT + text encoder)")->capture_default_str();
  app.add_option("--vae-lr", o.vae_lr, "Peak learning rate of the decoder")->capture_default_str();
  app.add_option("--warmup", o.warmup, "Warm-up steps")->capture_default_str();
  app.add_option("--caption-dropout", o.caption_dropout, "Share of empty captions")->capture_default_str();
  app.add_option("--shift", o.shift, "Sigma shift of training and of the folder's sampler")->capture_default_str();
  app.add_option("--size", size, "Clip WIDTHxHEIGHT, multiples of 16")->capture_default_str();
  app.add_option("--frames", o.frames, "Clip frames, 4n+1")->capture_default_str();
  app.add_option("--dim", o.sizes.dim, "DiT width")->capture_default_str();
  app.add_option("--ffn", o.sizes.ffn_dim, "DiT FFN width")->capture_default_str();
  app.add_option("--heads", o.sizes.heads, "DiT heads")->capture_default_str();
  app.add_option("--layers", o.sizes.layers, "DiT blocks")->capture_default_str();
  app.add_option("--text-dim", o.sizes.text_dim, "UMT5 width")->capture_default_str();
  app.add_option("--text-layers", o.sizes.text_layers, "UMT5 layers")->capture_default_str();
  app.add_option("--vae-base", o.sizes.vae_base, "VAE decoder base width")->capture_default_str();
  app.add_option("--vae-res-blocks", o.sizes.vae_res_blocks, "VAE num_res_blocks (decoder: one more per stage)")->capture_default_str();
  app.add_option("--log-every", o.log_every, "Steps between log lines")->capture_default_str();
  app.add_option("--init-from", o.init_from, "Start from this model folder's weights (a second stage; same sizes and --seed)");
  app.add_option("--insert-blocks-at", o.insert_blocks_at,
                 "With --init-from a folder of fewer DiT blocks than --layers: insert the new blocks at this index, as identities")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--fast", o.fast, "cuDNN autotuning and memory-efficient attention: faster, not bitwise reproducible");
  app.add_flag("--autocast", o.autocast, "bf16 autocast for the forward passes (fp32 master weights)");
  app.add_flag("--graph", o.graph, "Replay the DiT + text-encoder update as a CUDA graph (CUDA only)");
  app.add_option("--graph-eager-steps", o.graph_eager_steps, "Eager updates before the capture")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-minutes", o.max_minutes, "Stop training after this long (0: never)")->capture_default_str();
  app.add_option("--profile", o.profile_steps,
                 "Time the phases of N steps from step 50 on (the device drained between them) and log them")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--dtype", dtype, "Stored weights: fp16 or fp32")->check(CLI::IsMember({"fp16", "fp32"}))->capture_default_str();
  app.add_option("--default-steps", o.default_steps, "Sampler steps the folder recommends")->capture_default_str();
  app.add_option("--default-guidance", o.default_guidance, "Guidance the folder recommends")->capture_default_str();
  app.add_option("--eval-steps", eval_steps, "Sampler steps of the evaluation (0: the folder's)");
  app.add_option("--eval-guidance", eval_guidance, "Guidance of the evaluation (0: the folder's)");
  app.add_option("--eval-shift", eval_shift, "Sampler shift of the evaluation (0: the folder's)");
  app.add_option("--eval-seed", eval_seed, "Seed of the evaluation's first prompt (prompt i: seed + i)")->capture_default_str();
  app.add_option("--evaluate", evaluate, "Only evaluate MODEL_DIR (OUT/eval.json, OUT/samples.ppm): no training");
  app.add_flag("--no-eval", no_eval, "Skip generating the held-out prompts afterwards");
  app.add_option("--diagnose", diagnose, "Only picture MODEL_DIR part by part (OUT/diagnose.ppm), see demo_diagnose.h");
  app.add_option("--dump-data", dump_data, "Only write N training clips as OUT/data.ppm (5 frames each) and their captions");
  CLI11_PARSE(app, argc, argv);

  try {
    if (device == "auto") device = torch_runtime().cuda_available ? "cuda" : "cpu";
    o.device = at::Device(device);
    if (o.device.is_cuda() && !o.device.has_index()) o.device = at::Device(at::kCUDA, 0);
    const auto x = size.find('x');
    if (x == std::string::npos) throw std::invalid_argument("--size: expected WIDTHxHEIGHT");
    o.width = std::stoi(size.substr(0, x));
    o.height = std::stoi(size.substr(x + 1));
    if (o.width % 16 || o.height % 16 || (o.frames - 1) % 4) throw std::invalid_argument("--size must be multiples of 16, --frames 4n+1");
    o.weights_dtype = dtype == "fp32" ? at::kFloat : at::kHalf;
    std::filesystem::create_directories(o.out);
    std::ofstream file(std::filesystem::path(o.out) / "train.log");
    Tee tee(std::cout.rdbuf(), file.rdbuf());
    std::ostream log(&tee);
    fmt::print(log, "wanattn-train-demo: {}\n{}\n", fmt::join(std::vector<std::string>(argv + 1, argv + argc), " "),
               describe(torch_runtime()));
    if (o.device.is_cpu()) fmt::print(log, "CPU threads: {}\n", at::get_num_threads());
    if (!diagnose.empty()) {
      train::diagnose_demo(diagnose, (std::filesystem::path(o.out) / "diagnose.ppm").string(), 6, o.seed + 77, o.device, log);
      return 0;
    }
    if (dump_data > 0) {
      write_data_sheet(o, dump_data, (std::filesystem::path(o.out) / "data.ppm").string(), log);
      return 0;
    }
    nlohmann::json summary;
    std::string model_dir = evaluate;
    if (evaluate.empty()) {
      const train::TrainResult r = train::train_demo(o, log);
      summary = {{"steps", r.steps_done}, {"stopped_early", r.stopped_early}, {"train_seconds", r.seconds},
                 {"final_loss", r.final_loss}, {"final_vae_l1", r.final_vae_loss}, {"weights_digest", r.weights_digest}};
      model_dir = r.model_dir;
    } else {
      summary = {{"evaluated", evaluate}};
    }
    if (!no_eval) {
      train::EvalOptions e;
      e.model_dir = model_dir;
      e.seed = eval_seed;
      if (eval_guidance > 0) e.guidance = eval_guidance;
      if (eval_shift > 0) e.shift = eval_shift;
      e.work_dir = (std::filesystem::path(o.out) / "eval-runs").string();
      e.sheet = (std::filesystem::path(o.out) / "samples.ppm").string();
      e.device = o.device;
      e.prompts = demo::held_out_prompts();
      e.held_out = e.prompts.size();
      for (const char* p : {"a red circle moves left", "a blue star grows", "a green square spins", "a purple triangle moves up",
                            "a cyan circle moves right and a yellow star moves down"})
        e.prompts.emplace_back(p);
      if (eval_steps > 0) e.steps = eval_steps;
      fmt::print(log, "evaluation ({} prompts: the first {} are held out):\n", e.prompts.size(), demo::held_out_prompts().size());
      summary["eval"] = train::evaluate_demo(e, log);
    }
    std::ofstream(std::filesystem::path(o.out) / "eval.json") << summary.dump(2) << "\n";
    log.flush();
  } catch (const std::exception& e) {
    fmt::print(stderr, "wanattn-train-demo: {}\n", e.what());
    return 1;
  }
  return 0;
}
