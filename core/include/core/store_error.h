// Typed errors of the run store. Every message names the file and what is wrong with it.
#pragma once
#include <stdexcept>
#include <string>

namespace wanattn {

enum class StoreErrorKind {
  MissingFile,      // a file the run needs is not there
  BadHeader,        // a .npy header that is not a valid NumPy v1/v2/v3 header
  BadManifest,      // manifest.json missing fields, wrong types, invalid JSON
  ShapeMismatch,    // an array whose dtype or shape disagrees with the manifest
  Truncated,        // a file shorter than its header says
  UnknownVersion,   // a store format version this build does not read
  Io,               // an operating-system error (open, write, mmap, disk full)
  OutOfRange,       // a step/block/head/token index outside the store
};

const char* to_string(StoreErrorKind kind);

class StoreError : public std::runtime_error {
 public:
  StoreError(StoreErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  StoreErrorKind kind() const { return kind_; }

 private:
  StoreErrorKind kind_;
};

// Throws StoreError(Io) with "<what> '<path>': <strerror(errno)>".
[[noreturn]] void throw_io_error(const std::string& what, const std::string& path, int err);

}  // namespace wanattn
