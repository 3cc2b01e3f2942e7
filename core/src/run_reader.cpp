#include "core/run_reader.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "core/half.h"
#include "core/run_files.h"
#include "core/store_error.h"

namespace fs = std::filesystem;

namespace wanattn {
namespace {

std::string file_in(const std::string& dir, const char* name) { return (fs::path(dir) / name).string(); }

void expect_array(const MappedNpy& a, DType dtype, const std::vector<uint64_t>& shape) {
  const auto& h = a.header();
  if (h.dtype != dtype || h.shape != shape)
    throw StoreError(StoreErrorKind::ShapeMismatch,
                     fmt::format("'{}' holds {} {}, but the manifest says {} {}", a.path(), dtype_name(h.dtype),
                                 shape_to_string(h.shape), dtype_name(dtype), shape_to_string(shape)));
}

std::optional<MappedNpy> open_optional(const std::string& path) {
  if (!fs::exists(path)) return std::nullopt;
  return MappedNpy::open(path);
}

}  // namespace

const char* to_string(RunHealth h) {
  switch (h) {
    case RunHealth::Running: return "running";
    case RunHealth::Interrupted: return "interrupted (partial)";
    case RunHealth::Complete: return "complete";
    case RunHealth::Cancelled: return "cancelled";
    case RunHealth::Failed: return "failed";
  }
  return "?";
}

RunReader RunReader::open(const std::string& dir) {
  if (!fs::is_directory(dir))
    throw StoreError(StoreErrorKind::MissingFile, fmt::format("'{}' is not a run directory (no such directory)", dir));
  RunReader r;
  r.dir_ = dir;
  r.manifest_ = load_manifest(file_in(dir, run_files::kManifest));
  const auto& m = r.manifest_;
  const uint64_t S = m.capture.steps.size(), B = m.capture.blocks.size();
  const uint64_t H = uint64_t(m.capture.heads), T = uint64_t(m.capture.tokens);
  const uint64_t F = uint64_t(m.grid.frames), h = uint64_t(m.grid.height), w = uint64_t(m.grid.width);

  r.attention_ = MappedNpy::open(file_in(dir, run_files::kAttention));
  expect_array(r.attention_, DType::F16, m.attention_shape());
  r.progress_ = MappedNpy::open(file_in(dir, run_files::kProgress));
  expect_array(r.progress_, DType::U8, {S, B});
  if (m.capture.padding_mass) {
    r.padding_ = MappedNpy::open(file_in(dir, run_files::kPadding));
    expect_array(r.padding_, DType::F16, {S, B, H, F, h, w});
  }
  if (auto hm = open_optional(file_in(dir, run_files::kHeadMean))) {
    expect_array(*hm, DType::F16, {S, B, T, F, h, w});
    r.head_mean_ = std::move(*hm);
  }
  if (auto tm = open_optional(file_in(dir, run_files::kTokenMean))) {
    expect_array(*tm, DType::F32, {T, F, h, w});
    r.token_mean_ = std::move(*tm);
  }
  return r;
}

void RunReader::refresh() {
  RunManifest fresh = load_manifest(file_in(dir_, run_files::kManifest));
  if (fresh.attention_shape() != manifest_.attention_shape())
    throw StoreError(StoreErrorKind::ShapeMismatch, fmt::format("the manifest of '{}' changed its shape while open", dir_));
  manifest_ = std::move(fresh);
  if (!token_mean_.valid())
    if (auto tm = open_optional(file_in(dir_, run_files::kTokenMean))) {
      const auto& g = manifest_.grid;
      expect_array(*tm, DType::F32, {uint64_t(tokens()), uint64_t(g.frames), uint64_t(g.height), uint64_t(g.width)});
      token_mean_ = std::move(*tm);
    }
}

RunHealth RunReader::health() const {
  switch (manifest_.status.state) {
    case RunState::Complete: return RunHealth::Complete;
    case RunState::Cancelled: return RunHealth::Cancelled;
    case RunState::Failed: return RunHealth::Failed;
    case RunState::Running: break;
  }
  // A writer on another machine cannot be checked; trust its status.
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  if (manifest_.status.writer_host != host || manifest_.status.writer_pid <= 0) return RunHealth::Running;
  const bool alive = ::kill(pid_t(manifest_.status.writer_pid), 0) == 0 || errno == EPERM;
  return alive ? RunHealth::Running : RunHealth::Interrupted;
}

bool RunReader::ready(int step, int block) const {
  if (step < 0 || step >= steps() || block < 0 || block >= blocks()) return false;
  // The writer sets the flag after the data; acquire pairs with its release fence.
  const uint8_t flag = __atomic_load_n(progress_.as<uint8_t>() + size_t(step) * blocks() + block, __ATOMIC_ACQUIRE);
  return flag != 0;
}

int RunReader::ready_count() const {
  int n = 0;
  for (int s = 0; s < steps(); ++s)
    for (int b = 0; b < blocks(); ++b) n += ready(s, b) ? 1 : 0;
  return n;
}

void RunReader::check_indices(int step, int block, int head, int token) const {
  if (step < 0 || step >= steps() || block < 0 || block >= blocks() || head < 0 || head >= heads() || token < 0 ||
      token >= tokens())
    throw StoreError(StoreErrorKind::OutOfRange,
                     fmt::format("(step {}, block {}, head {}, token {}) is outside '{}' ({} steps, {} blocks, {} heads, "
                                 "{} tokens)",
                                 step, block, head, token, dir_, steps(), blocks(), heads(), tokens()));
}

MapView RunReader::map(int step, int block, int head, int token) const {
  check_indices(step, block, head, token);
  const auto& g = grid();
  const size_t L = size_t(g.size());
  const size_t index = ((size_t(step) * blocks() + block) * heads() + head) * tokens() + token;
  return {attention_.as<uint16_t>() + index * L, g.frames, g.height, g.width};
}

MapView RunReader::padding(int step, int block, int head) const {
  check_indices(step, block, head, 0);
  if (!padding_.valid())
    throw StoreError(StoreErrorKind::MissingFile, fmt::format("run '{}' did not keep the padding mass", dir_));
  const auto& g = grid();
  const size_t index = (size_t(step) * blocks() + block) * heads() + head;
  return {padding_.as<uint16_t>() + index * size_t(g.size()), g.frames, g.height, g.width};
}

MapView RunReader::head_mean(int step, int block, int token) const {
  if (!head_mean_.valid()) return map(step, block, 0, token);  // one head stored: it is the mean
  check_indices(step, block, 0, token);
  const auto& g = grid();
  const size_t index = (size_t(step) * blocks() + block) * tokens() + token;
  return {head_mean_.as<uint16_t>() + index * size_t(g.size()), g.frames, g.height, g.width};
}

std::vector<float> RunReader::token_mean(int token) const {
  if (token < 0 || token >= tokens())
    throw StoreError(StoreErrorKind::OutOfRange, fmt::format("token {} is outside '{}' ({} tokens)", token, dir_, tokens()));
  const size_t L = size_t(grid().size());
  std::vector<float> out(L, 0.0f);
  if (token_mean_.valid()) {
    const float* src = token_mean_.as<float>() + size_t(token) * L;
    std::copy(src, src + L, out.begin());
    return out;
  }
  int n = 0;
  for (int s = 0; s < steps(); ++s)
    for (int b = 0; b < blocks(); ++b) {
      if (!ready(s, b)) continue;
      for (int hd = 0; hd < heads(); ++hd) accumulate_halves(map(s, b, hd, token).data, out.data(), L);
      n += heads();
    }
  if (n > 0)
    for (float& v : out) v /= float(n);
  return out;
}

std::optional<MappedNpy> RunReader::open_array(const char* name) const { return open_optional(file_in(dir_, name)); }

}  // namespace wanattn
