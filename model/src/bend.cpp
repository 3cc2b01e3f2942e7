#include "model/bend.h"

#include <algorithm>

namespace wanattn {
namespace {

template <class E>
const char* name_of(E e, const std::vector<std::string>& names) {
  const size_t i = size_t(e);
  return i < names.size() ? names[i].c_str() : "?";
}

}  // namespace

bool BendSet::any_active() const {
  return std::any_of(bends.begin(), bends.end(), [](const Bend& b) { return b.active(); });
}

const std::vector<std::string>& bend_target_names() {
  static const std::vector<std::string> n{"cross_attention", "cross_attention_heads", "self_attention", "ffn"};
  return n;
}
const std::vector<std::string>& bend_op_names() {
  static const std::vector<std::string> n{"scale", "add",   "zero",    "invert",  "threshold",
                                          "rotate", "translate", "flip", "blur", "sharpen",
                                          "mask",  "lowpass", "highpass", "temperature", "clamp"};
  return n;
}
const std::vector<std::string>& bend_padding_names() {
  static const std::vector<std::string> n{"zeros", "border", "reflect"};
  return n;
}
const std::vector<std::string>& bend_axis_names() {
  static const std::vector<std::string> n{"x", "y", "t"};
  return n;
}
const std::vector<std::string>& bend_domain_names() {
  static const std::vector<std::string> n{"post_softmax", "pre_softmax"};
  return n;
}
const std::vector<std::string>& bend_passes_names() {
  static const std::vector<std::string> n{"cond", "both"};
  return n;
}

const char* to_string(BendTarget t) { return name_of(t, bend_target_names()); }
const char* to_string(BendOp o) { return name_of(o, bend_op_names()); }
const char* to_string(BendPadding p) { return name_of(p, bend_padding_names()); }
const char* to_string(BendAxis a) { return name_of(a, bend_axis_names()); }
const char* to_string(BendDomain d) { return name_of(d, bend_domain_names()); }
const char* to_string(BendPasses p) { return name_of(p, bend_passes_names()); }

bool bend_op_allowed(BendTarget target, BendOp op) {
  using O = BendOp;
  switch (target) {
    case BendTarget::CrossAttention:  // a probability/logit map: everything but the head-only ops
      return op != O::Temperature && op != O::Clamp;
    case BendTarget::SelfAttention:
      if (op == O::Temperature) return true;
      [[fallthrough]];
    case BendTarget::CrossAttentionHeads:  // vector-valued maps: linear and spatial moves
      return op == O::Scale || op == O::Zero || op == O::Rotate || op == O::Translate || op == O::Flip ||
             op == O::Blur || op == O::Sharpen || op == O::Mask || op == O::LowPass || op == O::HighPass;
    case BendTarget::Ffn:
      return op == O::Scale || op == O::Zero || op == O::Clamp || op == O::Add;
  }
  return false;
}

std::vector<BendOp> bend_ops_for(BendTarget target) {
  std::vector<BendOp> out;
  for (size_t i = 0; i < bend_op_names().size(); ++i)
    if (bend_op_allowed(target, BendOp(i))) out.push_back(BendOp(i));
  return out;
}

const std::vector<BendParamInfo>& bend_op_params(BendOp op) {
  static const std::vector<BendParamInfo> none;
  static const BendParamInfo padding{"padding", "choice", 0, 0, 0, bend_padding_names(),
                                     "what moves in at the edges: zeros (nothing), border (edge repeated), reflect"};
  static const std::vector<BendParamInfo> scale{{"factor", "number", -100, 100, 2.0, {}, "multiply by"}};
  static const std::vector<BendParamInfo> add{{"value", "number", -1e4, 1e4, 0.05, {}, "add (probability, logit or activation units)"}};
  static const std::vector<BendParamInfo> threshold{
      {"level", "number", 0, 1, 0.5, {}, "keep values above min + level * (max - min) of each map"}};
  static const std::vector<BendParamInfo> rotate{{"degrees", "number", -360, 360, 15, {}, "counter-clockwise"}, padding};
  static const std::vector<BendParamInfo> translate{{"dx", "number", -1024, 1024, 0, {}, "latent cells to the right"},
                                                    {"dy", "number", -1024, 1024, 0, {}, "latent cells down"},
                                                    {"dt", "integer", -1024, 1024, 0, {}, "latent frames later"},
                                                    padding};
  static const std::vector<BendParamInfo> flip{{"axis", "choice", 0, 0, 0, bend_axis_names(), "x: left-right, y: up-down, t: time"}};
  static const std::vector<BendParamInfo> blur{{"sigma", "number", 0, 64, 1, {}, "gaussian sigma in latent cells"},
                                               {"sigma_t", "number", 0, 64, 0, {}, "gaussian sigma in latent frames"}};
  static const std::vector<BendParamInfo> sharpen{{"amount", "number", 0, 20, 1, {}, "x + amount * (x - blur(x))"},
                                                  {"sigma", "number", 0, 64, 1, {}, "blur sigma in latent cells"}};
  static const std::vector<BendParamInfo> pass{
      {"cutoff", "number", 0, 1.5, 0.25, {}, "radius in the spatial spectrum, 1 = Nyquist along an axis"}};
  static const std::vector<BendParamInfo> temperature{
      {"temperature", "number", 0.05, 20, 2, {}, "logits divided by it: > 1 flatter, < 1 sharper"}};
  static const std::vector<BendParamInfo> clamp{{"min", "number", -1e4, 1e4, -1, {}, "lower bound"},
                                                {"max", "number", -1e4, 1e4, 1, {}, "upper bound"}};
  switch (op) {
    case BendOp::Scale: return scale;
    case BendOp::Add: return add;
    case BendOp::Threshold: return threshold;
    case BendOp::Rotate: return rotate;
    case BendOp::Translate: return translate;
    case BendOp::Flip: return flip;
    case BendOp::Blur: return blur;
    case BendOp::Sharpen: return sharpen;
    case BendOp::LowPass:
    case BendOp::HighPass: return pass;
    case BendOp::Temperature: return temperature;
    case BendOp::Clamp: return clamp;
    case BendOp::Zero:
    case BendOp::Invert:
    case BendOp::Mask: return none;
  }
  return none;
}

}  // namespace wanattn
