#include "core/render/composite.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "cell_batch.h"
#include "core/render/backdrops.h"
#include "core/render/heatmap.h"
#include "core/render/render_error.h"
#include "core/render/views.h"

namespace wanattn::render {

const char* composite_channel_name(int i) { return i == 0 ? "red" : i == 1 ? "green" : "blue"; }

Composite render_composite(const RunReader& run, const std::vector<TokenSet>& tokens, const MapSelection& base,
                           int video_frame, cv::Size size, const Look& look) {
  if (tokens.empty() || tokens.size() > 3)
    throw RenderError(RenderErrorKind::BadSelection,
                      fmt::format("a colour composite takes one to three tokens, got {}", tokens.size()));
  Composite out;
  // OpenCV's channel order is B, G, R: token 0 -> channel 2 (red).
  std::vector<cv::Mat> channels(3, cv::Mat::zeros(size, CV_8UC1));
  for (size_t i = 0; i < tokens.size(); ++i) {
    MapSelection sel = base;
    sel.token = tokens[i];
    const LatentMap map = compute_map(run, sel);
    out.missing.insert(out.missing.end(), map.missing.begin(), map.missing.end());
    std::optional<ValueRange> token;
    if (look.norm.mode == NormMode::PerToken) token = token_range(run, sel);
    const Heatmap h = render_heatmap(map, video_frame, size, look, token);
    channels[2 - i] = h.unit;
    out.ranges.push_back(h.range);
  }
  cv::Mat colour;
  cv::merge(channels, colour);
  const int step = base.steps.empty() ? run.steps() - 1 : base.steps.back();
  const cv::Mat back = Backdrops(run).pick(look.backdrop, step, video_frame, size);
  if (back.empty()) {
    out.image = colour;
    return out;
  }
  cv::Mat grey, grey3;
  cv::cvtColor(back, grey, cv::COLOR_BGR2GRAY);
  cv::cvtColor(grey, grey3, cv::COLOR_GRAY2BGR);
  const double a = std::clamp(double(look.opacity), 0.0, 1.0);
  cv::addWeighted(grey3, 1.0 - a, colour, a, 0.0, out.image);
  return out;
}

View composite_view(const RunReader& run, const std::vector<TokenSet>& tokens, const MapSelection& base,
                    const ViewOptions& o) {
  const int width = o.cell_width > 0 ? o.cell_width : Backdrops(run).video_size().width;
  const cv::Size video = Backdrops(run).video_size();
  const cv::Size size(width, std::max(1, int(std::lround(double(width) * video.height / video.width))));
  Composite c = render_composite(run, tokens, base, o.frame, size, o.look);
  std::string legend;
  for (size_t i = 0; i < tokens.size(); ++i)
    legend += fmt::format("{}{} = {} ({:.3g}-{:.3g})", i ? ", " : "", composite_channel_name(int(i)), tokens[i].label,
                          c.ranges[i].lo, c.ranges[i].hi);
  MapSelection title_sel = base;
  title_sel.token.label = "composite";
  GridSpec spec{describe(run.manifest(), title_sel), legend, 1, 1, {}, {}, {{c.image, false}}, std::nullopt};
  View v;
  v.title = spec.title;
  v.missing = std::move(c.missing);
  v.grid = compose_grid(spec);
  return v;
}

}  // namespace wanattn::render
