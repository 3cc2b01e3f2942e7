#include "model/vae_resample.h"

#include <ATen/ATen.h>

namespace wanattn {

VaeResampleImpl::VaeResampleImpl(int64_t c, bool temporal, at::TensorOptions o) {
  auto seq = std::make_shared<torch::nn::Module>();
  auto conv = std::make_shared<torch::nn::Module>();
  weight = conv->register_parameter("weight", at::empty({c / 2, c, 3, 3}, o), false);
  bias = conv->register_parameter("bias", at::empty({c / 2}, o), false);
  seq->register_module("1", conv);  // Sequential(Upsample, Conv2d)
  register_module("resample", seq);
  if (temporal) time_conv = register_module("time_conv", VaeCausalConv3d(c, 2 * c, kVaeTimeKernel, kVaeTimePad, o));
}

at::Tensor VaeResampleImpl::forward(const at::Tensor& x_in, VaeFeatureCache& cache) const {
  at::Tensor x = x_in;
  const int64_t B = x.size(0), C = x.size(1);
  if (time_conv) {
    VaeCacheSlot& slot = cache.take();
    if (slot.state == VaeCacheSlot::State::Empty) {
      slot.state = VaeCacheSlot::State::SkipFirst;  // chunk 0: one frame stays one frame
    } else {
      at::Tensor keep = vae_cache_frames(x, slot);
      if (keep.size(2) < 2 && slot.state == VaeCacheSlot::State::SkipFirst) keep = at::cat({at::zeros_like(keep), keep}, 2);
      // After the first chunk the history starts from zeros: frame 0 never enters.
      const at::Tensor y = time_conv->conv(x, slot.state == VaeCacheSlot::State::Frames ? slot.frames : at::Tensor());
      slot.frames = std::move(keep);
      slot.state = VaeCacheSlot::State::Frames;
      const int64_t T = y.size(2), H = y.size(3), W = y.size(4);
      x = y.view({B, 2, C, T, H, W}).permute({0, 2, 3, 1, 4, 5}).reshape({B, C, T * 2, H, W});
    }
  }
  const int64_t T = x.size(2), H = x.size(3), W = x.size(4);
  at::Tensor frames = x.permute({0, 2, 1, 3, 4}).reshape({B * T, C, H, W});
  // nearest-exact x2 (equal to nearest for a factor 2), in fp32 as the references do
  frames = at::_upsample_nearest_exact2d(frames.to(at::kFloat), {2 * H, 2 * W}).to(weight.scalar_type());
  const at::Tensor out = at::conv2d(frames, weight, bias, {1, 1}, {1, 1});
  return out.view({B, T, C / 2, 2 * H, 2 * W}).permute({0, 2, 1, 3, 4});
}

}  // namespace wanattn
