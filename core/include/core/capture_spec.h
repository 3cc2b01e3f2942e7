// What a run captures, as a person types it (`wanattn generate --capture ...`, the studio's
// capture field): "all" (the default: every step, every block, per head), "none", or
// space-separated key=value parts, each optional:
//   steps=0-9,20   blocks=0-29/3   heads=mean|per-head   padding=yes|no
// Lists take indices and ranges a-b (inclusive), optionally strided a-b/k; "all" is a list.
// Indices are checked against the model and sampler when the selection is resolved.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/manifest.h"

namespace wanattn {

struct CaptureSpec {
  bool enabled = true;
  std::optional<std::vector<int>> steps;   // nothing: all
  std::optional<std::vector<int>> blocks;  // nothing: all
  bool per_head = true;
  bool padding_mass = true;
};

// Throws std::invalid_argument naming the part that is wrong.
CaptureSpec parse_capture_spec(const std::string& text);
// The spec for a run of `steps` sampler steps on a model of `blocks` blocks and `heads`
// heads keeping `tokens` prompt tokens. Throws std::invalid_argument for an index out of range.
CaptureSelection resolve_capture(const CaptureSpec& spec, int steps, int blocks, int heads, int tokens);
// Back to text (round-trips through parse_capture_spec).
std::string to_string(const CaptureSpec& spec);

}  // namespace wanattn
