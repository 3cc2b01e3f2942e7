#include "core/render/temporal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/render/render_error.h"

namespace wanattn::render {
namespace {
// Centre, in video frames, of the frames latent frame f decodes to.
double centre(int f) { return f == 0 ? 0.0 : 4.0 * f - 1.5; }
}  // namespace

int video_frames_for(int latent_frames) { return latent_frames <= 0 ? 0 : 4 * (latent_frames - 1) + 1; }
int first_frame_of(int latent_frame) { return latent_frame <= 0 ? 0 : 4 * latent_frame - 3; }

TemporalSample latent_for_frame(int video_frame, int latent_frames, TemporalMode mode) {
  const int last = std::max(latent_frames - 1, 0);
  if (video_frame <= 0 || last == 0) return {0, 0, 0.0f};
  if (mode == TemporalMode::Nearest) {
    const int f = std::min((video_frame + 3) / 4, last);
    return {f, f, 0.0f};
  }
  if (video_frame >= centre(last)) return {last, last, 0.0f};
  int f = 0;
  while (centre(f + 1) <= video_frame) ++f;
  const double w = (video_frame - centre(f)) / (centre(f + 1) - centre(f));
  return {f, f + 1, float(w)};
}

const char* to_string(TemporalMode m) { return m == TemporalMode::Nearest ? "nearest" : "linear"; }

TemporalMode temporal_mode_from_string(const std::string_view s) {
  if (s == "nearest") return TemporalMode::Nearest;
  if (s == "linear") return TemporalMode::Linear;
  throw RenderError(RenderErrorKind::BadSelection, fmt::format("unknown temporal mode '{}' (nearest, linear)", s));
}

}  // namespace wanattn::render
