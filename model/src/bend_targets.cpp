#include "model/bend_targets.h"

#include <stdexcept>

#include "model/bend_apply.h"
#include "model/small_tensor.h"

namespace wanattn {

void bend_head_outputs(at::Tensor& out, const std::vector<const ResolvedBend*>& bends, std::array<int64_t, 3> grid,
                       const TemperatureAttention& temperature) {
  const int64_t B = out.size(0), L = out.size(2), d = out.size(3);
  const auto [F, h, w] = grid;
  if (F * h * w != L) throw std::invalid_argument("bend_head_outputs: the grid does not match the tokens");
  // [B, k, L, d] <-> maps [B*k*d, F, h, w]: each channel of each head is one map.
  auto to_maps = [&](const at::Tensor& t) { return t.to(at::kFloat).permute({0, 1, 3, 2}).reshape({-1, F, h, w}); };
  for (const ResolvedBend* r : bends) {
    const at::Tensor heads = long_tensor(r->heads, out.device());
    const int64_t k = heads.size(0);
    const at::Tensor x = to_maps(out.index_select(1, heads));
    at::Tensor y;
    if (r->bend.op == BendOp::Temperature) {
      if (!temperature) throw std::logic_error("bend_head_outputs: temperature bend without an attention to recompute");
      y = to_maps(temperature(*r, heads));
    } else {
      y = bend_op(r->bend, x, 0.0, r->region);
    }
    const at::Tensor res = bend_blend(r->bend, x, y, r->region).reshape({B, k, d, L}).permute({0, 1, 3, 2});
    out.index_copy_(1, heads, res.to(out.scalar_type()));
  }
}

void bend_ffn_hidden(at::Tensor& hidden, const std::vector<const ResolvedBend*>& bends, std::array<int64_t, 3> grid) {
  const int64_t B = hidden.size(0), L = hidden.size(1);
  const auto [F, h, w] = grid;
  if (F * h * w != L) throw std::invalid_argument("bend_ffn_hidden: the grid does not match the tokens");
  for (const ResolvedBend* r : bends) {
    const bool all = !r->neurons.defined();
    const at::Tensor x = (all ? hidden : hidden.index_select(2, r->neurons)).to(at::kFloat);  // [B, L, k]
    const int64_t k = x.size(2);
    const at::Tensor maps = x.permute({0, 2, 1}).reshape({B * k, F, h, w});
    const at::Tensor res = apply_bend(r->bend, maps, 0.0, r->region).reshape({B, k, L}).permute({0, 2, 1}).to(hidden.scalar_type());
    if (all)
      hidden.copy_(res);
    else
      hidden.index_copy_(2, r->neurons, res);
  }
}

}  // namespace wanattn
