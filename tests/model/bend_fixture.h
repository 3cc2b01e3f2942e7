// A tiny random DiT for the bending tests (CPU, fp32): 3 blocks, 2 heads of 12, FFN 32,
// a 2 x 6 x 5 patch grid (60 video tokens) and a 7-token prompt; plus the inputs of one
// block's pieces, computed with the model's own modules, and plans for a set of bends.
// Other widths (the GPU test wants head_dim % 8 == 0 for the flash kernel) and a copy on
// another device (same weights, bf16 matmuls on CUDA) for comparing devices.
#pragma once
#include <torch/torch.h>

#include "model/bend_json.h"
#include "model/bend_plan.h"
#include "model/rope.h"
#include "model/sinusoidal_embedding.h"
#include "model/wan_model.h"
#include "model/wan_random_init.h"

namespace wanattn::test {

struct TinyBendModel {
  WanModel model{nullptr};
  at::Tensor latents, timesteps, context;
  WanText text;
  std::array<int64_t, 3> grid{2, 6, 5};
  int tokens = 7;

  explicit TinyBendModel(int dim = 24, int heads = 2) {
    WanConfig c;
    c.variant = "custom";
    c.dim = dim, c.num_heads = heads, c.num_layers = 3, c.ffn_dim = 32, c.text_dim = 16;
    model = WanModel(c, default_module_options(at::kCPU));
    wan_random_init(*model, 11);
    at::manual_seed(12);
    latents = at::randn({1, c.in_dim, grid[0], grid[1] * 2, grid[2] * 2});
    timesteps = at::full({1}, 700.0f);
    context = at::randn({1, tokens, c.text_dim});
    text = model->prepare_text(context);
  }
  // The same model and inputs on `device` (default module options there).
  TinyBendModel on(at::Device device) const {
    TinyBendModel t = *this;
    t.model = WanModel(config(), default_module_options(device));
    const auto src = model->named_parameters();
    for (auto& p : t.model->named_parameters()) p.value().copy_(src[p.key()]);
    t.latents = latents.to(device);
    t.timesteps = timesteps.to(device);
    t.context = context.to(device);
    t.text = t.model->prepare_text(t.context);
    return t;
  }
  const WanConfig& config() const { return model->config(); }
  int64_t L() const { return grid[0] * grid[1] * grid[2]; }
  WanAttentionBlockImpl& block(int i) const { return *model.ptr()->blocks[size_t(i)]->as<WanAttentionBlock>(); }

  BendContext context_for(int steps = 4, int negative_tokens = 5) const {
    BendContext b;
    b.grid = grid;
    b.device = latents.device();
    b.blocks = config().num_layers;
    b.heads = config().num_heads;
    b.ffn_dim = config().ffn_dim;
    b.tokens_cond = tokens;
    b.tokens_uncond = negative_tokens;
    b.steps = steps;
    return b;
  }
  // e0 and the RoPE table of a forward, as WanModel::forward makes them.
  at::Tensor e0() const {
    const at::Tensor e = model->time_out->forward(at::silu(model->time_in->forward(sinusoidal_embedding(timesteps, 256))));
    return model->time_proj->forward(at::silu(e)).unflatten(1, {6, config().dim});
  }
  RopeTable rope() const { return make_rope_table(grid, config().head_dim(), 10000.0, 1024, at::kCPU); }
};

inline BendSet bends_from(const std::string& json_text) { return parse_bend_set(json_text, "test"); }

}  // namespace wanattn::test
