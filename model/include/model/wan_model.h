// WanModel: the Wan2.1 text-to-video diffusion transformer (official `WanModel`,
// diffusers `WanTransformer3DModel`). Sub-modules carry the official checkpoint names.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include <mutex>
#include <vector>

#include "model/bend_plan.h"
#include "model/capture_sink.h"
#include "model/indexed_module.h"
#include "model/wan_attention_block.h"
#include "model/wan_config.h"
#include "model/wan_head.h"

namespace wanattn {

// The prompt's side of every block, computed once per prompt and reused every step.
struct WanText {
  std::vector<TextKV> blocks;  // per block: cross-attention K/V of the embedded text
};

struct WanForwardOptions {
  CaptureSink* capture = nullptr;  // conditional pass only, by the caller's choice
  int step = 0;                    // sampler step index (for the sink)
  const StepBends* bends = nullptr;  // this step's and pass's bends (BendPlan::for_step); nullptr: none
};

class WanModelImpl : public torch::nn::Module {
 public:
  WanModelImpl(const WanConfig& config, const ModuleOptions& options);

  // context [B, S, text_dim] with S <= text_len real rows (encoder output, trimmed);
  // zero-padded to text_len here exactly as both references do, then embedded. `compact`
  // (training): the same attention with one padding row standing for all text_len - S of
  // them (its logit raised by their log-count), 15x less work for a short prompt; no capture.
  WanText prepare_text(const at::Tensor& context, bool compact = false) const;
  // latents [B, in_dim, F, H, W] (fp32), timesteps [B] -> velocity [B, out_dim, F, H, W] fp32
  at::Tensor forward(const at::Tensor& latents, const at::Tensor& timesteps, const WanText& text,
                     const WanForwardOptions& options = {});

  // The patch embedding: latents [B, in_dim, F, H, W] -> tokens [B, F'H'W', dim] (matmul
  // dtype, F'/H'/W' order) and their grid. The checkpoint's Conv3d has kernel = stride, so
  // each token is one dot product with its own patch: run as one GEMM, not a 3-D convolution.
  at::Tensor patch_embed(const at::Tensor& latents, std::array<int64_t, 3>& grid) const;

  const WanConfig& config() const { return config_; }
  const ModuleOptions& options() const { return options_; }

  at::Tensor patch_weight, patch_bias;  // patch_embedding: Conv3d, kernel = stride = patch
  Linear text_in{nullptr}, text_out{nullptr}, time_in{nullptr}, time_out{nullptr}, time_proj{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  Head head{nullptr};

 private:
  const RopeTable& rope_for(std::array<int64_t, 3> grid);
  at::Tensor unpatchify(const at::Tensor& x, std::array<int64_t, 3> grid) const;

  WanConfig config_;
  ModuleOptions options_;
  RopeTable rope_;  // cached for the last grid
};
TORCH_MODULE(WanModel);

}  // namespace wanattn
