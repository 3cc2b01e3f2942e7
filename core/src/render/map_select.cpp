#include "core/render/map_select.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "core/half.h"
#include "core/render/render_error.h"

namespace wanattn::render {
namespace {

std::vector<int> all_or(const std::vector<int>& picked, int count) {
  if (!picked.empty()) return picked;
  std::vector<int> all(static_cast<size_t>(count));
  std::iota(all.begin(), all.end(), 0);
  return all;
}

void check_range(const RunReader& run, const std::vector<int>& picked, int count, const char* axis) {
  for (int i : picked)
    if (i < 0 || i >= count)
      throw RenderError(RenderErrorKind::BadSelection,
                        fmt::format("{} index {} is outside run '{}' ({} {}s stored: 0..{})", axis, i, run.dir(), count,
                                    axis, count - 1));
}

std::string axis_text(const char* name, const std::vector<int>& picked, const std::vector<int>& model_index, int count) {
  if (picked.empty()) return fmt::format("{} mean", name);
  if (picked.size() == 1) {
    const int i = picked[0];
    return fmt::format("{} {}", name, i < int(model_index.size()) ? model_index[size_t(i)] : i);
  }
  return fmt::format("{} mean of {}", name, picked.size() == size_t(count) ? std::string("all") : std::to_string(picked.size()));
}

int store_index(const std::vector<int>& captured, int model, const char* axis) {
  const auto it = std::find(captured.begin(), captured.end(), model);
  if (it != captured.end()) return int(it - captured.begin());
  throw RenderError(RenderErrorKind::BadSelection,
                    fmt::format("{} {} was not captured in this run (captured {}s: {})", axis, model, axis,
                                fmt::join(captured, ",")));
}

}  // namespace

int store_step(const RunManifest& m, int model_step) { return store_index(m.capture.steps, model_step, "step"); }
int store_block(const RunManifest& m, int model_block) { return store_index(m.capture.blocks, model_block, "block"); }

LatentMap compute_map(const RunReader& run, const MapSelection& sel) {
  check_range(run, sel.steps, run.steps(), "step");
  check_range(run, sel.blocks, run.blocks(), "block");
  check_range(run, sel.heads, run.heads(), "head");
  for (int t : sel.token.tokens)
    if (t < 0 || t >= run.tokens())
      throw RenderError(RenderErrorKind::BadSelection,
                        fmt::format("token {} is outside run '{}' ({} tokens stored)", t, run.dir(), run.tokens()));
  if (sel.token.tokens.empty() && !sel.token.padding)
    throw RenderError(RenderErrorKind::BadSelection, fmt::format("no token chosen for a map of run '{}'", run.dir()));
  if (sel.token.padding && !run.has_padding())
    throw RenderError(RenderErrorKind::BadSelection, fmt::format("run '{}' did not keep the padding mass", run.dir()));

  const auto steps = all_or(sel.steps, run.steps());
  const auto blocks = all_or(sel.blocks, run.blocks());
  const auto heads = all_or(sel.heads, run.heads());
  // All heads of a multi-head store: head_mean.npy holds their mean, one map per slice.
  const bool use_head_mean = sel.heads.empty() && !sel.token.padding;

  LatentMap out;
  out.grid = run.grid();
  const size_t L = size_t(out.grid.size());
  out.values.assign(L, 0.0f);
  for (int s : steps)
    for (int b : blocks)
      if (run.ready(s, b))
        ++out.slices;
      else
        out.missing.push_back({s, b});

  if (out.slices == 0)
    throw RenderError(RenderErrorKind::MissingData,
                      fmt::format("run '{}' has none of the slices for {} written yet ({} of {} slices in the run are "
                                  "written; missing: {})",
                                  run.dir(), describe(run.manifest(), sel), run.ready_count(), run.steps() * run.blocks(),
                                  describe_missing(run.manifest(), out.missing)));

  // Whole-run mean of tokens: the run-wide aggregate is already there (or computed once).
  const bool whole_run = sel.steps.empty() && sel.blocks.empty() && use_head_mean && out.missing.empty();
  if (whole_run && run.has_stored_token_mean()) {
    for (int t : sel.token.tokens) {
      const auto mean = run.token_mean(t);
      for (size_t i = 0; i < L; ++i) out.values[i] += mean[i];
    }
    return out;
  }

  int maps = 0;  // (slice, head) pairs summed; the word's pieces add up within one pair
  for (int s : steps)
    for (int b : blocks) {
      if (!run.ready(s, b)) continue;
      if (sel.token.padding) {
        for (int h : heads) accumulate_halves(run.padding(s, b, h).data, out.values.data(), L);
        maps += int(heads.size());
      } else if (use_head_mean) {
        for (int t : sel.token.tokens) accumulate_halves(run.head_mean(s, b, t).data, out.values.data(), L);
        maps += 1;
      } else {
        for (int h : heads)
          for (int t : sel.token.tokens) accumulate_halves(run.map(s, b, h, t).data, out.values.data(), L);
        maps += int(heads.size());
      }
    }
  const float inv = 1.0f / float(maps);
  for (float& v : out.values) v *= inv;
  return out;
}

std::string describe(const RunManifest& m, const MapSelection& sel) {
  std::string head;
  if (sel.heads.empty())
    head = "head mean";
  else if (sel.heads.size() == 1)
    head = fmt::format("head {}", sel.heads[0]);
  else
    head = fmt::format("head mean of {}", sel.heads.size());
  return fmt::format("{}, {}, {}, {}", sel.token.label,
                     axis_text("step", sel.steps, m.capture.steps, int(m.capture.steps.size())),
                     axis_text("block", sel.blocks, m.capture.blocks, int(m.capture.blocks.size())), head);
}

std::string describe_missing(const RunManifest& m, const std::vector<SliceId>& missing) {
  std::string out;
  const size_t shown = std::min<size_t>(missing.size(), 6);
  for (size_t i = 0; i < shown; ++i) {
    const auto& s = missing[i];
    out += fmt::format("{}step {} block {}", i ? ", " : "", m.capture.steps[size_t(s.step)], m.capture.blocks[size_t(s.block)]);
  }
  if (missing.size() > shown) out += fmt::format(" and {} more", missing.size() - shown);
  return out.empty() ? "none" : out;
}

}  // namespace wanattn::render
