// WanPipeline: a whole text-to-video run (WAN21_SPEC 1; reference: official WanT2V.generate
// and diffusers WanPipeline.__call__), with the conditional pass's cross-attention streamed
// into a run store.
//
//   prompt, negative -> tokenizer + UMT5 (embedding cache; the encoder is released after)
//   noise from the seed, drawn as PyTorch draws it on the same device
//   per step: DiT(cond, captured) [+ DiT(uncond), CFG] -> sampler step -> x0 preview
//   VAE decode -> frames; store: frames.npy, latents.npy, previews.npy, manifest
//
// Parts load lazily and in the order that keeps the peak low: the text encoder (11 GB in
// bf16) is freed before the DiT and VAE are taken. A pipeline keeps the DiT and VAE for the
// next run. Runs on the inference thread (one run at a time); `cancel` may be set from any.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "model/latent_preview.h"
#include "model/pipeline_request.h"
#include "model/prompt_encoder.h"
#include "model/wan_model.h"
#include "model/wan_model_folder.h"
#include "model/wan_vae.h"

namespace wanattn {

// Builders for parts made in memory instead of loaded (benchmarks with random weights).
struct PipelineParts {
  WanConfig dit_config;
  std::function<WanModel()> make_dit;
  std::function<WanVae()> make_vae;
  std::function<LoadedUMT5()> make_text_encoder;  // called for each run that encodes
};

class WanPipeline {
 public:
  // Parts found in a model folder (nothing is loaded yet).
  WanPipeline(WanModelFolder folder, PipelineOptions options);
  // Parts made in memory (benchmarks with random weights), built when a folder's would be
  // loaded; the prompts must come tokenized.
  WanPipeline(PipelineParts parts, WanModelDefaults defaults, PipelineOptions options);
  ~WanPipeline();

  // Throws PipelineError (bad request, out of memory), WeightError / TokenizerError (files),
  // StoreError (the run directory); a store already created is then marked failed, with
  // everything written so far kept readable.
  GenerateResult generate(const GenerateRequest& request, const PipelineCallbacks& callbacks = {});

  const WanModelDefaults& defaults() const { return folder_.defaults; }
  const PipelineOptions& options() const { return options_; }

 private:
  struct Run;
  void ensure_dit(Run& run);
  void ensure_vae(Run& run);

  WanModelFolder folder_;
  PipelineParts parts_;  // builders, when not from a folder
  PipelineOptions options_;
  std::unique_ptr<PromptEncoder> encoder_;
  WanModel dit_{nullptr};
  WanVae vae_{nullptr};
  LatentPreview preview_;
  double last_vae_seconds_ = 0;  // for the ETA of the next run
};

}  // namespace wanattn
