#include "core/capture_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "core/index_list.h"

namespace wanattn {
namespace {

// "0-9,20,30-40/5" -> sorted unique indices; "all" -> nothing (all).
std::optional<std::vector<int>> parse_list(const std::string& value, const std::string& part) {
  if (value == "all") return std::nullopt;
  try {
    return parse_indices(value, fmt::format(" in '{}'", part));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("capture: {}", e.what()));
  }
}

bool parse_bool(const std::string& v, const std::string& part) {
  if (v == "yes" || v == "true" || v == "on" || v == "1") return true;
  if (v == "no" || v == "false" || v == "off" || v == "0") return false;
  throw std::invalid_argument(fmt::format("capture: '{}' wants yes or no", part));
}

std::vector<int> resolve_list(const std::optional<std::vector<int>>& list, int n, const char* what) {
  if (!list) {
    std::vector<int> all(size_t(std::max(n, 0)));
    for (int i = 0; i < n; ++i) all[size_t(i)] = i;
    return all;
  }
  for (int i : *list)
    if (i >= n) throw std::invalid_argument(fmt::format("capture: {} {} does not exist (there are {}: 0-{})", what, i, n, n - 1));
  return *list;
}

std::string list_text(const std::optional<std::vector<int>>& list) {
  return list ? fmt::format("{}", fmt::join(*list, ",")) : "all";
}

}  // namespace

CaptureSpec parse_capture_spec(const std::string& text) {
  CaptureSpec spec;
  std::stringstream ss(text);
  std::string part;
  bool any = false;
  while (ss >> part) {
    any = true;
    if (part == "all") continue;
    if (part == "none") {
      spec.enabled = false;
      continue;
    }
    const auto eq = part.find('=');
    if (eq == std::string::npos)
      throw std::invalid_argument(fmt::format("capture: '{}' is not key=value (keys: steps, blocks, heads, padding)", part));
    const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "steps") spec.steps = parse_list(value, part);
    else if (key == "blocks") spec.blocks = parse_list(value, part);
    else if (key == "heads") {
      if (value == "mean") spec.per_head = false;
      else if (value == "per-head" || value == "per_head" || value == "all") spec.per_head = true;
      else throw std::invalid_argument(fmt::format("capture: '{}' wants heads=per-head or heads=mean", part));
    } else if (key == "padding") spec.padding_mass = parse_bool(value, part);
    else throw std::invalid_argument(fmt::format("capture: unknown key '{}' (keys: steps, blocks, heads, padding)", key));
  }
  if (!any) throw std::invalid_argument("capture: empty (use all, none, or key=value parts)");
  return spec;
}

CaptureSelection resolve_capture(const CaptureSpec& spec, int steps, int blocks, int heads, int tokens) {
  CaptureSelection sel;
  if (spec.enabled) {
    sel.steps = resolve_list(spec.steps, steps, "step");
    sel.blocks = resolve_list(spec.blocks, blocks, "block");
  }
  sel.model_heads = heads;
  sel.heads = spec.per_head ? heads : 1;
  sel.head_mode = spec.per_head ? "per_head" : "mean";
  sel.tokens = tokens;
  sel.branch = "cond";
  sel.padding_mass = spec.padding_mass;
  return sel;
}

std::string to_string(const CaptureSpec& spec) {
  if (!spec.enabled) return "none";
  return fmt::format("steps={} blocks={} heads={} padding={}", list_text(spec.steps), list_text(spec.blocks),
                     spec.per_head ? "per-head" : "mean", spec.padding_mass ? "yes" : "no");
}

}  // namespace wanattn
