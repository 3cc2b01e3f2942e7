#include "core/render/normalize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/render/render_error.h"

namespace wanattn::render {
namespace {

ValueRange min_max(const float* v, size_t n) {
  if (n == 0) return {};
  const auto [lo, hi] = std::minmax_element(v, v + n);
  return {*lo, *hi};
}

float percentile(std::vector<float>& v, float pct) {
  const double p = std::clamp(double(pct), 0.0, 100.0) / 100.0;
  const size_t k = size_t(std::lround(p * double(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + ptrdiff_t(k), v.end());
  return v[k];
}

}  // namespace

ValueRange value_range(const float* values, size_t n, const NormOptions& o) {
  switch (o.mode) {
    case NormMode::PerMap:
    case NormMode::PerFrame:
    case NormMode::PerToken: return min_max(values, n);
    case NormMode::Percentile: {
      if (n == 0) return {};
      if (o.low_percentile >= o.high_percentile)
        throw RenderError(RenderErrorKind::BadSelection,
                          fmt::format("percentile clip needs low < high (got {} and {})", o.low_percentile,
                                      o.high_percentile));
      std::vector<float> copy(values, values + n);
      const float lo = percentile(copy, o.low_percentile);
      return {lo, percentile(copy, o.high_percentile)};
    }
    case NormMode::Absolute: return {0.0f, o.vmax > 0.0f ? o.vmax : min_max(values, n).hi};
  }
  return {};
}

ValueRange token_range(const RunReader& run, const MapSelection& sel) {
  bool any = false;
  ValueRange r;
  for (int s = 0; s < run.steps(); ++s)
    for (int b = 0; b < run.blocks(); ++b) {
      if (!run.ready(s, b)) continue;
      MapSelection one = sel;
      one.steps = {s};
      one.blocks = {b};
      const LatentMap m = compute_map(run, one);
      const ValueRange here = min_max(m.values.data(), m.values.size());
      r = any ? merge(r, here) : here;
      any = true;
    }
  if (!any)
    throw RenderError(RenderErrorKind::MissingData, fmt::format("run '{}' has no written slice yet", run.dir()));
  return r;
}

ValueRange merge(const ValueRange& a, const ValueRange& b) { return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)}; }

const char* to_string(NormMode m) {
  switch (m) {
    case NormMode::PerMap: return "map";
    case NormMode::PerToken: return "token";
    case NormMode::PerFrame: return "frame";
    case NormMode::Percentile: return "percentile";
    case NormMode::Absolute: return "absolute";
  }
  return "?";
}

NormMode norm_mode_from_string(std::string_view s) {
  for (auto m : {NormMode::PerMap, NormMode::PerToken, NormMode::PerFrame, NormMode::Percentile, NormMode::Absolute})
    if (s == to_string(m)) return m;
  throw RenderError(RenderErrorKind::BadSelection,
                    fmt::format("unknown normalisation '{}' (map, token, frame, percentile, absolute)", s));
}

}  // namespace wanattn::render
