#include "model/wan_attention_projections.h"

namespace wanattn {

WanAttentionProjections::WanAttentionProjections(int64_t dim, int64_t heads_, double eps, const ModuleOptions& opt)
    : heads(heads_) {
  q = register_module("q", Linear(dim, dim, opt.matmul()));
  k = register_module("k", Linear(dim, dim, opt.matmul()));
  v = register_module("v", Linear(dim, dim, opt.matmul()));
  o = register_module("o", Linear(dim, dim, opt.matmul()));
  norm_q = register_module("norm_q", WanRMSNorm(dim, eps, opt.fp32()));
  norm_k = register_module("norm_k", WanRMSNorm(dim, eps, opt.fp32()));
}

}  // namespace wanattn
