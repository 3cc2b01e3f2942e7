// The pipeline's bookkeeping, apart from its loop: a request with every default filled in
// and checked, and the run manifest that records it (docs/store-format.md). Plain
// functions, any thread.
#pragma once
#include <string>
#include <vector>

#include "core/manifest.h"
#include "model/flow_sampler.h"
#include "model/pipeline_request.h"
#include "model/wan_config.h"
#include "model/wan_model_folder.h"

namespace wanattn {

struct ResolvedRequest {
  GenerateRequest request;
  std::string negative;
  int steps = 0;
  double guidance = 0, shift = 0;
  std::string sampler;
  FlowGrid grid = FlowGrid::Official;
  int frames = 0;                 // video frames after rounding to 4n + 1
  std::array<int64_t, 5> latent;  // [1, 16, F', H/8, W/8]
  LatentGrid patch_grid;          // the DiT's token grid: what a map covers
  bool cfg = true;                // guidance > 1: the unconditional pass runs
};

// Throws PipelineError naming the value at fault; appends warnings (frame rounding).
ResolvedRequest resolve_request(const GenerateRequest& request, const WanModelDefaults& defaults,
                                const WanConfig& config, std::vector<std::string>& warnings);

struct ManifestSources {
  const WanModelFolder* folder = nullptr;  // null: parts built in memory (benchmarks)
  const WanConfig* config = nullptr;
  const PipelineOptions* options = nullptr;
  const FlowSampler* sampler = nullptr;
  std::string text_encoder_identity;
};

RunManifest make_run_manifest(const ResolvedRequest& r, const TokenizedPrompt& prompt, const TokenizedPrompt& negative,
                              const ManifestSources& sources);

}  // namespace wanattn
