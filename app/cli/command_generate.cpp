// `wanattn generate --model DIR --prompt ... --out RUN`: one whole run, prompt to video and
// maps (model/wan_pipeline.h), with a progress line. Ctrl-C stops after the current pass and
// leaves a run marked `cancelled` whose every written slice stays readable; a second Ctrl-C
// kills the process (the store then opens as `interrupted`, still readable).
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <random>

#include "commands.h"
#include "generate_args.h"
#include "model/demo_model.h"
#include "model/wan_pipeline.h"
#ifdef WANATTN_HAVE_RENDER
#include "core/render/video_export.h"
#include "core/run_reader.h"
#endif

namespace wanattn::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void on_sigint(int) {
  if (g_cancel.exchange(true)) {  // second Ctrl-C: leave now
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return;
  }
  const char msg[] = "\nwanattn: cancelling after the current pass (Ctrl-C again to kill)\n";
  [[maybe_unused]] auto n = ::write(2, msg, sizeof(msg) - 1);
}

std::string clock_text(double s) {
  if (s < 60) return fmt::format("{:.0f} s", s);
  return fmt::format("{}:{:02d} min", int(s) / 60, int(s) % 60);
}

void run_generate(GenerateArgs& a, const CLI::App& cmd) {
  apply_manifest(cmd, a);
  const bool tty = ::isatty(2);
  PipelineOptions options = pipeline_options(a);
  // No model named at all: the built-in demo model (docs/demo-model.md).
  std::string model = a.model;
  const WanModelParts& p = a.parts;
  if (model.empty() && p.transformer.empty() && p.text_encoder.empty() && p.tokenizer.empty() && p.vae.empty()) {
    model = demo::builtin_model_dir();
    if (!demo::builtin_model_present())
      throw std::invalid_argument(fmt::format("no --model given, and the built-in demo model is not in {} (this checkout "
                                              "has no trained demo model: tools/train_demo.sh makes one; docs/demo-model.md)",
                                              model));
    fmt::print(stderr, "no --model: using the built-in demo model ({})\n", model);
  }
  WanPipeline pipeline(find_wan_model_folder(model, a.parts), options);
  GenerateRequest rq = generate_request(a, pipeline.defaults());
  if (!a.seed) fmt::print(stderr, "seed {} (pass --seed to repeat this run)\n", rq.seed);
  if (!a.from_manifest.empty()) fmt::print(stderr, "re-making the run of {}\n", a.from_manifest);
  if (!rq.bends.empty())
    fmt::print(stderr, "bends: {} set(s), first from step {}\n", rq.bends.size(), rq.bends.front().from_step);
  rq.cancel = &g_cancel;

  PipelineCallbacks cb;
  cb.on_stage = [&](const std::string& s) { fmt::print(stderr, "{}{}...\n", tty ? "\r\033[K" : "", s); };
  cb.on_warning = [](const std::string& w) { fmt::print(stderr, "warning: {}\n", w); };
  cb.on_step = [&](const StepReport& r) {
    fmt::print(stderr, "{}step {:>3}/{}  t={:<7.2f} {:6.2f} s/step  elapsed {}  ETA {}{}", tty ? "\r\033[K" : "", r.step + 1,
               r.steps, r.timestep, r.step_seconds, clock_text(r.elapsed_seconds), clock_text(r.eta_seconds),
               tty && r.step + 1 < r.steps ? "" : "\n");
  };
  g_cancel = false;
  auto previous = std::signal(SIGINT, on_sigint);
  GenerateResult result;
  try {
    result = pipeline.generate(rq, cb);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);
  if (tty) fmt::print(stderr, "\n");
  if (result.state == RunState::Cancelled) {
    fmt::print(stderr, "{}; the run in {} is marked cancelled (wanattn info {})\n", result.message, a.out, a.out);
    std::exit(130);
  }
  std::string timing;
  for (const auto& [stage, s] : result.timings) timing += fmt::format("  {} {:.2f} s", stage, s);
  fmt::print("wrote {}: {} frames {}x{}, {} maps\n", a.out, result.frames.size(0), rq.width, rq.height, result.capture.slices);
  fmt::print("timings:{}\n", timing);
  if (options.device.is_cuda())
    fmt::print("GPU memory peak: text stage {:.2f} GiB, video stage {:.2f} GiB allocated ({:.2f} GiB reserved)\n",
               result.peak_text.allocated_gib, result.peak_video.allocated_gib, result.peak.reserved_gib);
#ifdef WANATTN_HAVE_RENDER
  if (!a.no_mp4) {
    const std::string mp4 = a.out + "/video.mp4";
    render::export_generated_mp4(RunReader::open(a.out), mp4, render::Mp4Options{});
    fmt::print("wrote {}\n", mp4);
  }
#endif
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand("generate", "Generate a video from a prompt and capture every cross-attention map");
  add_generate_options(*cmd, *args);
  cmd->add_flag("--no-mp4", args->no_mp4, "Do not write RUN/video.mp4");
  cmd->callback([args, cmd] { run_generate(*args, *cmd); });
}

}  // namespace wanattn::cli
