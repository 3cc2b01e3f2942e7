#include "model/bend_plan.h"

#include <algorithm>

#include "model/bend_apply.h"

namespace wanattn {
namespace {

std::vector<int> all_or(const std::optional<std::vector<int>>& list, int n) {
  if (list) return *list;
  std::vector<int> v(size_t(std::max(n, 0)));
  for (int i = 0; i < n; ++i) v[size_t(i)] = i;
  return v;
}

bool selected(const std::optional<std::vector<int>>& list, int i) {
  return !list || std::binary_search(list->begin(), list->end(), i);
}

}  // namespace

bool StepBends::empty() const {
  return std::all_of(blocks.begin(), blocks.end(), [](const BlockBends& b) { return b.empty(); });
}

BendLimits limits_of(const BendContext& c) { return {c.steps, c.blocks, c.heads, c.tokens_cond, c.ffn_dim}; }

BendPlan::BendPlan(const BendSet& set, const BendContext& context) : context_(context) {
  check_bend_set(set, limits_of(context));
  for (size_t i = 0; i < set.bends.size(); ++i) {
    const Bend& b = set.bends[i];
    if (!b.active()) continue;  // strength 0 or disabled: exactly the unbent computation
    ResolvedBend r;
    r.bend = b;
    // Sorted lists: selection tests use binary search.
    for (auto* l : {&r.bend.where.steps, &r.bend.where.blocks, &r.bend.where.heads, &r.bend.where.tokens, &r.bend.where.neurons})
      if (*l) {
        std::sort((*l)->begin(), (*l)->end());
        (*l)->erase(std::unique((*l)->begin(), (*l)->end()), (*l)->end());
      }
    r.index = int(i);
    r.heads = all_or(r.bend.where.heads, context.heads);
    if (b.target == BendTarget::CrossAttention) {
      r.tokens_cond = all_or(r.bend.where.tokens, context.tokens_cond);
      for (int t : all_or(r.bend.where.tokens, context.tokens_uncond))
        if (t < context.tokens_uncond) r.tokens_uncond.push_back(t);
    }
    if (b.target == BendTarget::Ffn && r.bend.where.neurons)
      r.neurons = at::tensor(std::vector<int64_t>(r.bend.where.neurons->begin(), r.bend.where.neurons->end()), at::kLong)
                      .to(context.device);
    if (b.where.region) r.region = region_weight(*b.where.region, context.grid, context.device);
    resolved_.push_back(std::move(r));
  }
}

StepBends BendPlan::for_step(int step, bool cond) const {
  StepBends s;
  s.blocks.resize(size_t(std::max(context_.blocks, 0)));
  for (int i = 0; i < context_.blocks; ++i) {
    s.blocks[size_t(i)].grid = context_.grid;
    s.blocks[size_t(i)].uncond = !cond;
  }
  for (const ResolvedBend& r : resolved_) {
    const Bend& b = r.bend;
    if (!cond && b.passes != BendPasses::Both) continue;
    if (!selected(b.where.steps, step)) continue;
    if (b.target == BendTarget::CrossAttention && (cond ? r.tokens_cond : r.tokens_uncond).empty()) continue;
    for (int i = 0; i < context_.blocks; ++i) {
      if (!selected(b.where.blocks, i)) continue;
      BlockBends& bb = s.blocks[size_t(i)];
      switch (b.target) {
        case BendTarget::CrossAttention: bb.cross.push_back(&r); break;
        case BendTarget::CrossAttentionHeads: bb.cross_heads.push_back(&r); break;
        case BendTarget::SelfAttention: bb.self.push_back(&r); break;
        case BendTarget::Ffn: bb.ffn.push_back(&r); break;
      }
    }
  }
  return s;
}

}  // namespace wanattn
