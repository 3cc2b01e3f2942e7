#include "core/store_error.h"

#include <cstring>

namespace wanattn {

const char* to_string(StoreErrorKind kind) {
  switch (kind) {
    case StoreErrorKind::MissingFile: return "missing file";
    case StoreErrorKind::BadHeader: return "bad .npy header";
    case StoreErrorKind::BadManifest: return "bad manifest";
    case StoreErrorKind::ShapeMismatch: return "shape mismatch";
    case StoreErrorKind::Truncated: return "truncated file";
    case StoreErrorKind::UnknownVersion: return "unknown format version";
    case StoreErrorKind::Io: return "I/O error";
    case StoreErrorKind::OutOfRange: return "out of range";
  }
  return "store error";
}

void throw_io_error(const std::string& what, const std::string& path, int err) {
  throw StoreError(StoreErrorKind::Io, what + " '" + path + "': " + std::strerror(err));
}

}  // namespace wanattn
