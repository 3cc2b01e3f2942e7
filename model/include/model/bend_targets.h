// Bends on a head's attention output and on FFN hidden neurons (docs/bending.md). Each
// bend in turn: the values it targets are viewed as maps over the patch grid, the
// operation runs on them (fp32) and the result is blended back in place. Inference thread.
#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <vector>

#include "model/bend_plan.h"

namespace wanattn {

// What temperature computes: the attention output of heads `heads` (long [k]) with the
// logits divided by the bend's temperature, [B, k, L, d].
using TemperatureAttention = std::function<at::Tensor(const ResolvedBend& bend, const at::Tensor& heads)>;

// out [B, n, L, d] (an attention's output before the o-projection), L = F*h*w; changed in
// place. `temperature` is needed when a bend's op is temperature (self-attention).
void bend_head_outputs(at::Tensor& out, const std::vector<const ResolvedBend*>& bends, std::array<int64_t, 3> grid,
                       const TemperatureAttention& temperature = {});

// hidden [B, L, ffn_dim] after the GELU; changed in place.
void bend_ffn_hidden(at::Tensor& hidden, const std::vector<const ResolvedBend*>& bends, std::array<int64_t, 3> grid);

}  // namespace wanattn
