// The options of `wanattn generate` (shared with `bench generate`): what they are, how they
// are parsed, and how they become a PipelineOptions and a GenerateRequest.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "model/pipeline_request.h"
#include "model/wan_model_folder.h"

namespace wanattn::cli {

struct GenerateArgs {
  std::string model;
  WanModelParts parts;
  std::string prompt, out;
  std::optional<std::string> negative;
  std::optional<uint64_t> seed;
  std::optional<int> steps;
  std::optional<double> guidance, shift;
  std::optional<std::string> sampler, grid;
  std::optional<std::string> size;  // default: the model folder's (Wan2.1: 832x480, 81 frames)
  std::optional<int> frames;
  std::string capture = "all";
  std::string device = "auto", vae_dtype = "fp32", noise_device = "model";
  std::string cache_dir;
  bool no_cache = false, no_mp4 = false;
  double gpu_memory = 0;
  std::string bends_file;     // --bends FILE.json (docs/bending.md)
  bool bend_both_passes = false;
  std::string from_manifest;  // --from-manifest RUN/manifest.json
  BendSchedule replay_bends;  // the manifest's bend history (apply_manifest), unless --bends
};

// The model/prompt/sampling/size/capture/device/bend options (with_model: also --model,
// the part files, --out, --prompt and --from-manifest).
void add_generate_options(CLI::App& cmd, GenerateArgs& a, bool with_model = true);
// --from-manifest: every option the command line did not give is taken from the run's
// manifest (model/run_replay.h); the bend history too (replay_bends), unless --bends is given.
// Without --from-manifest, checks that --prompt was given.
void apply_manifest(const CLI::App& cmd, GenerateArgs& a);
PipelineOptions pipeline_options(const GenerateArgs& a);
// Throws std::invalid_argument for a malformed --size / --capture / --grid, BendError for a
// bends file that does not read.
GenerateRequest generate_request(const GenerateArgs& a, const WanModelDefaults& defaults);
at::Device parse_device(const std::string& name);

}  // namespace wanattn::cli
