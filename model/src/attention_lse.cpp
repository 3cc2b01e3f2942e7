#include "model/attention_lse.h"

#include <ATen/ATen.h>

#include <cmath>

namespace wanattn {

std::pair<at::Tensor, at::Tensor> attention_with_lse(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
  const auto dt = q.scalar_type();
  const int64_t d = q.size(-1);
  if (q.is_cuda() && (dt == at::kBFloat16 || dt == at::kHalf) && d % 8 == 0 && d <= 256) {
    auto r = at::_scaled_dot_product_flash_attention(q, k, v);
    return {std::get<0>(r), std::get<1>(r)};
  }
  if (q.is_cpu() && (dt == at::kFloat || dt == at::kDouble || dt == at::kBFloat16 || dt == at::kHalf)) {
    auto [out, lse] = at::_scaled_dot_product_flash_attention_for_cpu(q, k, v);  // lse [B, n, Lq]
    return {out, lse.to(at::kFloat)};
  }
  const at::Tensor logits = at::matmul(q.to(at::kFloat), k.to(at::kFloat).transpose(-1, -2)) / std::sqrt(double(d));
  return {at::scaled_dot_product_attention(q, k, v), at::logsumexp(logits, -1)};
}

}  // namespace wanattn
