// A bend that cannot be used: malformed JSON, a value out of range, an operation its target
// does not take, an index the model or the prompt does not have. `field` is the path of the
// value at fault ("bends[2].op.sigma"), for a UI to point at; the message names it too.
#pragma once
#include <stdexcept>
#include <string>

namespace wanattn {

class BendError : public std::invalid_argument {
 public:
  BendError(std::string field, const std::string& message)
      : std::invalid_argument(field.empty() ? message : field + ": " + message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }
  // The same error with "where: " in front of the message (a file name).
  BendError in(const std::string& where) const { return BendError(Whole{}, field_, where + ": " + what()); }

 private:
  struct Whole {};
  BendError(Whole, std::string field, const std::string& whole) : std::invalid_argument(whole), field_(std::move(field)) {}
  std::string field_;
};

}  // namespace wanattn
