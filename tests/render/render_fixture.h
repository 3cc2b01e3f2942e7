// Runs for the render tests and the docs' pictures: the synthetic maps of
// support/synthetic_run.h (a gaussian blob per token that moves with the latent frame and
// the step) plus decoded frames and per-step previews that show a red circle where the
// blob of token 2 ("circle") is at the last step, so overlays can be checked by eye too.
#pragma once
#include <opencv2/core.hpp>
#include <string>

#include "support/synthetic_run.h"

namespace wanattn::test {

struct RenderFixture {
  SyntheticSpec spec;
  bool frames = true;     // write frames.npy
  bool previews = true;   // write previews.npy (one per captured step)
  RunState state = RunState::Complete;  // Cancelled + keep = a partial run
  bool (*keep)(int step, int block) = nullptr;  // slices to write (default all)
};

// Writes the run into `dir` (which must not hold a run yet).
void write_render_run(const std::string& dir, const RenderFixture& f);

// Video frame i of the fixture (BGR), as stored in frames.npy (RGB there).
cv::Mat fixture_frame(const SyntheticSpec& spec, int i);
// The blob centre of `token` at store step `step` and latent frame `f`, in latent cells.
cv::Point2f blob_centre(const SyntheticSpec& spec, int step, int token, int f);

}  // namespace wanattn::test
