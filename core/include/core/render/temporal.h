// Video frame -> latent frame, following Wan's VAE: latent frame 0 decodes to video frame
// 0 alone, every later latent frame f to the four frames 4f-3 ... 4f.
#pragma once
#include <string_view>

namespace wanattn::render {

enum class TemporalMode {
  Nearest,  // the latent frame that decoded to this video frame
  Linear,   // blend the two latent frames whose centres surround the frame (smooth video)
};

// value(frame) = (1 - weight) * map[first] + weight * map[second]
struct TemporalSample {
  int first = 0, second = 0;
  float weight = 0.0f;
};

TemporalSample latent_for_frame(int video_frame, int latent_frames, TemporalMode mode);
// Video frames that `latent_frames` decode to: 4 (F - 1) + 1.
int video_frames_for(int latent_frames);
// The first video frame decoded from latent frame f (0, 1, 5, 9, ...).
int first_frame_of(int latent_frame);

const char* to_string(TemporalMode m);
TemporalMode temporal_mode_from_string(const std::string_view s);

}  // namespace wanattn::render
