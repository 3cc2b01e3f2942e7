// Trains the built-in demo model (docs/demo-model.md) from scratch: a tiny UMT5 and a small
// Wan2.1 DiT jointly with Wan's flow-matching objective on latents of clips rendered on the
// fly, and, in the same loop, the Wan2.1 VAE decoder that inverts the fixed demo encoder.
// Writes the diffusers-layout model folder and the training curve. Deterministic given the
// seed (docs/demo-model.md says what is bitwise reproducible on a GPU). Runs on the calling
// thread.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <ostream>
#include <string>

#include "model/demo_model.h"

namespace wanattn::train {

struct TrainOptions {
  std::string out;                 // OUT/model (the folder), OUT/curve.csv, OUT/tokenizer
  at::Device device = at::kCPU;
  uint64_t seed = 58;
  int steps = 3500;                // DiT + text-encoder updates
  int batch = 64;                  // clips per DiT update
  int vae_every = 2;               // a decoder update every n steps
  int vae_batch = 4;               // clips per decoder update (the first of the DiT batch)
  double lr = 4e-4, vae_lr = 4e-4;
  int warmup = 200;                // linear warm-up, then cosine down to lr / 10
  double caption_dropout = 0.1;    // empty caption: the unconditional branch for CFG
  double shift = 2.0;              // sigma = shift u / (1 + (shift - 1) u), u ~ U(0, 1); also the sampler's
  int width = 128, height = 128, frames = 17;
  demo::ModelSizes sizes;
  int log_every = 50;
  double max_minutes = 0;          // > 0: stop early (and say so) when training takes longer
  // A model folder whose weights start this run (a second stage): same sizes (but see
  // insert_blocks_at) and seed (the tokenizer comes from the seed and must match the
  // folder's; the folder's tokenizer and latent statistics are kept).
  std::string init_from;
  // With init_from a folder whose DiT has fewer blocks than sizes.layers: the new blocks go
  // in at this block index and start as identities (wan_block_growth.h); -1: sizes must match.
  int insert_blocks_at = -1;
  // cuDNN autotuning and the memory-efficient SDPA kernel: faster, no longer bitwise
  // reproducible run to run (their backward accumulates in a varying order).
  bool fast = false;
  // bf16 autocast for the forward passes (matmuls, convolutions and attention in bf16, norms,
  // softmax statistics and the loss in fp32 as autocast's lists say; fp32 master weights).
  bool autocast = false;
  // The DiT + text-encoder update as one CUDA graph after `graph_eager_steps` eager ones
  // (graphed_update.h): same kernels, so the same numbers as an eager run of this path.
  bool graph = false;
  int graph_eager_steps = 3;
  // > 0: time the phases of this many steps (phase_timer.h), from step kProfileFrom on (after
  // the steps a time limit is fitted on), and log the table; eager path only.
  int profile_steps = 0;
  at::ScalarType weights_dtype = at::kHalf;
  // What the folder's wanattn.json tells `generate` (the demo's settings).
  int default_steps = 20;
  double default_guidance = 4.0;
};

struct TrainResult {
  std::string model_dir;
  int steps_done = 0;
  bool stopped_early = false;
  double seconds = 0;                 // the training loop alone
  double final_loss = 0, final_vae_loss = 0;  // means over the last logging window
  std::string weights_digest;         // FNV-1a of every exported weight's bytes
};

TrainResult train_demo(const TrainOptions& options, std::ostream& log);

}  // namespace wanattn::train
