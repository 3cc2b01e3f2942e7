// Errors of the render/export layer. Like StoreError, every message names what is at fault
// and where (the run, the token, the step/block, the output file).
#pragma once
#include <stdexcept>
#include <string>

namespace wanattn::render {

enum class RenderErrorKind {
  BadSelection,  // unknown token, index out of range, an option that does not apply
  MissingData,   // the slices (or frames, previews) a view needs are not in the run
  Output,        // the output file cannot be created or written (permissions, disk full)
  Encode,        // FFmpeg refused a codec, a frame or the container
  Cancelled,     // the progress callback asked to stop; nothing was written
};

const char* to_string(RenderErrorKind kind);

class RenderError : public std::runtime_error {
 public:
  RenderError(RenderErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  RenderErrorKind kind() const { return kind_; }

 private:
  RenderErrorKind kind_;
};

}  // namespace wanattn::render
