// A picture of where a demo model stands, part by part: for a few scenes of the world, the
// rendered frames, the decoder's reconstruction of their (fixed-encoder) latents, and the
// DiT's one-step x0 estimate from noised latents at sigma 0.3 / 0.6 / 0.9 with the scene's
// caption, decoded. Tells a weak decoder from a weak DiT. Loaded through the ordinary loaders.
#pragma once
#include <ATen/ATen.h>

#include <ostream>
#include <string>

namespace wanattn::train {

// Writes a PPM: one row per scene, five frames per column group (truth, reconstruction,
// x0 at sigma 0.3, 0.6, 0.9); the mean squared errors go to `log`.
void diagnose_demo(const std::string& model_dir, const std::string& ppm, int scenes, uint64_t seed, at::Device device,
                   std::ostream& log);

}  // namespace wanattn::train
