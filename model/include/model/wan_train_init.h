// Initial weights for training a Wan2.1 model from scratch (the demo model): the official
// `WanModel.init_weights` scheme, and PyTorch's default conv init for the VAE decoder as the
// official VAE has it. wan_random_init.h is the other thing: weights with realistic
// activation ranges for benchmarks. Drawn in fp32 on the CPU from one generator seeded with
// `seed`, in parameter order, then copied to the parameters' device: one seed gives the same
// start on any device.
#pragma once
#include <cstdint>

#include "model/wan_model.h"
#include "model/wan_vae.h"

namespace wanattn {

// Linear weights Xavier-uniform and biases 0; the patch embedding Xavier-uniform over its
// flattened kernel; text and time MLPs N(0, 0.02^2); the head's output layer 0 (the model
// starts out predicting zero velocity); modulation tables N(0, 1/dim); norms 1 (bias 0).
void wan_training_init(WanModel& model, uint64_t seed);

// Conv weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (torch.nn.Conv3d's default),
// RMS gammas 1, the mid attention's output projection 0 (the official VAE's init), and each
// residual block's last conv 0 (so the untrained decoder is a plain upsampling path).
void wan_vae_training_init(WanVae& vae, uint64_t seed);

}  // namespace wanattn
