#include "model/cross_attention_bend.h"

#include <ATen/ATen.h>
#include <ATen/TensorIndexing.h>

#include <algorithm>
#include <limits>
#include <map>

#include "model/attention_lse.h"
#include "model/bend_apply.h"
#include "model/wan_cross_attention.h"
#include "model/small_tensor.h"

namespace wanattn {
namespace {

using at::indexing::Slice;

// Heads that share one set of bent tokens: one extra attention call for all of them.
struct HeadGroup {
  std::vector<int64_t> heads, tokens;  // sorted
  at::Tensor head_index, token_index;
  at::Tensor P, w_u, lse;  // after the bends: [B, nH, |S|, L], [B, nH, L], [B, nH, L] (capture)
};

std::vector<HeadGroup> group_heads(const BlockBends& bends, int64_t n) {
  std::vector<std::vector<int64_t>> per_head(static_cast<size_t>(n));
  for (const ResolvedBend* r : bends.cross)
    for (int h : r->heads)
      for (int t : bends.tokens(*r)) per_head[size_t(h)].push_back(t);
  std::map<std::vector<int64_t>, std::vector<int64_t>> by_tokens;
  for (int64_t h = 0; h < n; ++h) {
    auto& t = per_head[size_t(h)];
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    if (!t.empty()) by_tokens[t].push_back(h);
  }
  std::vector<HeadGroup> groups;
  for (auto& [tokens, heads] : by_tokens) groups.push_back({heads, tokens, {}, {}, {}, {}, {}});
  return groups;
}

// Positions of `want` inside the sorted `in` (those present).
std::vector<int64_t> positions(const std::vector<int64_t>& in, const std::vector<int>& want) {
  std::vector<int64_t> out;
  for (int x : want) {
    auto it = std::lower_bound(in.begin(), in.end(), int64_t(x));
    if (it != in.end() && *it == x) out.push_back(it - in.begin());
  }
  return out;
}

// The group's bends of one domain, in set order, on M [B, nH, |S|, L] (logits or probabilities).
void apply_in_domain(at::Tensor& M, const HeadGroup& g, const BlockBends& bends, BendDomain domain, double empty) {
  const int64_t B = M.size(0), L = M.size(3);
  const auto [F, h, w] = bends.grid;
  for (const ResolvedBend* r : bends.cross) {
    if (r->bend.domain != domain) continue;
    const std::vector<int64_t> lh = positions(g.heads, r->heads), lt = positions(g.tokens, bends.tokens(*r));
    if (lh.empty() || lt.empty()) continue;
    const at::Tensor ih = long_tensor(lh, M.device()).view({-1, 1}), it = long_tensor(lt, M.device()).view({1, -1});
    const at::Tensor sub = M.index({Slice(), ih, it});  // [B, |lh|, |lt|, L]
    const at::Tensor y = apply_bend(r->bend, sub.reshape({-1, F, h, w}), empty, r->region);
    M.index_put_({Slice(), ih, it}, y.reshape({B, int64_t(lh.size()), int64_t(lt.size()), L}));
  }
}

// Heads of the group whose row is renormalised (a post-softmax bend there asks for it).
std::vector<float> renormalised_heads(const HeadGroup& g, const BlockBends& bends) {
  std::vector<float> flag(g.heads.size(), 0.0f);
  for (const ResolvedBend* r : bends.cross)
    if (r->bend.renormalize && r->bend.domain == BendDomain::PostSoftmax && !bends.tokens(*r).empty())
      for (int64_t p : positions(g.heads, r->heads)) flag[size_t(p)] = 1.0f;
  return flag;
}

}  // namespace

BentCrossAttention bend_cross_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, at::Tensor out,
                                        const at::Tensor& lse, const BlockBends& bends, int capture_tokens) {
  const int64_t B = q.size(0), n = q.size(1), L = q.size(2), d = q.size(3), S = k.size(2);
  std::vector<HeadGroup> groups = group_heads(bends, n);
  for (HeadGroup& g : groups) {
    const int64_t nH = int64_t(g.heads.size()), nS = int64_t(g.tokens.size());
    std::vector<int64_t> untouched;
    for (int64_t j = 0; j < S; ++j)
      if (!std::binary_search(g.tokens.begin(), g.tokens.end(), j)) untouched.push_back(j);
    g.head_index = long_tensor(g.heads, q.device());
    g.token_index = long_tensor(g.tokens, q.device());
    const at::Tensor qg = q.index_select(1, g.head_index), kg = k.index_select(1, g.head_index),
                     vg = v.index_select(1, g.head_index);
    const at::Tensor kS = kg.index_select(2, g.token_index), vS = vg.index_select(2, g.token_index);
    at::Tensor M = token_logits(qg.reshape({B * nH, L, d}), kS.reshape({B * nH, nS, d})).view({B, nH, nS, L});
    at::Tensor o_u, lse_u;
    if (!untouched.empty()) {
      const at::Tensor iu = long_tensor(untouched, q.device());
      std::tie(o_u, lse_u) = attention_with_lse(qg, kg.index_select(2, iu).contiguous(), vg.index_select(2, iu).contiguous());
      o_u = o_u.to(at::kFloat);
    } else {  // every key bent: nothing outside S
      o_u = at::zeros({B, nH, L, d}, q.options().dtype(at::kFloat));
      lse_u = at::full({B, nH, L}, -std::numeric_limits<float>::infinity(), o_u.options());
    }
    apply_in_domain(M, g, bends, BendDomain::PreSoftmax, kEmptyLogit);
    const at::Tensor lse2 = at::logaddexp(lse_u, at::logsumexp(M, 2));  // [B, nH, L]
    at::Tensor P = at::exp(M - lse2.unsqueeze(2));
    at::Tensor w_u = at::exp(lse_u - lse2);
    apply_in_domain(P, g, bends, BendDomain::PostSoftmax, 0.0);
    at::Tensor lse_final = lse2;
    const std::vector<float> renorm_flags = renormalised_heads(g, bends);
    if (std::any_of(renorm_flags.begin(), renorm_flags.end(), [](float f) { return f > 0; })) {
      const at::Tensor renorm = to_device(at::tensor(renorm_flags, at::kFloat), q.device()).view({1, nH, 1});
      // Rows sum to Z after post-softmax bends; renormalised heads divide by it (a row that a
      // bend emptied entirely keeps its zeros instead of dividing by 0).
      const at::Tensor Z = w_u + P.sum(2);
      const at::Tensor div = at::where(renorm > 0, at::where(Z > 1e-30, Z, at::ones_like(Z)), at::ones_like(Z));
      P = P / div.unsqueeze(2);
      w_u = w_u / div;
      lse_final = lse2 + at::log(div);
    }
    const at::Tensor o = w_u.unsqueeze(-1) * o_u + at::matmul(P.transpose(2, 3), vS.to(at::kFloat));  // [B, nH, L, d]
    out.index_copy_(1, g.head_index, o.to(out.scalar_type()));
    if (capture_tokens > 0) {
      g.P = P;
      g.w_u = w_u;
      g.lse = lse_final;
    }
  }
  BentCrossAttention res;
  res.out = out;
  if (capture_tokens <= 0) return res;

  // Batch item 0's maps under the bent softmax: untouched real tokens exp(l - lse'), the bent
  // ones P_S; padding = w_U minus the untouched real tokens (rows need not sum to 1 after a
  // post-softmax bend without renormalisation).
  const int64_t T = capture_tokens;
  const at::Tensor logits = token_logits(q[0], k[0].narrow(1, 0, T));  // [n, T, L]
  at::Tensor lse_eff = lse[0].to(at::kFloat).clone();                 // [n, L]
  for (const HeadGroup& g : groups) lse_eff.index_copy_(0, g.head_index, g.lse[0]);
  at::Tensor probs = at::exp(logits - lse_eff.unsqueeze(1));  // [n, T, L]
  at::Tensor padding = (1.0 - probs.sum(1)).clamp_min(0.0);   // [n, L]
  for (const HeadGroup& g : groups) {
    std::vector<int64_t> in_t, pos;
    for (size_t i = 0; i < g.tokens.size(); ++i)
      if (g.tokens[i] < T) in_t.push_back(g.tokens[i]), pos.push_back(int64_t(i));
    at::Tensor keep = at::ones({T}, probs.options());
    if (!in_t.empty()) keep.index_fill_(0, long_tensor(in_t, keep.device()), 0.0);
    at::Tensor ph = probs.index_select(0, g.head_index);  // [nH, T, L]
    const at::Tensor untouched_real = (ph * keep.view({1, T, 1})).sum(1);
    padding.index_copy_(0, g.head_index, (g.w_u[0] - untouched_real).clamp_min(0.0));
    if (!in_t.empty()) {
      const at::Tensor cols = g.P[0].index_select(1, long_tensor(pos, keep.device()));  // [nH, |in_t|, L]
      ph.index_copy_(1, long_tensor(in_t, keep.device()), cols);
      probs.index_copy_(0, g.head_index, ph);
    }
  }
  res.probs = probs;
  res.padding = padding;
  return res;
}

}  // namespace wanattn
