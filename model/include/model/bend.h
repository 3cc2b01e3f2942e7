// Network bending (docs/bending.md): a Bend is one live intervention in the DiT while it
// generates — a target (cross-attention token maps, a head's attention output, FFN hidden
// neurons), where it acts (steps, blocks, heads, tokens, neurons, a region of the latent
// grid), an operation with its parameters, and a strength that blends the result with the
// unbent value. Plain values: built by the UI thread, read by the inference thread through
// an immutable snapshot (live_bends.h). JSON in bend_json.h, checks in bend_check.h.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace wanattn {

enum class BendTarget {
  CrossAttention,       // a prompt token's cross-attention map [F, h, w] per head
  CrossAttentionHeads,  // a cross-attention head's output [F, h, w, d] (before the o-projection)
  SelfAttention,        // a self-attention head's output [F, h, w, d]
  Ffn,                  // hidden neurons after the GELU, [F, h, w] per neuron
};

enum class BendOp {
  Scale,        // x * factor
  Add,          // x + value
  Zero,         // the empty value (probability 0; logit "never"; output 0)
  Invert,       // max + min - x, per map
  Threshold,    // x where x >= min + level * (max - min), else empty, per map
  Rotate,       // about the grid centre, per frame (bilinear)
  Translate,    // by (dx, dy) cells and dt frames
  Flip,         // along x, y or t
  Blur,         // gaussian, sigma cells (and sigma_t frames)
  Sharpen,      // unsharp mask: x + amount * (x - blur(x))
  Mask,         // keep the region, empty elsewhere (needs a region)
  LowPass,      // keep spatial frequencies below the cutoff (per frame)
  HighPass,     // remove spatial frequencies below the cutoff, the mean kept (per frame)
  Temperature,  // self-attention logits divided by the temperature
  Clamp,        // clamp(x, min, max)
};

enum class BendPadding { Zeros, Border, Reflect };  // what a geometric move brings in
enum class BendAxis { X, Y, T };
enum class BendDomain { PostSoftmax, PreSoftmax };  // cross-attention: probabilities or logits
enum class BendPasses { Cond, Both };               // the conditional pass only, or also the unconditional

// Every operation's parameters; only those of the chosen op are meaningful (and serialised).
struct BendParams {
  double factor = 2.0;       // scale
  double value = 0.05;       // add
  double level = 0.5;        // threshold, in [0, 1] of each map's range
  double degrees = 15.0;     // rotate, counter-clockwise
  double dx = 0.0, dy = 0.0; // translate, latent cells (right, down)
  int dt = 0;                // translate, latent frames (later)
  BendPadding padding = BendPadding::Zeros;  // rotate, translate
  BendAxis axis = BendAxis::X;               // flip
  double sigma = 1.0;        // blur, sharpen: cells
  double sigma_t = 0.0;      // blur: latent frames
  double amount = 1.0;       // sharpen
  double cutoff = 0.25;      // lowpass, highpass: fraction of the Nyquist radius, (0, 1.5]
  double temperature = 2.0;  // temperature
  double min = -1.0, max = 1.0;  // clamp

  bool operator==(const BendParams&) const = default;
};

// A soft region of the latent grid [F, h, w]: weight 1 inside, 0 outside, anything between
// for a painted mask. Rect and mask multiply; `invert` takes 1 - weight.
struct BendMask {
  int rows = 0, cols = 0;
  std::vector<float> values;  // rows * cols in [0, 1], row-major; resampled to the grid (bilinear)
  bool operator==(const BendMask&) const = default;
};

struct BendRegion {
  std::optional<std::vector<double>> rect;    // [x0, y0, x1, y1], fractions of the width/height
  std::optional<std::vector<int>> frames;     // [first, last] latent frames, inclusive
  std::optional<BendMask> mask;
  bool invert = false;
  bool operator==(const BendRegion&) const = default;
};

// Index selections: nothing = all.
struct BendWhere {
  std::optional<std::vector<int>> steps;    // sampler step indices
  std::optional<std::vector<int>> blocks;   // transformer blocks
  std::optional<std::vector<int>> heads;    // attention heads (not FFN)
  std::optional<std::vector<int>> tokens;   // cross_attention: real prompt tokens (EOS included)
  std::optional<std::vector<int>> neurons;  // ffn: hidden neurons 0..ffn_dim-1
  std::optional<BendRegion> region;
  bool operator==(const BendWhere&) const = default;
};

struct Bend {
  std::string label;  // the user's name for it (UI, sweeps, manifest)
  bool enabled = true;
  BendTarget target = BendTarget::CrossAttention;
  BendOp op = BendOp::Scale;
  BendParams params;
  double strength = 1.0;  // [0, 1]: result = lerp(x, op(x), strength * region weight)
  BendWhere where;
  BendDomain domain = BendDomain::PostSoftmax;  // cross_attention only
  bool renormalize = false;                     // post-softmax: rows sum to 1 again
  BendPasses passes = BendPasses::Cond;
  bool operator==(const Bend&) const = default;

  // Whether it changes anything at all (enabled, strength > 0): others are skipped, so a
  // run with only inactive bends is bitwise the unbent run.
  bool active() const { return enabled && strength > 0.0; }
};

struct BendSet {
  std::vector<Bend> bends;  // applied in this order where several touch the same values
  bool operator==(const BendSet&) const = default;
  bool any_active() const;
};

// Names for combo boxes and messages, in declaration order (the JSON spelling).
const std::vector<std::string>& bend_target_names();
const std::vector<std::string>& bend_op_names();
const std::vector<std::string>& bend_padding_names();
const std::vector<std::string>& bend_axis_names();
const std::vector<std::string>& bend_domain_names();
const std::vector<std::string>& bend_passes_names();
const char* to_string(BendTarget t);
const char* to_string(BendOp o);
const char* to_string(BendPadding p);
const char* to_string(BendAxis a);
const char* to_string(BendDomain d);
const char* to_string(BendPasses p);

// The operations a target accepts, in bend_op_names() order.
std::vector<BendOp> bend_ops_for(BendTarget target);
bool bend_op_allowed(BendTarget target, BendOp op);

// One parameter of an operation, for a UI (slider range = the accepted range).
struct BendParamInfo {
  std::string name;                  // JSON key inside "op"
  std::string kind;                  // "number", "integer" or "choice"
  double min = 0, max = 0;           // accepted range (number, integer)
  double default_value = 0;          // number, integer
  std::vector<std::string> choices;  // choice (the first is the default)
  std::string help;
};
const std::vector<BendParamInfo>& bend_op_params(BendOp op);

}  // namespace wanattn
