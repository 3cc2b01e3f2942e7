// The three MP4 exports: the generated video, a token's overlay video, and the evolution
// video (view 7, "Attention of a Kiss": the map developing over the diffusion steps, then
// across the frames). Run on an export job thread (studio) or the CLI; `progress` gets
// 0..1 and returns false to cancel (then RenderError(Cancelled) and no file is left).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/render/look.h"
#include "core/render/map_select.h"
#include "core/render/mp4_writer.h"

namespace wanattn::render {

using Progress = std::function<bool(double)>;

struct VideoResult {
  int frames = 0;
  std::string codec;
  std::vector<SliceId> missing;  // slices that a mean left out (partial run)
};

// frames.npy as MP4. Throws RenderError(MissingData) when the video was not decoded.
VideoResult export_generated_mp4(const RunReader& run, const std::string& path, const Mp4Options& mp4,
                                 const Progress& progress = {});

// One selection's map over every video frame (Look: backdrop, opacity, colormap, ...),
// captioned with the selection and the frame number unless `captions` is false.
VideoResult export_overlay_mp4(const RunReader& run, const MapSelection& sel, const Look& look, const std::string& path,
                               const Mp4Options& mp4, bool captions = true, const Progress& progress = {});

struct EvolutionOptions {
  int frame = 0;               // the video frame the step phase is shown on
  int frames_per_step = 4;     // how long each diffusion step stays on screen
  std::vector<int> blocks;     // averaged (empty = all)
  std::vector<int> heads;      // averaged (empty = all)
  bool captions = true;
};
// Phase 1: for every written step, the map (mean over blocks and heads) at `frame`, over
// the step's x0 preview (Backdrop::Preview) or the frame. Phase 2: the last written step's
// map across every video frame. Steps with no written slice are skipped and reported.
VideoResult export_evolution_mp4(const RunReader& run, const TokenSet& token, const EvolutionOptions& evo,
                                 const Look& look, const std::string& path, const Mp4Options& mp4,
                                 const Progress& progress = {});

}  // namespace wanattn::render
