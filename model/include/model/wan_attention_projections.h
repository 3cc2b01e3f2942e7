// The parameters Wan2.1's self- and cross-attention share: q, k, v, o projections and the
// RMSNorm of q and k over the whole width (all heads together), under the official names.
#pragma once
#include <torch/nn/module.h>

#include "model/linear.h"
#include "model/module_options.h"
#include "model/wan_rms_norm.h"

namespace wanattn {

class WanAttentionProjections : public torch::nn::Module {
 public:
  WanAttentionProjections(int64_t dim, int64_t heads, double eps, const ModuleOptions& o);

  Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
  WanRMSNorm norm_q{nullptr}, norm_k{nullptr};
  int64_t heads;
};

}  // namespace wanattn
