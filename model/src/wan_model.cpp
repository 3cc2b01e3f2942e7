#include "model/wan_model.h"

#include <ATen/ATen.h>
#include <c10/cuda/CUDAFunctions.h>
#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "model/sinusoidal_embedding.h"

namespace wanattn {

WanModelImpl::WanModelImpl(const WanConfig& c, const ModuleOptions& o) : config_(c), options_(o) {
  auto pe = std::make_shared<torch::nn::Module>();
  patch_weight = pe->register_parameter("weight", at::empty({c.dim, c.in_dim, c.patch[0], c.patch[1], c.patch[2]}, o.matmul()), false);
  patch_bias = pe->register_parameter("bias", at::empty({c.dim}, o.matmul()), false);
  register_module("patch_embedding", pe);

  text_in = Linear(c.text_dim, c.dim, o.matmul());
  text_out = Linear(c.dim, c.dim, o.matmul());
  register_module("text_embedding", IndexedModule(IndexedModuleImpl::Parts{{0, text_in.ptr()}, {2, text_out.ptr()}}));
  // The time path stays fp32 (official: autocast(float32) around it).
  time_in = Linear(c.freq_dim, c.dim, o.fp32());
  time_out = Linear(c.dim, c.dim, o.fp32());
  register_module("time_embedding", IndexedModule(IndexedModuleImpl::Parts{{0, time_in.ptr()}, {2, time_out.ptr()}}));
  time_proj = Linear(c.dim, 6 * c.dim, o.fp32());
  register_module("time_projection", IndexedModule(IndexedModuleImpl::Parts{{1, time_proj.ptr()}}));

  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int i = 0; i < c.num_layers; ++i) blocks->push_back(WanAttentionBlock(c, o));
  head = register_module("head", Head(c, o));
}

WanText WanModelImpl::prepare_text(const at::Tensor& context, bool compact) const {
  const int64_t S = context.size(1);
  if (S > config_.text_len)
    throw std::invalid_argument(fmt::format("text context has {} rows, more than the model's {}", S, config_.text_len));
  if (context.size(2) != config_.text_dim)
    throw std::invalid_argument(fmt::format("text context width {} != the model's text_dim {}", context.size(2), config_.text_dim));
  // Rows S..511 are exactly zero before the text MLP (they become a constant, non-zero
  // vector after it, and take attention mass: the padding the maps account for). Compact:
  // identical keys and values need only be there once, with their count in the softmax.
  compact = compact && S < config_.text_len;
  const int64_t rows = compact ? S + 1 : config_.text_len;
  at::Tensor padded = at::zeros({context.size(0), rows, config_.text_dim}, options_.matmul());
  padded.narrow(1, 0, S).copy_(context);
  const at::Tensor embedded = text_out->forward(at::gelu(text_in->forward(padded), "tanh"));  // [B, rows, dim]
  at::Tensor bias;
  if (compact) {
    bias = at::zeros({1, 1, 1, rows}, options_.matmul());
    bias[0][0][0][S] = std::log(double(config_.text_len - S));
  }
  WanText text;
  for (const auto& b : *blocks) {
    text.blocks.push_back(b->as<WanAttentionBlock>()->cross_attn->project_text(embedded));
    text.blocks.back().bias = bias;
  }
  return text;
}

const RopeTable& WanModelImpl::rope_for(std::array<int64_t, 3> grid) {
  // Built once per grid (float64 on the CPU, then copied): compare the device by type and
  // ordinal, since the options may say "cuda" where the tensor says "cuda:0".
  const at::Device want = options_.device.is_cuda() && !options_.device.has_index()
                              ? at::Device(at::kCUDA, c10::cuda::current_device())
                              : options_.device;
  if (rope_.grid != grid || !rope_.cos.defined() || rope_.cos.device() != want)
    rope_ = make_rope_table(grid, config_.head_dim(), 10000.0, config_.rope_max_seq_len, want);
  return rope_;
}

at::Tensor WanModelImpl::unpatchify(const at::Tensor& x, std::array<int64_t, 3> g) const {
  // x [B, L, pt*ph*pw*c] with c fastest -> [B, c, F*pt, H*ph, W*pw]
  const auto& p = config_.patch;
  const int64_t B = x.size(0), c = config_.out_dim;
  return x.view({B, g[0], g[1], g[2], p[0], p[1], p[2], c})
      .permute({0, 7, 1, 4, 2, 5, 3, 6})
      .reshape({B, c, g[0] * p[0], g[1] * p[1], g[2] * p[2]});
}

at::Tensor WanModelImpl::patch_embed(const at::Tensor& latents, std::array<int64_t, 3>& grid) const {
  const auto& p = config_.patch;
  const int64_t B = latents.size(0), C = latents.size(1);
  grid = {latents.size(2) / p[0], latents.size(3) / p[1], latents.size(4) / p[2]};
  // [B, C, F', pt, H', ph, W', pw] -> rows (F', H', W'), columns (C, pt, ph, pw): the order of
  // the Conv3d weight's [dim, C, pt, ph, pw], so the weight is used as stored.
  const at::Tensor patches = latents.to(patch_weight.scalar_type())
                                 .reshape({B, C, grid[0], p[0], grid[1], p[1], grid[2], p[2]})
                                 .permute({0, 2, 4, 6, 1, 3, 5, 7})
                                 .reshape({B * grid[0] * grid[1] * grid[2], C * p[0] * p[1] * p[2]});
  return at::addmm(patch_bias, patches, patch_weight.reshape({config_.dim, -1}).t())
      .view({B, grid[0] * grid[1] * grid[2], config_.dim});
}

at::Tensor WanModelImpl::forward(const at::Tensor& latents, const at::Tensor& timesteps, const WanText& text,
                                 const WanForwardOptions& opt) {
  if (latents.dim() != 5 || latents.size(1) != config_.in_dim)
    throw std::invalid_argument(fmt::format("latents must be [B, {}, F, H, W]", config_.in_dim));
  const auto& p = config_.patch;
  for (int a = 0; a < 3; ++a)
    if (latents.size(2 + a) % p[a] != 0)
      throw std::invalid_argument(fmt::format("latent size {} is not a multiple of the patch size {}", latents.size(2 + a), p[a]));
  if (int(text.blocks.size()) != config_.num_layers) throw std::invalid_argument("text was prepared for another model");

  // Patch embedding -> tokens [B, L, dim], residual stream in fp32.
  std::array<int64_t, 3> grid{};
  at::Tensor x = patch_embed(latents, grid).to(at::kFloat);

  // Time: sinusoid -> MLP -> e [B, dim]; projection -> e0 [B, 6, dim]; all fp32.
  const at::Tensor e = time_out->forward(at::silu(time_in->forward(sinusoidal_embedding(timesteps, config_.freq_dim).to(options_.device))));
  const at::Tensor e0 = time_proj->forward(at::silu(e)).unflatten(1, {6, config_.dim});

  const RopeTable& rope = rope_for(grid);
  for (int i = 0; i < config_.num_layers; ++i) {
    CaptureCall cap;
    if (opt.capture != nullptr && opt.capture->wants(opt.step, i)) cap = {opt.capture, opt.step, i};
    const BlockBends* bent = opt.bends != nullptr ? opt.bends->block(i) : nullptr;
    if (bent != nullptr && bent->grid != grid) throw std::invalid_argument("bends were planned for another latent grid");
    x = blocks[size_t(i)]->as<WanAttentionBlock>()->forward(x, e0, rope, text.blocks[size_t(i)], cap, bent);
  }
  return unpatchify(head->forward(x, e), grid);
}

}  // namespace wanattn
