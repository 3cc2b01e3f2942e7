// RunReader: opens a run directory in constant time (memory maps, no reads of map data)
// and gives zero-copy views of any slice, also while a writer (this process or another)
// is still filling it. Used from the UI thread and export jobs; const methods are
// thread-safe.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/manifest.h"
#include "core/npy_file.h"

namespace wanattn {

// A read-only view of float16 maps (raw bits) in the store's memory map.
struct MapView {
  const uint16_t* data = nullptr;
  int frames = 0, height = 0, width = 0;
  size_t size() const { return size_t(frames) * height * width; }
};

enum class RunHealth {
  Running,      // a live writer is filling it
  Interrupted,  // status says running, but its writer process is gone: partial run
  Complete,
  Cancelled,
  Failed,
};
const char* to_string(RunHealth h);

class RunReader {
 public:
  static RunReader open(const std::string& dir);

  const std::string& dir() const { return dir_; }
  const RunManifest& manifest() const { return manifest_; }
  int steps() const { return int(manifest_.capture.steps.size()); }
  int blocks() const { return int(manifest_.capture.blocks.size()); }
  int heads() const { return manifest_.capture.heads; }
  int tokens() const { return manifest_.capture.tokens; }
  const LatentGrid& grid() const { return manifest_.grid; }

  // Re-reads manifest.json (status, timings) without re-mapping the arrays.
  void refresh();
  RunHealth health() const;

  bool ready(int step, int block) const;  // the slice's progress flag is set
  int ready_count() const;

  // Zero-copy map of one head and token of a written slice (throws OutOfRange).
  MapView map(int step, int block, int head, int token) const;
  MapView padding(int step, int block, int head) const;  // requires has_padding()
  bool has_padding() const { return padding_.valid(); }
  // Head mean of one token: zero-copy from head_mean.npy when stored (heads > 1), else
  // the single stored head.
  MapView head_mean(int step, int block, int token) const;

  // Mean over every step, block and head of one token, as float [F*h*w]: from
  // token_mean.npy when present, else computed over the ready slices.
  std::vector<float> token_mean(int token) const;
  bool has_stored_token_mean() const { return token_mean_.valid(); }

  std::optional<MappedNpy> open_array(const char* name) const;  // frames.npy etc., if present

 private:
  void check_indices(int step, int block, int head, int token) const;

  std::string dir_;
  RunManifest manifest_;
  MappedNpy attention_, progress_, padding_, head_mean_, token_mean_;
};

}  // namespace wanattn
