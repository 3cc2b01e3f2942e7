// The decoder's upsampling (WAN21_SPEC 4.3/4.4): upsample2d = per frame nearest x2 then a
// 3x3 conv C -> C/2; upsample3d first doubles the frames with a causal time conv C -> 2C
// (channels [0, C) become frame 2k, [C, 2C) frame 2k+1), except for the very first chunk,
// whose single frame skips it. Names: resample.1 (the conv), time_conv.
#pragma once
#include <torch/nn/module.h>

#include "model/vae_causal_conv3d.h"

namespace wanattn {

class VaeResampleImpl : public torch::nn::Module {
 public:
  VaeResampleImpl(int64_t channels, bool temporal, at::TensorOptions options);
  at::Tensor forward(const at::Tensor& x, VaeFeatureCache& cache) const;

  at::Tensor weight, bias;                // resample.1: Conv2d 3x3, C -> C/2
  VaeCausalConv3d time_conv{nullptr};     // upsample3d only
};
TORCH_MODULE(VaeResample);

}  // namespace wanattn
