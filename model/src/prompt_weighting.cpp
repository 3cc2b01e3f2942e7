#include "model/prompt_weighting.h"

#include <algorithm>
#include <stdexcept>

namespace wanattn {

double apply_prompt_weights(at::Tensor& context, const std::vector<float>& weights) {
  const int64_t T = int64_t(weights.size());
  if (T == 0 || std::all_of(weights.begin(), weights.end(), [](float w) { return w == 1.0f; })) return 1.0;
  if (context.dim() != 2 || context.size(0) < T)
    throw std::invalid_argument("apply_prompt_weights: context must be [S >= tokens, d]");
  at::Tensor rows = context.narrow(0, 0, T);  // a view: edits land in context
  const at::Tensor norm_before = rows.to(at::kDouble).norm(2, {1}).mean();
  const at::Tensor w = at::tensor(weights, at::kFloat).to(context.device(), context.scalar_type()).view({T, 1});
  rows.mul_(w);
  const double before = norm_before.item<double>(), after = rows.to(at::kDouble).norm(2, {1}).mean().item<double>();
  if (!(after > 0)) return 1.0;  // every token weighted 0: nothing to rescale
  const double factor = before / after;
  rows.mul_(factor);
  return factor;
}

}  // namespace wanattn
