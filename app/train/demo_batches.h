// The training data of the demo model (docs/demo-model.md): fresh scenes of the world drawn
// from the run's seed, rendered on the training device, encoded by the fixed latent encoder
// and normalised, with their captions tokenized (some dropped for CFG's unconditional branch).
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "demo_training.h"
#include "model/demo_scene.h"
#include "model/t5_tokenizer.h"
#include "phase_timer.h"

namespace wanattn::train {

// Captions are short: 32 positions hold three objects (17 pieces) + EOS. UMT5 masks the
// padding keys and its position bias is relative, so the real rows equal what the pipeline's
// 512-position encoding gives; the DiT pads the context to 512 rows itself.
inline constexpr int kCaptionLength = 32;

// The world's scenes at the run's clip length and aspect.
demo::SceneOptions scene_options(const TrainOptions& o);
// The world a model folder was trained in, from its wanattn.json's demo.world (what a
// setting is missing from is older than it: 0, the world before it), at its clip size.
demo::SceneOptions folder_world(const std::string& root, int frames, int width, int height);

struct Batch {
  std::vector<demo::Scene> scenes;
  at::Tensor latents;    // [B, 16, F', h, w], normalised
  at::Tensor ids, mask;  // [B, kCaptionLength]
};

class DemoBatches {
 public:
  DemoBatches(const TrainOptions& o, const T5Tokenizer& tok, uint64_t seed) : o_(o), tok_(tok), rng_(seed) {}
  // n clips; `timer` (--profile) gets the drawing, rendering and tokenizing phases.
  Batch next(int n, const at::Tensor& mean, const at::Tensor& std, PhaseTimer& timer);

 private:
  const TrainOptions& o_;
  const T5Tokenizer& tok_;
  demo::Rng rng_;
};

// Per-channel mean and std of the encoder's latents over 256 clips of the world (their own
// seed), on the CPU: the VAE config's latents_mean / latents_std.
std::pair<at::Tensor, at::Tensor> latent_statistics(const TrainOptions& o, uint64_t seed);

}  // namespace wanattn::train
