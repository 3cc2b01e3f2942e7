#include "core/run_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>

#include "core/half.h"
#include "core/run_files.h"
#include "core/store_error.h"

namespace fs = std::filesystem;

namespace wanattn {
namespace {

constexpr size_t kReserveBytes = 256 * 1024;  // room for a final manifest on a full disk

std::string file_in_run(const std::string& dir, const char* name) { return (fs::path(dir) / name).string(); }

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// A small file with real (not sparse) blocks: deleting it on ENOSPC frees enough space to
// record the `failed` status.
void write_reserve(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;  // best effort: without it a full disk may also lose the final status
  std::vector<char> zeros(kReserveBytes, 0);
  const ssize_t n = ::write(fd, zeros.data(), zeros.size());
  (void)n;
  ::close(fd);
}

}  // namespace

uint64_t free_disk_bytes(const std::string& path) {
  struct statvfs st {};
  fs::path p(path);
  while (!p.empty() && !fs::exists(p)) p = p.parent_path();
  if (::statvfs(p.empty() ? "." : p.c_str(), &st) != 0) return 0;
  return uint64_t(st.f_bavail) * st.f_frsize;
}

uint64_t run_store_bytes(const RunManifest& m) {
  const auto& c = m.capture;
  const uint64_t sb = c.steps.size() * c.blocks.size();
  const uint64_t maps = uint64_t(m.grid.size());
  uint64_t bytes = sb * c.heads * c.tokens * maps * 2 + sb;
  if (c.padding_mass) bytes += sb * c.heads * maps * 2;
  if (c.heads > 1) bytes += sb * c.tokens * maps * 2;
  bytes += uint64_t(c.tokens) * maps * 4;
  return bytes;
}

std::unique_ptr<RunWriter> RunWriter::create(const std::string& dir, RunManifest manifest) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw StoreError(StoreErrorKind::Io, fmt::format("cannot create run directory '{}': {}", dir, ec.message()));
  if (fs::exists(file_in_run(dir, run_files::kManifest)))
    throw StoreError(StoreErrorKind::Io, fmt::format("'{}' already holds a run (manifest.json exists); choose another directory", dir));
  const auto& c = manifest.capture;
  if (c.head_mode == "mean" && c.heads != 1)
    throw StoreError(StoreErrorKind::BadManifest, "capture.heads must be 1 when head_mode is \"mean\"");
  if (c.tokens > int(manifest.tokens.size()))
    throw StoreError(StoreErrorKind::BadManifest,
                     fmt::format("capture.tokens = {} but the manifest lists {} tokens", c.tokens, manifest.tokens.size()));

  std::unique_ptr<RunWriter> w(new RunWriter());
  w->dir_ = dir;
  w->manifest_ = std::move(manifest);
  RunManifest& m = w->manifest_;
  m.format_version = kStoreFormatVersion;
  if (m.wanattn_version.empty()) m.wanattn_version = WANATTN_VERSION;
  if (m.created.empty()) m.created = utc_now_iso8601();
  m.status = RunStatus{RunState::Running, "", int64_t(::getpid()), host_name(), utc_now_iso8601()};

  const uint64_t S = m.capture.steps.size(), B = m.capture.blocks.size();
  const uint64_t H = uint64_t(m.capture.heads), T = uint64_t(m.capture.tokens);
  const uint64_t F = uint64_t(m.grid.frames), h = uint64_t(m.grid.height), wd = uint64_t(m.grid.width);
  w->map_elems_ = size_t(F * h * wd);
  w->slice_elems_ = size_t(H * T) * w->map_elems_;
  w->progress_shadow_.assign(size_t(S * B), 0);
  w->token_sum_.assign(size_t(T) * w->map_elems_, 0.0f);

  write_reserve(file_in_run(dir, run_files::kReserve));
  // Arrays first, manifest last: a manifest on disk means every array exists at full size.
  w->attention_ = NpyWriter::create(file_in_run(dir, run_files::kAttention), DType::F16, m.attention_shape());
  w->progress_ = NpyWriter::create(file_in_run(dir, run_files::kProgress), DType::U8, {S, B});
  if (m.capture.padding_mass)
    w->padding_ = NpyWriter::create(file_in_run(dir, run_files::kPadding), DType::F16, {S, B, H, F, h, wd});
  if (H > 1) w->head_mean_ = NpyWriter::create(file_in_run(dir, run_files::kHeadMean), DType::F16, {S, B, T, F, h, wd});
  std::lock_guard lock(w->mutex_);
  w->save_manifest_locked();
  return w;
}

RunWriter::~RunWriter() {
  if (!finished_) {
    try {
      finish(RunState::Failed, "the writer was closed before the run finished");
    } catch (...) {
      // Destructors must not throw; the run stays readable with status `running`.
    }
  }
}

void RunWriter::save_manifest_locked() {
  manifest_.status.updated = utc_now_iso8601();
  save_manifest_atomic(manifest_, file_in_run(dir_, run_files::kManifest));
}

void RunWriter::release_reserve() { ::unlink(file_in_run(dir_, run_files::kReserve).c_str()); }

