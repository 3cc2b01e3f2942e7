#include "model/wan_vae.h"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <stdexcept>

#include "model/indexed_module.h"
#include "model/small_tensor.h"

namespace wanattn {

WanVaeImpl::WanVaeImpl(const WanVaeConfig& c, at::TensorOptions o) : config_(c) {
  const auto dims = c.decoder_dims();
  conv2 = register_module("conv2", VaeCausalConv3d(c.z_dim, c.z_dim, kVaeKernel1, kVaePad0, o));
  auto decoder = std::make_shared<torch::nn::Module>();
  conv_in = decoder->register_module("conv1", VaeCausalConv3d(c.z_dim, dims[0], kVaeKernel3, kVaePad1, o));
  middle = decoder->register_module("middle", torch::nn::ModuleList());
  middle->push_back(VaeResidualBlock(dims[0], dims[0], o));
  middle->push_back(VaeAttentionBlock(dims[0], o));
  middle->push_back(VaeResidualBlock(dims[0], dims[0], o));
  upsamples = decoder->register_module("upsamples", torch::nn::ModuleList());
  const size_t stages = c.dim_mult.size();
  for (size_t i = 0; i < stages; ++i) {
    int in = dims[i] / (i > 0 ? 2 : 1);  // Wan2.1: each upsampler halved the width
    const int out = dims[i + 1];
    for (int r = 0; r < c.decoder_res_blocks(); ++r, in = out) upsamples->push_back(VaeResidualBlock(in, out, o));
    if (i + 1 != stages) {
      const bool temporal = c.temporal_downsample[c.temporal_downsample.size() - 1 - i];
      upsamples->push_back(VaeResample(out, temporal, o));
    }
  }
  head_norm = VaeRMSNorm(dims.back(), false, o);
  head_conv = VaeCausalConv3d(dims.back(), 3, kVaeKernel3, kVaePad1, o);
  decoder->register_module("head", IndexedModule(IndexedModuleImpl::Parts{{0, head_norm.ptr()}, {2, head_conv.ptr()}}));
  register_module("decoder", decoder);
}

void WanVaeImpl::set_channels_last(bool on) {
  const auto format = at::MemoryFormat::ChannelsLast3d;
  for (auto& m : modules(/*include_self=*/false))
    if (auto* conv = m->as<VaeCausalConv3d>()) {
      conv->channels_last = on;
      conv->weight_cl = on ? conv->weight.contiguous(format) : at::Tensor();
    }
}

at::Tensor WanVaeImpl::denormalize(const at::Tensor& z) const {
  const auto opts = z.options().dtype(at::kFloat);
  const at::Tensor mean = to_device(at::tensor(config_.latents_mean, at::kDouble), z.device()).to(opts).view({1, -1, 1, 1, 1});
  const at::Tensor std = to_device(at::tensor(config_.latents_std, at::kDouble), z.device()).to(opts).view({1, -1, 1, 1, 1});
  return z.to(at::kFloat) * std + mean;
}

at::Tensor WanVaeImpl::decode_chunk(const at::Tensor& x, VaeFeatureCache& cache) const {
  cache.next = 0;
  at::Tensor h = conv_in->forward_cached(x, cache.take());
  h = middle->ptr(0)->as<VaeResidualBlock>()->forward(h, cache);
  h = middle->ptr(1)->as<VaeAttentionBlock>()->forward(h);
  h = middle->ptr(2)->as<VaeResidualBlock>()->forward(h, cache);
  for (const auto& m : *upsamples) {
    if (auto* res = m->as<VaeResidualBlock>()) h = res->forward(h, cache);
    else h = m->as<VaeResample>()->forward(h, cache);
  }
  return head_conv->forward_cached(head_norm->forward(h, /*silu=*/true), cache.take());
}

at::Tensor WanVaeImpl::decode(const at::Tensor& z) const { return decode_unclamped(z).clamp(-1.0, 1.0); }

at::Tensor WanVaeImpl::decode_unclamped(const at::Tensor& z) const {
  if (z.dim() != 5 || z.size(1) != config_.z_dim)
    throw std::invalid_argument(fmt::format("VAE decode: latents must be [B, {}, F, H, W]", config_.z_dim));
  const at::Tensor x = conv2->forward(denormalize(z).to(conv2->weight.scalar_type()));
  VaeFeatureCache cache;
  std::vector<at::Tensor> chunks;
  for (int64_t f = 0; f < x.size(2); ++f) chunks.push_back(decode_chunk(x.narrow(2, f, 1), cache).to(at::kFloat));
  return at::cat(chunks, 2);
}

at::Tensor video_to_uint8(const at::Tensor& video) {
  return (video.to(at::kFloat) / 2 + 0.5).clamp(0, 1).mul(255).round().to(at::kByte).permute({0, 2, 3, 4, 1}).contiguous();
}

}  // namespace wanattn
