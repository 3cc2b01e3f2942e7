// An export's output file, written so that nothing already on disk is lost: the data goes
// to a temporary file next to the target ("<name>.part-<pid>"), which replaces the target
// only when complete (fsync, then rename). A failure or a cancel removes the temporary file
// and leaves an earlier file of the same name as it was. Used by one export job at a time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace wanattn::render {

class OutputFile {
 public:
  // Throws RenderError(Output) naming the path when the directory is missing, not a
  // directory, or not writable.
  explicit OutputFile(std::string target);
  ~OutputFile();  // removes the temporary file unless commit() succeeded
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& target() const { return target_; }
  const std::string& temp_path() const { return temp_; }
  int fd() const { return fd_; }

  // Writes all bytes at the current position; throws RenderError(Output) naming the
  // target and saying "disk full" on ENOSPC.
  void write(const void* data, size_t bytes);
  // For writers that seek (the MP4 muxer): returns the new offset or -errno.
  int64_t seek(int64_t offset, int whence);
  void commit();  // fsync + rename onto the target; then the temporary file is gone
  void abandon(); // remove the temporary file now

  // The message for errno `err` while writing this file ("disk full while writing ...").
  std::string write_error(int err) const;

 private:
  std::string target_, temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// Checks that `path` can be created (its directory exists and is writable) before a long
// render starts; throws RenderError(Output) naming what is wrong.
void check_output_path(const std::string& path);

namespace testing {
// Test hook: after `bytes_before_failure` more bytes written through OutputFile, writes
// fail with errno `err` (ENOSPC simulates a full disk). err = 0 disarms.
void inject_output_failure(int err, int64_t bytes_before_failure);
}  // namespace testing

}  // namespace wanattn::render
