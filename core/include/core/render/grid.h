// Labelled grids like the papers' figures: a title, column labels on top, row labels on
// the left, equal cells, and a colour bar with the value range on the right.
#pragma once
#include <optional>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/render/colormap.h"
#include "core/render/normalize.h"

namespace wanattn::render {

struct GridCell {
  cv::Mat image;         // BGR; every cell of a grid has the same size
  bool missing = false;  // drawn as a crossed grey box: the slice is not written (partial run)
};

struct ColourBar {
  Colormap colormap = Colormap::Inferno;
  ValueRange range;
  std::string label;  // e.g. "attention (per map)"
};

struct GridSpec {
  std::string title, subtitle;
  int rows = 0, cols = 0;
  std::vector<std::string> row_labels, col_labels;  // may be empty
  std::vector<GridCell> cells;                      // row-major, rows * cols
  std::optional<ColourBar> bar;
};

struct ComposedGrid {
  cv::Mat image;                // BGR, white background
  std::vector<cv::Rect> cells;  // where each cell landed, row-major (tests, studio clicks)
  cv::Rect bar;                 // the colour ramp (empty without a bar)
};

// Throws RenderError(BadSelection) when the cell count is not rows * cols or sizes differ.
ComposedGrid compose_grid(const GridSpec& spec);

// A grey crossed box: what a missing slice looks like in a grid.
cv::Mat missing_cell(cv::Size size);

}  // namespace wanattn::render
