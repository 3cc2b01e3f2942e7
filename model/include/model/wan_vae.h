// The Wan2.1 VAE's decoding half (official `WanVAE_` minus the encoder): the 1x1x1
// post-quant conv `conv2` and the decoder, under the official key names. decode() runs the
// decoder one latent frame at a time with the feature cache, as both references do: latent
// frame 0 gives one video frame, every later one four (WAN21_SPEC 4.4).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include "model/vae_attention_block.h"
#include "model/vae_causal_conv3d.h"
#include "model/vae_resample.h"
#include "model/vae_residual_block.h"
#include "model/wan_vae_config.h"

namespace wanattn {

class WanVaeImpl : public torch::nn::Module {
 public:
  WanVaeImpl(const WanVaeConfig& config, at::TensorOptions options);

  // z [B, z_dim, F', H', W'] in the DiT's normalised latent space -> video
  // [B, 3, 1 + 4(F'-1), 8H', 8W'] fp32 in [-1, 1].
  at::Tensor decode(const at::Tensor& z) const;
  // The same before the clamp (what training compares with the clip: the clamp has no
  // gradient outside [-1, 1]).
  at::Tensor decode_unclamped(const at::Tensor& z) const;
  // Latent (normalised) -> the VAE's own latent space: z * std + mean.
  at::Tensor denormalize(const at::Tensor& z) const;
  const WanVaeConfig& config() const { return config_; }
  // Lays the 3-D conv weights and activations out channels-last (NDHWC), which cuDNN's
  // tensor-core kernels prefer on the GPU; the numbers do not change.
  void set_channels_last(bool on);

  VaeCausalConv3d conv2{nullptr};  // post-quant conv
  VaeCausalConv3d conv_in{nullptr};
  torch::nn::ModuleList middle{nullptr}, upsamples{nullptr};
  VaeRMSNorm head_norm{nullptr};
  VaeCausalConv3d head_conv{nullptr};

 private:
  at::Tensor decode_chunk(const at::Tensor& x, VaeFeatureCache& cache) const;
  WanVaeConfig config_;
};
TORCH_MODULE(WanVae);

// [B, 3, F, H, W] in [-1, 1] -> uint8 frames [B, F, H, W, 3] (x/2 + 0.5, clamped, x255, rounded).
at::Tensor video_to_uint8(const at::Tensor& video);

}  // namespace wanattn
