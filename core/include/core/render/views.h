// The views of ../shared/VIEWS.md as labelled images (the papers' figures). Each returns the
// composed grid (image and where every cell is, so the studio can map a click to a cell)
// and the slices that were asked for but are not written yet: a partial run renders what
// exists, with missing cells crossed out.
#pragma once
#include <string>
#include <vector>

#include "core/render/grid.h"
#include "core/render/look.h"
#include "core/render/map_select.h"

namespace wanattn::render {

struct ViewOptions {
  Look look;
  int frame = 0;              // video frame shown (views with one frame per cell)
  int cell_width = 0;         // pixels; 0 = chosen from the column count and the video size
  bool shared_range = true;   // one colour range (and bar) for all cells; false = each cell on its own
};

struct View {
  ComposedGrid grid;
  std::vector<SliceId> missing;  // requested slices that are not written
  std::string title;
};

// 1. One selection over a frame, with title and colour bar.
View token_view(const RunReader& run, const MapSelection& sel, const ViewOptions& o);
// 2. Several tokens side by side (the same steps/blocks/heads as `base`), one column each.
View tokens_view(const RunReader& run, const std::vector<TokenSet>& tokens, const MapSelection& base,
                 const ViewOptions& o);
// 2b. Up to three tokens as one colour composite (red, green, blue) over a grey frame.
View composite_view(const RunReader& run, const std::vector<TokenSet>& tokens, const MapSelection& base,
                    const ViewOptions& o);
// 3. Blocks grid (figure 3): rows = the given store steps, columns = every captured block.
View blocks_view(const RunReader& run, const TokenSet& token, const std::vector<int>& steps,
                 const std::vector<int>& heads, const ViewOptions& o);
// 4. One block across steps (figure 4): columns = every captured step; rows = the step's
//    x0 preview (when stored), the map over the first and over the last frame.
View block_steps_view(const RunReader& run, const TokenSet& token, int block, const std::vector<int>& heads,
                      const ViewOptions& o);
// 5. Heads x steps (figure 5): rows = every captured step, columns = every stored head.
View heads_steps_view(const RunReader& run, const TokenSet& token, int block, const ViewOptions& o);
// 6. Global mean (figure 6): the token averaged over every head, block and step, over the
//    first, middle and last frame.
View mean_view(const RunReader& run, const TokenSet& token, const ViewOptions& o);

// Cell width `o.cell_width` resolves to, for `cols` columns of a `video`-sized picture.
int cell_width_for(const ViewOptions& o, int cols, int video_width);

}  // namespace wanattn::render
