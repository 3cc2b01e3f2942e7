#include "model/live_bends.h"

namespace wanattn {

LiveBends::LiveBends(BendSet initial) {
  validate_bend_set(initial);
  set_ = std::make_shared<const BendSet>(std::move(initial));
}

uint64_t LiveBends::set(BendSet bends) {
  // Checked outside the lock against the limits as they are now (they change only between
  // runs); a set that fails leaves the current one in place.
  if (const auto l = limits())
    check_bend_set(bends, *l);
  else
    validate_bend_set(bends);
  auto next = std::make_shared<const BendSet>(std::move(bends));
  std::lock_guard<std::mutex> lock(mutex_);
  set_ = std::move(next);
  return ++version_;
}

LiveBends::Snapshot LiveBends::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {set_, version_};
}

uint64_t LiveBends::version() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return version_;
}

void LiveBends::set_limits(const BendLimits& limits) {
  std::lock_guard<std::mutex> lock(mutex_);
  limits_ = limits;
}

void LiveBends::clear_limits() {
  std::lock_guard<std::mutex> lock(mutex_);
  limits_.reset();
}

std::optional<BendLimits> LiveBends::limits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return limits_;
}

}  // namespace wanattn
