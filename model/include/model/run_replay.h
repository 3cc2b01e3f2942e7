// A run's manifest read back as the request that made it: `wanattn generate --from-manifest
// RUN/manifest.json` (docs/bending.md, "re-running a run"). Same prompt (weights included),
// negative prompt, seed, sampler settings, size, frames, capture selection and bend history
// (each set from the step it applied from, live changes included), so on the same device and
// build the re-run's frames and latents are bitwise the original's. Any thread.
#pragma once
#include <string>

#include "core/manifest.h"
#include "model/pipeline_request.h"
#include "model/wan_model_folder.h"

namespace wanattn {

struct ReplayedRun {
  GenerateRequest request;  // out_dir left empty: the caller chooses it
  std::string model_root;   // model.parts.root; "" when the run's parts were built in memory
  WanModelParts parts;      // the part files the run used
  std::string device;       // generation.device ("cpu", "cuda:0")
  bool noise_on_cpu = false;
  std::string vae_dtype = "fp32";
};

// Throws PipelineError naming the manifest field that is missing or wrong, and BendError for
// a bend history that does not read.
ReplayedRun replay_request(const RunManifest& manifest, const std::string& where);

}  // namespace wanattn
