#include "core/render/grid.h"

#include <fmt/format.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "core/render/render_error.h"
#include "text.h"

namespace wanattn::render {
namespace {

constexpr int kPad = 10, kGap = 4, kBarWidth = 16, kBarGap = 12;
const cv::Scalar kInk(30, 30, 30), kPaper(255, 255, 255);

std::string tick(float v) { return fmt::format("{:.3g}", v); }

int max_width(const std::vector<std::string>& labels, double scale) {
  int w = 0;
  for (const auto& s : labels) w = std::max(w, text::size(s, scale).width);
  return w;
}

cv::Size cell_size(const GridSpec& spec) {
  for (const auto& c : spec.cells)
    if (!c.image.empty()) return c.image.size();
  return {160, 90};
}

void draw_bar(cv::Mat& img, const cv::Rect& r, const ColourBar& bar) {
  // Top = brightest (range.hi), bottom = range.lo.
  cv::Mat ramp(r.height, 1, CV_8UC1);
  for (int y = 0; y < r.height; ++y) ramp.at<uint8_t>(y, 0) = uint8_t(255 - (255 * y) / std::max(r.height - 1, 1));
  cv::Mat colours = apply_colormap(ramp, bar.colormap);
  cv::resize(colours, img(r), r.size(), 0, 0, cv::INTER_NEAREST);
  cv::rectangle(img, r, kInk, 1);
  const int h = text::size("0", text::kLabelScale).height;
  const int x = r.x + r.width + 5;
  text::draw(img, tick(bar.range.hi), {x, r.y}, text::kLabelScale, kInk);
  text::draw(img, tick((bar.range.lo + bar.range.hi) / 2), {x, r.y + r.height / 2 - h / 2}, text::kLabelScale, kInk);
  text::draw(img, tick(bar.range.lo), {x, r.y + r.height - h}, text::kLabelScale, kInk);
}

}  // namespace

cv::Mat missing_cell(cv::Size size) {
  cv::Mat cell(size, CV_8UC3, cv::Scalar(200, 200, 200));
  cv::line(cell, {0, 0}, {size.width - 1, size.height - 1}, cv::Scalar(150, 150, 150), 1, cv::LINE_AA);
  cv::line(cell, {size.width - 1, 0}, {0, size.height - 1}, cv::Scalar(150, 150, 150), 1, cv::LINE_AA);
  const std::string note = "not written";
  const cv::Size t = text::size(note, text::kLabelScale);
  if (t.width < size.width) text::draw(cell, note, {(size.width - t.width) / 2, (size.height - t.height) / 2}, text::kLabelScale, kInk);
  return cell;
}

ComposedGrid compose_grid(const GridSpec& spec) {
  if (spec.rows <= 0 || spec.cols <= 0 || spec.cells.size() != size_t(spec.rows) * size_t(spec.cols))
    throw RenderError(RenderErrorKind::BadSelection, fmt::format("a {} x {} grid needs {} cells, got {}", spec.rows,
                                                                 spec.cols, spec.rows * spec.cols, spec.cells.size()));
  const cv::Size cell = cell_size(spec);
  for (const auto& c : spec.cells)
    if (!c.image.empty() && c.image.size() != cell)
      throw RenderError(RenderErrorKind::BadSelection, "grid cells differ in size");

  const int title_h = spec.title.empty() ? 0 : text::size(spec.title, text::kTitleScale).height + 8;
  const int subtitle_h = spec.subtitle.empty() ? 0 : text::size(spec.subtitle, text::kLabelScale).height + 8;
  const int col_label_h = spec.col_labels.empty() ? 0 : text::size("Ag", text::kLabelScale).height + 6;
  const int row_label_w = spec.row_labels.empty() ? 0 : max_width(spec.row_labels, text::kLabelScale) + 8;
  const int grid_w = spec.cols * cell.width + (spec.cols - 1) * kGap;
  const int grid_h = spec.rows * cell.height + (spec.rows - 1) * kGap;
  int bar_w = 0;
  if (spec.bar) {
    const auto& r = spec.bar->range;
    bar_w = kBarGap + kBarWidth + 5 +
            max_width({tick(r.lo), tick(r.hi), tick((r.lo + r.hi) / 2)}, text::kLabelScale);
  }
  const int head_w = std::max(text::size(spec.title, text::kTitleScale).width, text::size(spec.subtitle, text::kLabelScale).width);
  const int width = 2 * kPad + std::max(row_label_w + grid_w + bar_w, head_w);
  const int height = 2 * kPad + title_h + subtitle_h + col_label_h + std::max(grid_h, spec.bar ? 60 : 0);

  ComposedGrid out;
  out.image = cv::Mat(height, width, CV_8UC3, kPaper);
  int y = kPad;
  if (title_h) {
    text::draw(out.image, spec.title, {kPad, y}, text::kTitleScale, kInk);
    y += title_h;
  }
  if (subtitle_h) {
    text::draw(out.image, spec.subtitle, {kPad, y}, text::kLabelScale, cv::Scalar(90, 90, 90));
    y += subtitle_h;
  }
  const int x0 = kPad + row_label_w, y0 = y + col_label_h;
  for (int c = 0; c < spec.cols && c < int(spec.col_labels.size()); ++c) {
    const int w = text::size(spec.col_labels[size_t(c)], text::kLabelScale).width;
    const int cx = x0 + c * (cell.width + kGap) + std::max((cell.width - w) / 2, 0);
    text::draw(out.image, spec.col_labels[size_t(c)], {cx, y}, text::kLabelScale, kInk);
  }
  for (int r = 0; r < spec.rows; ++r) {
    const int ry = y0 + r * (cell.height + kGap);
    if (r < int(spec.row_labels.size())) {
      const int h = text::size(spec.row_labels[size_t(r)], text::kLabelScale).height;
      text::draw(out.image, spec.row_labels[size_t(r)], {kPad, ry + (cell.height - h) / 2}, text::kLabelScale, kInk);
    }
    for (int c = 0; c < spec.cols; ++c) {
      const auto& gc = spec.cells[size_t(r) * spec.cols + c];
      const cv::Rect rect(x0 + c * (cell.width + kGap), ry, cell.width, cell.height);
      (gc.missing || gc.image.empty() ? missing_cell(cell) : gc.image).copyTo(out.image(rect));
      out.cells.push_back(rect);
    }
  }
  if (spec.bar) {
    out.bar = cv::Rect(x0 + grid_w + kBarGap, y0, kBarWidth, std::max(grid_h, 60));
    draw_bar(out.image, out.bar, *spec.bar);
  }
  return out;
}

}  // namespace wanattn::render
