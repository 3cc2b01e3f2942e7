// Renders the cells of one grid view together (internal to the render target): computes
// every cell's map, agrees on one colour range when the grid shares it, and draws each
// over its backdrop. Missing slices become crossed cells, not errors.
#pragma once
#include <vector>

#include "core/render/grid.h"
#include "core/render/views.h"

namespace wanattn::render {

struct CellJob {
  MapSelection sel;
  int frame = 0;          // video frame shown in the cell
  int backdrop_step = 0;  // store step whose preview is the backdrop (when no video or Backdrop::Preview)
};

struct CellBatch {
  std::vector<GridCell> cells;
  std::vector<SliceId> missing;
  ValueRange range;  // the shared range (or 0..1 when each cell has its own)
};

CellBatch render_cells(const RunReader& run, const std::vector<CellJob>& jobs, int cell_width, const ViewOptions& o);

// The colour bar and subtitle every view carries.
ColourBar colour_bar(const CellBatch& batch, const ViewOptions& o);
std::string look_line(const ViewOptions& o, const std::string& extra = "");

}  // namespace wanattn::render
