#include "core/render/output_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/render/render_error.h"

namespace fs = std::filesystem;

namespace wanattn::render {
namespace {

std::atomic<int> g_fail_errno{0};
std::atomic<int64_t> g_fail_budget{0};

// The test hook: how many of `bytes` may still be written before the injected failure.
size_t allowed_bytes(size_t bytes, int& err) {
  err = g_fail_errno.load();
  if (err == 0) return bytes;
  const int64_t left = g_fail_budget.fetch_sub(int64_t(bytes));
  if (left >= int64_t(bytes)) return bytes;
  return left > 0 ? size_t(left) : 0;
}

}  // namespace

void check_output_path(const std::string& path) {
  if (path.empty()) throw RenderError(RenderErrorKind::Output, "no output file given");
  const fs::path p(path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(dir, ec))
    throw RenderError(RenderErrorKind::Output,
                      fmt::format("cannot write '{}': the directory '{}' does not exist", path, dir.string()));
  if (!fs::is_directory(dir, ec))
    throw RenderError(RenderErrorKind::Output,
                      fmt::format("cannot write '{}': '{}' is not a directory", path, dir.string()));
  if (fs::is_directory(p, ec))
    throw RenderError(RenderErrorKind::Output, fmt::format("cannot write '{}': it is a directory", path));
  if (::access(dir.c_str(), W_OK) != 0)
    throw RenderError(RenderErrorKind::Output, fmt::format("cannot write '{}': the directory '{}' is not writable ({})",
                                                           path, dir.string(), std::strerror(errno)));
}

OutputFile::OutputFile(std::string target) : target_(std::move(target)) {
  check_output_path(target_);
  temp_ = fmt::format("{}.part-{}", target_, ::getpid());
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw RenderError(RenderErrorKind::Output, fmt::format("cannot create '{}': {}", temp_, std::strerror(errno)));
}

OutputFile::~OutputFile() {
  if (!committed_) abandon();
}

std::string OutputFile::write_error(int err) const {
  if (err == ENOSPC || err == EDQUOT)
    return fmt::format("disk full while writing '{}' (the temporary file '{}' was removed; an earlier '{}' is untouched)",
                       target_, temp_, target_);
  return fmt::format("cannot write '{}' (temporary file '{}'): {}", target_, temp_, std::strerror(err));
}

void OutputFile::write(const void* data, size_t bytes) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (bytes > 0) {
    int injected = 0;
    const size_t allowed = allowed_bytes(bytes, injected);
    if (allowed == 0) throw RenderError(RenderErrorKind::Output, write_error(injected));
    const ssize_t n = ::write(fd_, p, allowed);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw RenderError(RenderErrorKind::Output, write_error(n < 0 ? errno : EIO));
    p += n;
    bytes -= size_t(n);
  }
}

int64_t OutputFile::seek(int64_t offset, int whence) {
  const off_t r = ::lseek(fd_, off_t(offset), whence);
  return r < 0 ? -int64_t(errno) : int64_t(r);
}

void OutputFile::commit() {
  if (::fsync(fd_) != 0) throw RenderError(RenderErrorKind::Output, write_error(errno));
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw RenderError(RenderErrorKind::Output, write_error(errno));
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), target_.c_str()) != 0)
    throw RenderError(RenderErrorKind::Output,
                      fmt::format("cannot move '{}' onto '{}': {}", temp_, target_, std::strerror(errno)));
  committed_ = true;
}

void OutputFile::abandon() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!committed_) ::unlink(temp_.c_str());
}

namespace testing {
void inject_output_failure(int err, int64_t bytes_before_failure) {
  g_fail_budget = bytes_before_failure;
  g_fail_errno = err;
}
}  // namespace testing

}  // namespace wanattn::render
