// How map values become colours: which value is the darkest and which the brightest.
// The ranges each mode yields are documented in docs/render.md and checked by tests.
#pragma once
#include <cstddef>
#include <string_view>

#include "core/render/map_select.h"

namespace wanattn::render {

enum class NormMode {
  PerMap,      // [min, max] of the shown map over all its frames (default)
  PerToken,    // [min, max] of the token over every written step and block of the run
  PerFrame,    // [min, max] of the one frame shown (each video frame on its own)
  Percentile,  // [p_low, p_high] percentiles of the map (clips outliers)
  Absolute,    // [0, vmax]: vmax given, or the map's maximum; comparable across views
};

struct NormOptions {
  NormMode mode = NormMode::PerMap;
  float low_percentile = 1.0f, high_percentile = 99.0f;  // Percentile
  float vmax = 0.0f;  // Absolute: the value shown brightest; 0 = the map's maximum
};

struct ValueRange {
  float lo = 0.0f, hi = 1.0f;
  float span() const { return hi > lo ? hi - lo : 1e-12f; }
};

// The range of `n` values under `o` (PerToken is not a property of one map: use
// token_range; here it falls back to PerMap).
ValueRange value_range(const float* values, size_t n, const NormOptions& o);
// PerToken: [min, max] over every written (step, block) slice of the selection's token
// (its pieces summed, with the selection's heads). Reads every slice: cache it per token.
ValueRange token_range(const RunReader& run, const MapSelection& sel);
// Union of ranges (grids share one colour bar).
ValueRange merge(const ValueRange& a, const ValueRange& b);

const char* to_string(NormMode m);
NormMode norm_mode_from_string(std::string_view s);

}  // namespace wanattn::render
