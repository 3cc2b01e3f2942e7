// Errors about checkpoints and model folders: missing, unexpected or mis-shaped keys,
// corrupt or truncated files. Messages name the file and the tensor.
#pragma once
#include <stdexcept>
#include <string>

namespace wanattn {

class WeightError : public std::runtime_error {
 public:
  explicit WeightError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace wanattn
