#include "model/vae_causal_conv3d.h"

#include <ATen/ATen.h>

#include <vector>

namespace wanattn {

at::Tensor vae_cache_frames(const at::Tensor& x, const VaeCacheSlot& slot) {
  const int64_t T = x.size(2);
  at::Tensor keep = x.narrow(2, std::max<int64_t>(0, T - 2), std::min<int64_t>(T, 2)).clone();
  if (keep.size(2) < 2 && slot.state == VaeCacheSlot::State::Frames)
    keep = at::cat({slot.frames.narrow(2, slot.frames.size(2) - 1, 1), keep}, 2);
  return keep;
}

VaeCausalConv3dImpl::VaeCausalConv3dImpl(int64_t in, int64_t out, std::array<int64_t, 3> k, std::array<int64_t, 3> p,
                                         at::TensorOptions options)
    : padding(p) {
  weight = register_parameter("weight", at::empty({out, in, k[0], k[1], k[2]}, options), false);
  bias = register_parameter("bias", at::empty({out}, options), false);
}

at::Tensor VaeCausalConv3dImpl::conv(const at::Tensor& x, const at::Tensor& history) const {
  at::Tensor in = x.to(weight.scalar_type());
  // Time: remembered frames, then zeros, in front (one cat). Space: the conv's own zero
  // padding (no padded copy of the input).
  std::vector<at::Tensor> parts;
  int64_t front = 2 * padding[0];
  if (history.defined() && front > 0) {
    parts.push_back(history.to(in.scalar_type()));
    front -= history.size(2);
  }
  if (front > 0) parts.insert(parts.begin(), at::zeros({in.size(0), in.size(1), front, in.size(3), in.size(4)}, in.options()));
  if (!parts.empty()) {
    parts.push_back(in);
    in = at::cat(parts, 2);
  }
  if (channels_last) in = in.contiguous(at::MemoryFormat::ChannelsLast3d);
  return at::conv3d(in, channels_last ? weight_cl : weight, bias, {1, 1, 1}, {0, padding[1], padding[2]});
}

at::Tensor VaeCausalConv3dImpl::forward_cached(const at::Tensor& x, VaeCacheSlot& slot) const {
  at::Tensor keep = vae_cache_frames(x, slot);
  at::Tensor out = conv(x, slot.state == VaeCacheSlot::State::Frames ? slot.frames : at::Tensor());
  slot.frames = std::move(keep);
  slot.state = VaeCacheSlot::State::Frames;
  return out;
}

}  // namespace wanattn
