#include "model/wan_block_growth.h"

#include <fmt/format.h>

#include <stdexcept>
#include <string>

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

}  // namespace

int grow_wan_blocks(WanModel& into, const WanModel& from, int at) {
  const int have = from->config().num_layers, want = into->config().num_layers, extra = want - have;
  if (extra < 0)
    throw std::invalid_argument(fmt::format("growing a DiT: the model has {} blocks, fewer than the {} it starts from", want, have));
  if (at < 0 || at > have)
    throw std::invalid_argument(fmt::format("growing a DiT: new blocks go at 0..{} (its blocks), not {}", have, at));
  torch::NoGradGuard no_grad;
  auto dst = into->named_parameters(true);
  size_t copied = 0;
  for (const auto& p : from->named_parameters(true)) {
    std::string rest, name = p.key();
    const int b = block_of(name, rest);
    if (b >= at) name = fmt::format("blocks.{}{}", b + extra, rest);
    at::Tensor* q = dst.find(name);
    if (q == nullptr || !q->sizes().equals(p.value().sizes()))
      throw std::invalid_argument(fmt::format("growing a DiT: parameter {} does not fit {}", p.key(), name));
    q->copy_(p.value());
    ++copied;
  }
  size_t zeroed = 0;
  for (auto& p : dst) {
    std::string rest;
    const int b = block_of(p.key(), rest);
    if (b < at || b >= at + extra) continue;
    if (is_output_projection(rest)) p.value().zero_(), ++zeroed;
    ++copied;  // a new block's parameter: fresh (or zero), not from `from`
  }
  if (copied != dst.size() || zeroed != size_t(6 * extra))  // weight + bias of three projections
    throw std::invalid_argument(fmt::format("growing a DiT: {} of {} parameters placed, {} output projections zeroed",
                                            copied, dst.size(), zeroed));
  return extra;
}

}  // namespace wanattn