void RunWriter::fail_with(const std::string& message) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  release_reserve();
  manifest_.status.state = RunState::Failed;
  manifest_.status.message = message;
  try {
    save_manifest_locked();
  } catch (...) {
    // The disk is too full even for the manifest: the run reads as interrupted.
  }
}

void RunWriter::write_slice(int step, int block, const uint16_t* attention, const uint16_t* padding) {
  const int S = int(manifest_.capture.steps.size()), B = int(manifest_.capture.blocks.size());
  if (step < 0 || step >= S || block < 0 || block >= B)
    throw StoreError(StoreErrorKind::OutOfRange,
                     fmt::format("slice (step {}, block {}) is outside the store's {} steps x {} blocks", step, block, S, B));
  if (manifest_.capture.padding_mass && padding == nullptr)
    throw StoreError(StoreErrorKind::BadManifest, "this run keeps padding mass: write_slice needs the padding map");
  {
    std::lock_guard lock(mutex_);
    if (finished_) throw StoreError(StoreErrorKind::Io, fmt::format("run '{}' is already finished", dir_));
  }
  const uint64_t index = uint64_t(step) * B + block;
  const int H = manifest_.capture.heads, T = manifest_.capture.tokens;
  try {
    attention_.write(index * slice_elems_ * 2, attention, slice_elems_ * 2);
    if (padding_.valid()) padding_.write(index * H * map_elems_ * 2, padding, size_t(H) * map_elems_ * 2);

    // Sum over heads once: it gives the head mean now and the run-wide token mean later.
    thread_local std::vector<float> sum;
    const size_t tl = size_t(T) * map_elems_;
    sum.assign(tl, 0.0f);
    for (int hd = 0; hd < H; ++hd) accumulate_halves(attention + size_t(hd) * tl, sum.data(), tl);
    if (head_mean_.valid()) {
      thread_local std::vector<float> mean;
      thread_local std::vector<uint16_t> mean_half;
      mean.resize(tl);
      mean_half.resize(tl);
      const float inv = 1.0f / float(H);
      for (size_t i = 0; i < tl; ++i) mean[i] = sum[i] * inv;
      floats_to_halves(mean.data(), mean_half.data(), tl);
      head_mean_.write(index * tl * 2, mean_half.data(), tl * 2);
    }
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < tl; ++i) token_sum_[i] += sum[i];
    // The flag goes last; pwrite into the page cache is ordered after the data writes
    // above for any reader on this machine, the fence keeps the compiler from reordering.
    std::atomic_thread_fence(std::memory_order_release);
    const uint8_t one = 1;
    progress_.write(index, &one, 1);
    if (!progress_shadow_[index]) {
      progress_shadow_[index] = 1;
      written_count_.fetch_add(1);
    }
  } catch (const StoreError& e) {
    fail_with(e.what());
    throw;
  }
}

bool RunWriter::slice_written(int step, int block) const {
  std::lock_guard lock(mutex_);
  const size_t index = size_t(step) * manifest_.capture.blocks.size() + size_t(block);
  return index < progress_shadow_.size() && progress_shadow_[index] != 0;
}

void RunWriter::write_array(const std::string& name, DType dtype, const std::vector<uint64_t>& shape, const void* data) {
  try {
    write_npy_atomic(file_in_run(dir_, name.c_str()), dtype, shape, data);
  } catch (const StoreError& e) {
    fail_with(e.what());
    throw;
  }
}

void RunWriter::set_timing(const std::string& stage, double seconds) {
  std::lock_guard lock(mutex_);
  manifest_.timings[stage] = seconds;
}

void RunWriter::update_manifest(const std::function<void(RunManifest&)>& edit) {
  std::lock_guard lock(mutex_);
  edit(manifest_);
  save_manifest_locked();
}

void RunWriter::finish(RunState state, const std::string& message) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  try {
    const int n = written_count_.load();
    if (n > 0) {
      // Mean over every written slice and head: what "global mean" views show.
      const float inv = 1.0f / (float(n) * float(manifest_.capture.heads));
      std::vector<float> mean(token_sum_.size());
      for (size_t i = 0; i < mean.size(); ++i) mean[i] = token_sum_[i] * inv;
      const auto& g = manifest_.grid;
      write_npy_atomic(file_in_run(dir_, run_files::kTokenMean), DType::F32,
                       {uint64_t(manifest_.capture.tokens), uint64_t(g.frames), uint64_t(g.height), uint64_t(g.width)},
                       mean.data());
      manifest_.extra["token_mean_slices"] = n;
    }
    attention_.sync();
    if (padding_.valid()) padding_.sync();
    if (head_mean_.valid()) head_mean_.sync();
    progress_.sync();
  } catch (const StoreError& e) {
    state = RunState::Failed;
    release_reserve();
    manifest_.status.message = e.what();
    manifest_.status.state = state;
    try {
      save_manifest_locked();
    } catch (...) {
    }
    throw;
  }
  manifest_.status.state = state;
  manifest_.status.message = message;
  release_reserve();
  save_manifest_locked();
}

}  // namespace wanattn
