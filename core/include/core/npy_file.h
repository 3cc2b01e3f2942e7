// .npy files on disk: a read-only memory map for readers, a sparse pre-sized file
// written with pwrite for the writer.
//
// Why pwrite and not stores into a writable mmap: on a full disk a store into a sparse
// mapping kills the process with SIGBUS, while pwrite returns ENOSPC, which we can turn
// into a clear error and a `failed` status with everything earlier still readable.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/npy_header.h"

namespace wanattn {

// Read-only, zero-copy view of a whole .npy file (MAP_SHARED: data another process
// writes later becomes visible without re-mapping, since the file never changes size).
class MappedNpy {
 public:
  MappedNpy() = default;
  static MappedNpy open(const std::string& path);
  ~MappedNpy();
  MappedNpy(MappedNpy&& o) noexcept;
  MappedNpy& operator=(MappedNpy&& o) noexcept;
  MappedNpy(const MappedNpy&) = delete;
  MappedNpy& operator=(const MappedNpy&) = delete;

  bool valid() const { return base_ != nullptr; }
  const NpyHeader& header() const { return header_; }
  const std::string& path() const { return path_; }
  const uint8_t* data() const { return base_ + header_.data_offset; }
  template <class T> const T* as() const { return reinterpret_cast<const T*>(data()); }

 private:
  std::string path_;
  NpyHeader header_;
  const uint8_t* base_ = nullptr;
  size_t map_len_ = 0;
};

// A .npy file created at its full size (a sparse file: no zero-filling), then filled
// region by region from any thread (pwrite at distinct offsets needs no lock).
class NpyWriter {
 public:
  NpyWriter() = default;
  static NpyWriter create(const std::string& path, DType dtype, const std::vector<uint64_t>& shape);
  ~NpyWriter();
  NpyWriter(NpyWriter&& o) noexcept;
  NpyWriter& operator=(NpyWriter&& o) noexcept;
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;

  bool valid() const { return fd_ >= 0; }
  const NpyHeader& header() const { return header_; }
  const std::string& path() const { return path_; }
  // Writes `bytes` at `byte_offset` from the start of the data; retries short writes and
  // EINTR; throws StoreError(Io) naming the file on ENOSPC, EFBIG, EIO, ...
  void write(uint64_t byte_offset, const void* data, size_t bytes);
  void sync();  // fdatasync: durability against power loss, used at the end of a run
  void close();

 private:
  std::string path_;
  NpyHeader header_;
  int fd_ = -1;
};

// Writes a whole small array at once (via a temporary file and rename).
void write_npy_atomic(const std::string& path, DType dtype, const std::vector<uint64_t>& shape, const void* data);

namespace testing {
// Test hook: after `writes_before_failure` more successful NpyWriter::write calls, the
// next one fails with errno `err` (e.g. ENOSPC). Pass err = 0 to disarm.
void inject_write_failure(int err, int writes_before_failure);
}  // namespace testing

}  // namespace wanattn
