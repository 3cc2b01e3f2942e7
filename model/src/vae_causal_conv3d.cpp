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
  if (!in.is_cpu()) return at::conv3d(in, channels_last ? weight_cl : weight, bias, {1, 1, 1}, {0, padding[1], padding[2]});
  // libtorch's CPU conv3d runs these narrow convs 20-50x slower than conv2d does the same
  // arithmetic (1-5 against 60 GFLOP/s on one core of the dev machine, docs/demo-model.md):
  // each output frame is one conv2d over its window of kt input frames stacked as channels.
  const int64_t B = in.size(0), C = in.size(1), H = in.size(3), W = in.size(4);
  const int64_t O = weight.size(0), kt = weight.size(2), T = in.size(2) - kt + 1;
  const at::Tensor windows = in.unfold(2, kt, 1).permute({0, 2, 5, 1, 3, 4}).reshape({B * T, kt * C, H, W});
  const at::Tensor w2 = weight.permute({0, 2, 1, 3, 4}).reshape({O, kt * C, weight.size(3), weight.size(4)});
  const at::Tensor out = at::conv2d(windows, w2, bias, {1, 1}, {padding[1], padding[2]});  // [B*T, O, H', W']
  return out.view({B, T, O, out.size(2), out.size(3)}).permute({0, 2, 1, 3, 4}).contiguous();
}

at::Tensor VaeCausalConv3dImpl::forward_cached(const at::Tensor& x, VaeCacheSlot& slot) const {
  at::Tensor keep = vae_cache_frames(x, slot);
  at::Tensor out = conv(x, slot.state == VaeCacheSlot::State::Frames ? slot.frames : at::Tensor());
  slot.frames = std::move(keep);
  slot.state = VaeCacheSlot::State::Frames;
  return out;
}

}  // namespace wanattn
