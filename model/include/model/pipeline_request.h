// What `wanattn generate` (and the studio's Generate button) asks of the pipeline, what it
// reports while running and what it returns. Unset fields take the model folder's
// defaults (wan_model_folder.h), so a run means what the same call means in the reference.
#pragma once
#include <ATen/core/Tensor.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/capture_spec.h"
#include "core/manifest.h"
#include "model/bend_history.h"
#include "model/capture_writer.h"
#include "model/flow_sampler.h"
#include "model/gpu_memory.h"
#include "model/live_bends.h"
#include "model/t5_tokenizer.h"

namespace wanattn {

struct PipelineOptions {
  at::Device device = at::kCPU;
  at::ScalarType vae_dtype = at::kFloat;    // fp32 as both references; bf16 on request
  bool noise_on_cpu = false;                // draw the noise with a CPU generator (diffusers' habit)
  std::optional<std::string> cache_dir;     // prompt embeddings; nothing: no cache
  bool keep_text_encoder = false;           // keep the UMT5 loaded between runs (memory!)
  double gpu_memory_limit_gib = 0;          // cap this process's share of the GPU (0: none)
};

struct GenerateRequest {
  std::string prompt;
  std::optional<std::string> negative;  // nothing: the folder's default (official: its Chinese prompt)
  uint64_t seed = 0;
  std::optional<int> steps;
  std::optional<double> guidance;       // CFG scale; <= 1 skips the unconditional pass
  std::optional<double> shift;
  std::optional<std::string> sampler;   // "unipc" | "euler"
  std::optional<FlowGrid> grid;
  int width = 832, height = 480;        // multiples of 16
  int frames = 81;                      // 4n + 1 (others are rounded down, with a warning)
  CaptureSpec capture;                  // default: everything, per head
  std::string out_dir;                  // the run store; "" writes nothing (benchmarks)
  // Prompts already tokenized (benchmarks with random weights and no tokenizer file).
  std::optional<std::array<TokenizedPrompt, 2>> tokenized;
  const std::atomic<bool>* cancel = nullptr;  // set from any thread: stops after the current pass
  // Network bending (docs/bending.md). `bends`: the sets and the steps they apply from (a
  // fixed set: constant_bends(set); a manifest's history replays as it was). `live_bends`,
  // when set, replaces it: read at the start of every step, so another thread can change
  // the bends while the run goes. Both are checked against the model and the prompt before
  // anything is written (BendError); a live change that fails there is skipped with a warning.
  BendSchedule bends;
  std::shared_ptr<LiveBends> live_bends;
};

struct StepReport {
  int step = 0, steps = 0;        // 0-based step just finished, of `steps`
  double timestep = 0, sigma = 0;
  double step_seconds = 0;        // this step (both passes, sampler, preview)
  double elapsed_seconds = 0;     // since the first step began
  double eta_seconds = 0;         // remaining steps at the mean pace + the VAE decode estimate
  uint64_t bends_version = 0;     // the bend set this step ran with (LiveBends version; 0: none)
  at::Tensor preview;             // uint8 [F', h, w, 3] on the CPU (x0 predicted at this step)
};

struct PipelineCallbacks {
  std::function<void(const std::string& stage)> on_stage;   // "loading the DiT", ...
  std::function<void(const StepReport&)> on_step;
  std::function<void(const std::string& warning)> on_warning;
  // The run store exists (created at full size, nothing written yet): a viewer can open it
  // now and show maps as their progress flags turn on.
  std::function<void(const std::string& run_dir)> on_run_created;
};

struct GenerateResult {
  RunState state = RunState::Running;  // Complete or Cancelled (failures throw)
  std::string message;
  std::string run_dir;
  at::Tensor latents;   // [1, 16, F', H', W'] fp32 CPU: the sampler's final (or last) sample
  at::Tensor frames;    // uint8 [F, H, W, 3] CPU; undefined when cancelled
  at::Tensor previews;  // uint8 [steps done, F', h, w, 3] CPU
  TokenizedPrompt prompt_tokens;
  std::map<std::string, double> timings;  // seconds by stage
  GpuMemoryPeak peak;       // the larger of the two stages below
  GpuMemoryPeak peak_text;  // text stage: the encoder loaded (or built), encoding, released
  GpuMemoryPeak peak_video; // the rest: DiT, sampling, capture, VAE decode
  CaptureStats capture;
  BendSchedule bends;  // the sets that applied, from which step (what the manifest records)
  std::vector<std::string> warnings;
};

// A run that could not be done: bad request, missing part, out of memory. The message names
// the value, file or limit at fault; `out_of_memory` marks GPU memory exhaustion (the memory
// has been freed when this is thrown).
class PipelineError : public std::runtime_error {
 public:
  explicit PipelineError(const std::string& message, bool out_of_memory = false)
      : std::runtime_error(message), out_of_memory_(out_of_memory) {}
  bool out_of_memory() const { return out_of_memory_; }

 private:
  bool out_of_memory_ = false;
};

}  // namespace wanattn
