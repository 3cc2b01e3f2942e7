// RunWriter: creates a run directory at full size before generation starts and fills it
// slice by slice as the model computes them. Thread-safe: write_slice may be called from
// any thread (the capture writer thread in practice); finish() from one.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/manifest.h"
#include "core/npy_file.h"

namespace wanattn {

class RunWriter {
 public:
  // Creates `dir` (it may exist but must not already hold a manifest), writes the manifest
  // with status `running`, and creates every array at full size as sparse files.
  static std::unique_ptr<RunWriter> create(const std::string& dir, RunManifest manifest);
  ~RunWriter();  // a writer destroyed before finish() marks the run failed

  const RunManifest& manifest() const { return manifest_; }
  const std::string& dir() const { return dir_; }
  size_t slice_elements() const { return slice_elems_; }  // heads * tokens * F*h*w

  // One (step, block) slice in store indices: attention [heads, tokens, F, h, w] float16
  // bits, padding [heads, F, h, w] (required when the manifest keeps padding mass).
  // Data (and aggregates) are written first, the progress flag last.
  void write_slice(int step, int block, const uint16_t* attention, const uint16_t* padding = nullptr);
  bool slice_written(int step, int block) const;
  int slices_written() const { return written_count_.load(); }

  // Small whole arrays (frames, previews, ...), written atomically under `name`.
  void write_array(const std::string& name, DType dtype, const std::vector<uint64_t>& shape, const void* data);
  void set_timing(const std::string& stage, double seconds);
  void update_manifest(const std::function<void(RunManifest&)>& edit);

  // Writes the run-wide aggregates over what was written, syncs the data to disk and
  // records the final status. Safe to call once; later calls are ignored.
  void finish(RunState state, const std::string& message = "");
  bool finished() const { return finished_; }

 private:
  RunWriter() = default;
  void save_manifest_locked();
  void release_reserve();
  void fail_with(const std::string& message);

  std::string dir_;
  RunManifest manifest_;
  NpyWriter attention_, padding_, head_mean_, progress_;
  std::vector<uint8_t> progress_shadow_;
  size_t slice_elems_ = 0, map_elems_ = 0;
  std::vector<float> token_sum_;  // sum over written slices and heads: [tokens, F*h*w]
  std::atomic<int> written_count_{0};
  mutable std::mutex mutex_;  // manifest, token_sum_, progress_shadow_
  bool finished_ = false;
};

// Free bytes on the file system holding `path` (for "will it fit" messages).
uint64_t free_disk_bytes(const std::string& path);
// Bytes a run with this manifest takes once complete.
uint64_t run_store_bytes(const RunManifest& m);

}  // namespace wanattn
