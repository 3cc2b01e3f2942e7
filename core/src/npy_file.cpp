#include "core/npy_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "core/store_error.h"

namespace wanattn {
namespace {

std::atomic<int> g_fail_errno{0};
std::atomic<int> g_fail_countdown{0};

// Returns the errno to simulate for this write, or 0.
int take_injected_failure() {
  if (g_fail_errno.load() == 0) return 0;
  if (g_fail_countdown.fetch_sub(1) > 0) return 0;
  return g_fail_errno.load();
}

void write_all(int fd, const void* data, size_t bytes, uint64_t offset, const std::string& path) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (bytes > 0) {
    const size_t chunk = bytes < (size_t(1) << 30) ? bytes : (size_t(1) << 30);
    const ssize_t n = ::pwrite(fd, p, chunk, off_t(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      if (err == ENOSPC) throw StoreError(StoreErrorKind::Io, fmt::format("disk full while writing '{}' at byte {}", path, offset));
      throw_io_error("cannot write", path, err);
    }
    if (n == 0) throw StoreError(StoreErrorKind::Io, fmt::format("write to '{}' made no progress at byte {}", path, offset));
    p += n;
    bytes -= size_t(n);
    offset += uint64_t(n);
  }
}

}  // namespace

namespace testing {
void inject_write_failure(int err, int writes_before_failure) {
  g_fail_countdown.store(writes_before_failure);
  g_fail_errno.store(err);
}
}  // namespace testing

// ---------------------------------------------------------------- MappedNpy

MappedNpy MappedNpy::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) throw StoreError(StoreErrorKind::MissingFile, fmt::format("missing file '{}'", path));
    throw_io_error("cannot open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw_io_error("cannot stat", path, err);
  }
  const auto size = size_t(st.st_size);
  if (size == 0) {
    ::close(fd);
    throw StoreError(StoreErrorKind::BadHeader, fmt::format("'{}' is empty, not a .npy file", path));
  }
  void* m = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  const int map_err = errno;
  ::close(fd);  // the mapping keeps the file alive
  if (m == MAP_FAILED) throw_io_error("cannot map", path, map_err);

  MappedNpy out;
  out.path_ = path;
  out.base_ = static_cast<const uint8_t*>(m);
  out.map_len_ = size;
  out.header_ = parse_npy_header(reinterpret_cast<const char*>(out.base_), size, path);
  const uint64_t need = out.header_.data_offset + out.header_.data_bytes();
  if (size < need)
    throw StoreError(StoreErrorKind::Truncated,
                     fmt::format("'{}' is truncated: {} bytes, but its header ({} {}) needs {}", path, size,
                                 dtype_name(out.header_.dtype), shape_to_string(out.header_.shape), need));
  return out;
}

MappedNpy::~MappedNpy() {
  if (base_) ::munmap(const_cast<uint8_t*>(base_), map_len_);
}

MappedNpy::MappedNpy(MappedNpy&& o) noexcept { *this = std::move(o); }

MappedNpy& MappedNpy::operator=(MappedNpy&& o) noexcept {
  if (this != &o) {
    if (base_) ::munmap(const_cast<uint8_t*>(base_), map_len_);
    path_ = std::move(o.path_);
    header_ = std::move(o.header_);
    base_ = std::exchange(o.base_, nullptr);
    map_len_ = std::exchange(o.map_len_, 0);
  }
  return *this;
}

// ---------------------------------------------------------------- NpyWriter

NpyWriter NpyWriter::create(const std::string& path, DType dtype, const std::vector<uint64_t>& shape) {
  const std::string header = format_npy_header(dtype, shape);
  NpyWriter w;
  w.path_ = path;
  w.header_ = parse_npy_header(header.data(), header.size(), path);
  w.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w.fd_ < 0) throw_io_error("cannot create", path, errno);
  write_all(w.fd_, header.data(), header.size(), 0, path);
  // Full size now, as a hole: readers can map it at once; nothing is zero-filled.
  if (::ftruncate(w.fd_, off_t(header.size() + w.header_.data_bytes())) != 0) {
    const int err = errno;
    if (err == EFBIG || err == ENOSPC)
      throw StoreError(StoreErrorKind::Io, fmt::format("cannot size '{}' to {} bytes: {}", path,
                                                       header.size() + w.header_.data_bytes(), std::strerror(err)));
    throw_io_error("cannot size", path, err);
  }
  return w;
}

NpyWriter::~NpyWriter() { close(); }

NpyWriter::NpyWriter(NpyWriter&& o) noexcept { *this = std::move(o); }

NpyWriter& NpyWriter::operator=(NpyWriter&& o) noexcept {
  if (this != &o) {
    close();
    path_ = std::move(o.path_);
    header_ = std::move(o.header_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

void NpyWriter::write(uint64_t byte_offset, const void* data, size_t bytes) {
  if (byte_offset + bytes > header_.data_bytes())
    throw StoreError(StoreErrorKind::OutOfRange,
                     fmt::format("write of {} bytes at {} is past the end of '{}' ({} data bytes)", bytes, byte_offset,
                                 path_, header_.data_bytes()));
  if (const int err = take_injected_failure()) {
    if (err == ENOSPC)
      throw StoreError(StoreErrorKind::Io, fmt::format("disk full while writing '{}' at byte {}", path_,
                                                       header_.data_offset + byte_offset));
    throw_io_error("cannot write", path_, err);
  }
  write_all(fd_, data, bytes, header_.data_offset + byte_offset, path_);
}

void NpyWriter::sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0) throw_io_error("cannot sync", path_, errno);
}

void NpyWriter::close() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

void write_npy_atomic(const std::string& path, DType dtype, const std::vector<uint64_t>& shape, const void* data) {
  const std::string tmp = path + ".tmp";
  {
    NpyWriter w = NpyWriter::create(tmp, dtype, shape);
    if (w.header().data_bytes() > 0) w.write(0, data, w.header().data_bytes());
    w.sync();
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw StoreError(StoreErrorKind::Io, fmt::format("cannot rename '{}' to '{}': {}", tmp, path, ec.message()));
}

}  // namespace wanattn
