#include "model/wan_block_growth.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace wanattn {
namespace {

// "blocks.7.ffn.2.weight" -> 7 and the rest after it; -1 for parameters outside the blocks.
int block_of(const std::string& name, std::string& rest) {
  constexpr std::string_view prefix = "blocks.";
  if (!name.starts_with(prefix)) return -1;
  const size_t dot = name.find('.', prefix.size());
  rest = name.substr(dot);
  return std::stoi(name.substr(prefix.size(), dot - prefix.size()));
}

bool is_output_projection(const std::string& rest) {
  return rest.starts_with(".self_attn.o.") || rest.starts_with(".cross_attn.o.") || rest.starts_with(".ffn.2.");
}

// The settings that must agree besides the depth (equal shapes alone would let, say, another
// head count through: the same weights, another function).
std::string config_difference(const WanConfig& a, const WanConfig& b) {
  std::string d;
  auto field = [&](const char* name, auto x, auto y) {
    if (x != y) d += fmt::format("{}{} {} vs {}", d.empty() ? "" : ", ", name, x, y);
  };
  field("dim", a.dim, b.dim);
  field("ffn_dim", a.ffn_dim, b.ffn_dim);
  field("freq_dim", a.freq_dim, b.freq_dim);
  field("text_dim", a.text_dim, b.text_dim);
  field("in_dim", a.in_dim, b.in_dim);
  field("out_dim", a.out_dim, b.out_dim);
  field("num_heads", a.num_heads, b.num_heads);
  field("patch", fmt::format("{}", fmt::join(a.patch, "x")), fmt::format("{}", fmt::join(b.patch, "x")));
  field("eps", a.eps, b.eps);
  field("text_len", a.text_len, b.text_len);
  field("cross_attn_norm", a.cross_attn_norm, b.cross_attn_norm);
  field("rope_max_seq_len", a.rope_max_seq_len, b.rope_max_seq_len);
  return d;
}

}  // namespace

int grow_wan_blocks(WanModel& into, const WanModel& from, int at) {
  const int have = from->config().num_layers, want = into->config().num_layers, extra = want - have;
  if (extra <= 0)
    throw std::invalid_argument(fmt::format("growing a DiT: the model has {} blocks, not more than the {} it starts from", want, have));
  if (at < 0 || at > have)
    throw std::invalid_argument(
        fmt::format("growing a DiT: the new blocks go at an index in 0..{} (the DiT it starts from has {} blocks), not {}", have, have, at));
  if (const std::string d = config_difference(into->config(), from->config()); !d.empty())
    throw std::invalid_argument(fmt::format("growing a DiT: only the depth may differ, not {}", d));
  torch::NoGradGuard no_grad;
  auto dst = into->named_parameters(true);
  size_t placed = 0;
  for (const auto& p : from->named_parameters(true)) {
    std::string rest, name = p.key();
    const int b = block_of(name, rest);
    if (b >= at) name = fmt::format("blocks.{}{}", b + extra, rest);
    at::Tensor* q = dst.find(name);
    if (q == nullptr || !q->sizes().equals(p.value().sizes()))
      throw std::invalid_argument(fmt::format("growing a DiT: parameter {} does not fit {}", p.key(), name));
    q->copy_(p.value());
    ++placed;
  }
  size_t zeroed = 0;
  for (auto& p : dst) {
    std::string rest;
    const int b = block_of(p.key(), rest);
    if (b < at || b >= at + extra) continue;
    if (is_output_projection(rest)) p.value().zero_(), ++zeroed;
    ++placed;  // a new block's parameter keeps its fresh value (or is now zero)
  }
  if (placed != dst.size() || zeroed != size_t(6 * extra))  // weight + bias of three projections
    throw std::invalid_argument(fmt::format("growing a DiT: {} of {} parameters placed, {} output projections zeroed",
                                            placed, dst.size(), zeroed));
  return extra;
}

}  // namespace wanattn
