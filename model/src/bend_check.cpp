#include "model/bend_check.h"

#include <fmt/format.h>

#include <cmath>

#include "model/bend_error.h"

namespace wanattn {
namespace {

void number_in(double v, double lo, double hi, const std::string& field) {
  if (!std::isfinite(v) || v < lo || v > hi) throw BendError(field, fmt::format("{} is outside [{}, {}]", v, lo, hi));
}

// The op's own parameters, by the ranges a UI shows (bend_op_params).
void check_params(const Bend& b, const std::string& path) {
  const BendParams& p = b.params;
  for (const BendParamInfo& info : bend_op_params(b.op)) {
    const std::string f = path + ".op." + info.name;
    if (info.name == "factor") number_in(p.factor, info.min, info.max, f);
    if (info.name == "value") number_in(p.value, info.min, info.max, f);
    if (info.name == "level") number_in(p.level, info.min, info.max, f);
    if (info.name == "degrees") number_in(p.degrees, info.min, info.max, f);
    if (info.name == "dx") number_in(p.dx, info.min, info.max, f);
    if (info.name == "dy") number_in(p.dy, info.min, info.max, f);
    if (info.name == "dt") number_in(p.dt, info.min, info.max, f);
    if (info.name == "sigma") number_in(p.sigma, info.min, info.max, f);
    if (info.name == "sigma_t") number_in(p.sigma_t, info.min, info.max, f);
    if (info.name == "amount") number_in(p.amount, info.min, info.max, f);
    if (info.name == "cutoff") {
      number_in(p.cutoff, info.min, info.max, f);
      if (p.cutoff <= 0) throw BendError(f, "must be above 0");
    }
    if (info.name == "temperature") number_in(p.temperature, info.min, info.max, f);
    if (info.name == "min") number_in(p.min, info.min, info.max, f);
    if (info.name == "max") number_in(p.max, info.min, info.max, f);
  }
  if (b.op == BendOp::Clamp && p.min > p.max)
    throw BendError(path + ".op", fmt::format("clamp min {} is above max {}", p.min, p.max));
}

void check_indices(const std::optional<std::vector<int>>& list, const std::string& field) {
  if (!list) return;
  if (list->empty()) throw BendError(field, "is empty (leave it out for all)");
  for (size_t i = 0; i < list->size(); ++i)
    if ((*list)[i] < 0) throw BendError(fmt::format("{}[{}]", field, i), fmt::format("{} is negative", (*list)[i]));
}

void check_region(const BendRegion& r, const std::string& path) {
  if (r.rect) {
    const auto& v = *r.rect;
    if (v.size() != 4) throw BendError(path + ".rect", fmt::format("has {} numbers; expected [x0, y0, x1, y1]", v.size()));
    for (size_t i = 0; i < 4; ++i) number_in(v[i], 0, 1, fmt::format("{}.rect[{}]", path, i));
    if (!(v[0] < v[2]) || !(v[1] < v[3]))
      throw BendError(path + ".rect", fmt::format("[{}, {}, {}, {}] is empty: x0 < x1 and y0 < y1 (fractions of the frame)",
                                                  v[0], v[1], v[2], v[3]));
  }
  if (r.frames) {
    const auto& f = *r.frames;
    if (f.size() != 2) throw BendError(path + ".frames", fmt::format("has {} numbers; expected [first, last]", f.size()));
    if (f[0] < 0 || f[1] < f[0]) throw BendError(path + ".frames", fmt::format("[{}, {}] is not a frame range", f[0], f[1]));
  }
  if (r.mask) {
    const BendMask& m = *r.mask;
    if (m.rows < 1 || m.cols < 1 || m.rows > 4096 || m.cols > 4096)
      throw BendError(path + ".mask", fmt::format("size {}x{} is outside 1..4096", m.rows, m.cols));
    if (m.values.size() != size_t(m.rows) * size_t(m.cols))
      throw BendError(path + ".mask.values",
                      fmt::format("has {} values; rows * cols = {}", m.values.size(), size_t(m.rows) * size_t(m.cols)));
    for (size_t i = 0; i < m.values.size(); ++i) number_in(m.values[i], 0, 1, fmt::format("{}.mask.values[{}]", path, i));
  }
}

void index_limit(const std::optional<std::vector<int>>& list, int n, const char* what, const std::string& field) {
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i)
    if ((*list)[i] >= n)
      throw BendError(fmt::format("{}[{}]", field, i),
                      n > 0 ? fmt::format("{} {} does not exist (there are {}: 0-{})", what, (*list)[i], n, n - 1)
                            : fmt::format("{} {} does not exist (there are none)", what, (*list)[i]));
}

}  // namespace

void validate_bend(const Bend& b, const std::string& path) {
  if (!bend_op_allowed(b.target, b.op)) {
    std::string ops;
    for (BendOp o : bend_ops_for(b.target)) ops += (ops.empty() ? "" : ", ") + std::string(to_string(o));
    throw BendError(path + ".op.name", fmt::format("'{}' does not apply to target '{}' (it takes: {})", to_string(b.op),
                                                   to_string(b.target), ops));
  }
  number_in(b.strength, 0, 1, path + ".strength");
  check_params(b, path);
  const std::string w = path + ".where";
  check_indices(b.where.steps, w + ".steps");
  check_indices(b.where.blocks, w + ".blocks");
  check_indices(b.where.heads, w + ".heads");
  check_indices(b.where.tokens, w + ".tokens");
  check_indices(b.where.neurons, w + ".neurons");
  if (b.where.tokens && b.target != BendTarget::CrossAttention)
    throw BendError(w + ".tokens", fmt::format("only cross_attention bends act on prompt tokens (this one is {})", to_string(b.target)));
  if (b.where.neurons && b.target != BendTarget::Ffn)
    throw BendError(w + ".neurons", fmt::format("only ffn bends act on neurons (this one is {})", to_string(b.target)));
  if (b.where.heads && b.target == BendTarget::Ffn) throw BendError(w + ".heads", "the FFN has no heads");
  if (b.where.region) check_region(*b.where.region, w + ".region");
  if (b.op == BendOp::Mask && !b.where.region)
    throw BendError(w + ".region", "the mask operation keeps a region: give one (rect, frames or mask)");
  if (b.target != BendTarget::CrossAttention && b.domain != BendDomain::PostSoftmax)
    throw BendError(path + ".domain", fmt::format("only cross_attention bends act before the softmax (this one is {})", to_string(b.target)));
  if (b.renormalize && (b.target != BendTarget::CrossAttention || b.domain != BendDomain::PostSoftmax))
    throw BendError(path + ".renormalize", "only post-softmax cross_attention bends renormalise");
}

void validate_bend_set(const BendSet& set) {
  for (size_t i = 0; i < set.bends.size(); ++i) validate_bend(set.bends[i], fmt::format("bends[{}]", i));
}

void check_bend_set(const BendSet& set, const BendLimits& l) {
  validate_bend_set(set);
  for (size_t i = 0; i < set.bends.size(); ++i) {
    const Bend& b = set.bends[i];
    const std::string w = fmt::format("bends[{}].where", i);
    index_limit(b.where.blocks, l.blocks, "block", w + ".blocks");
    index_limit(b.where.heads, l.heads, "head", w + ".heads");
    index_limit(b.where.tokens, l.tokens, "prompt token", w + ".tokens");
    index_limit(b.where.neurons, l.ffn_dim, "FFN neuron", w + ".neurons");
  }
}

}  // namespace wanattn
