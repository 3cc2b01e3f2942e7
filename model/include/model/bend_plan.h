// A bend set made ready for one run (the grid, device, prompt lengths known): indices
// resolved, region weights on the device. The pipeline builds one whenever the live set
// changes (on the inference thread, at the start of a step) and asks it, per step and pass,
// which bends each block runs. Blocks it returns no bends for take the unbent code path.
#pragma once
#include <ATen/ATen.h>

#include <array>
#include <vector>

#include "model/bend.h"
#include "model/bend_check.h"

namespace wanattn {

struct BendContext {
  std::array<int64_t, 3> grid{0, 0, 0};  // the DiT's patch grid (F', H'/2, W'/2)
  at::Device device = at::kCPU;
  int blocks = 0, heads = 0, ffn_dim = 0;
  int tokens_cond = 0;    // real tokens (EOS included) of the prompt
  int tokens_uncond = 0;  // ... of the negative prompt (passes = both)
  int steps = 0;
};

struct ResolvedBend {
  Bend bend;
  int index = 0;                     // position in the set (messages, manifest)
  std::vector<int> heads;            // attention heads it acts on (all when the bend says nothing)
  std::vector<int> tokens_cond;      // cross_attention: prompt tokens
  std::vector<int> tokens_uncond;    // ... clipped to the negative prompt's real tokens
  at::Tensor neurons;                // ffn: long [k] on the device; undefined = all
  at::Tensor region;                 // [F, h, w] fp32 on the device; undefined = everywhere
};

// What one block runs in one pass; pointers into the plan that made it.
struct BlockBends {
  std::array<int64_t, 3> grid{0, 0, 0};
  bool uncond = false;  // the unconditional pass: cross_attention bends use tokens_uncond
  std::vector<const ResolvedBend*> cross, cross_heads, self, ffn;
  bool empty() const { return cross.empty() && cross_heads.empty() && self.empty() && ffn.empty(); }
  const std::vector<int>& tokens(const ResolvedBend& r) const { return uncond ? r.tokens_uncond : r.tokens_cond; }
};

struct StepBends {
  std::vector<BlockBends> blocks;  // one per block
  // nullptr where the block runs no bend (the fast path).
  const BlockBends* block(int i) const {
    return i >= 0 && size_t(i) < blocks.size() && !blocks[size_t(i)].empty() ? &blocks[size_t(i)] : nullptr;
  }
  bool empty() const;
};

class BendPlan {
 public:
  BendPlan() = default;
  // Throws BendError (check_bend_set against the context's limits).
  BendPlan(const BendSet& set, const BendContext& context);

  // The bends of sampler step `step` in the conditional (cond = true) or unconditional pass.
  StepBends for_step(int step, bool cond) const;
  const std::vector<ResolvedBend>& resolved() const { return resolved_; }
  const BendContext& context() const { return context_; }

 private:
  BendContext context_;
  std::vector<ResolvedBend> resolved_;  // the active bends only (enabled, strength > 0)
};

BendLimits limits_of(const BendContext& context);

}  // namespace wanattn
