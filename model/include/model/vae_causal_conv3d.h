// CausalConv3d of the Wan VAE: zero padding in space on both sides, in time only in front
// (2 * p_t frames), so frame t never sees frames after it. With a cache slot the
// remembered frames replace that much of the front padding.
#pragma once
#include <torch/nn/module.h>

#include <array>

#include "model/vae_feature_cache.h"

namespace wanattn {

// Kernel/padding triples (t, h, w) of the VAE's convs (named: a holder cannot take braces).
inline constexpr std::array<int64_t, 3> kVaeKernel3{3, 3, 3}, kVaePad1{1, 1, 1};
inline constexpr std::array<int64_t, 3> kVaeKernel1{1, 1, 1}, kVaePad0{0, 0, 0};
inline constexpr std::array<int64_t, 3> kVaeTimeKernel{3, 1, 1}, kVaeTimePad{1, 0, 0};

class VaeCausalConv3dImpl : public torch::nn::Module {
 public:
  VaeCausalConv3dImpl(int64_t in, int64_t out, std::array<int64_t, 3> kernel, std::array<int64_t, 3> padding,
                      at::TensorOptions options);
  // Whole sequence, zero history.
  at::Tensor forward(const at::Tensor& x) const { return conv(x, at::Tensor()); }
  // One chunk: uses and updates the slot (the generic rule of every cached conv).
  at::Tensor forward_cached(const at::Tensor& x, VaeCacheSlot& slot) const;
  // `history` (may be undefined): frames that precede x.
  at::Tensor conv(const at::Tensor& x, const at::Tensor& history) const;

  at::Tensor weight, bias;
  std::array<int64_t, 3> padding;
  bool channels_last = false;  // NDHWC activations, with weight_cl (set by WanVae)
  at::Tensor weight_cl;        // the weight laid out channels-last (a copy: parameters keep theirs)
};
TORCH_MODULE(VaeCausalConv3d);

}  // namespace wanattn
