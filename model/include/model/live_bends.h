// The bend set of a run that is generating, changed from any thread (the studio's UI thread)
// and read by the inference thread once at the start of every step. A snapshot is an
// immutable set with a version number: the step that takes it runs on it throughout, so a
// change lands from the next step on, whole, never halfway through a forward.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "model/bend.h"
#include "model/bend_check.h"

namespace wanattn {

class LiveBends {
 public:
  struct Snapshot {
    std::shared_ptr<const BendSet> set;  // never null
    uint64_t version = 0;                // 1 for the initial set, +1 per set()
  };

  explicit LiveBends(BendSet initial = {});

  // Any thread. Throws BendError (and keeps the current set) when the set is malformed or,
  // once a run has said what its model and prompt allow (set_limits), out of its range.
  // Returns the new version.
  uint64_t set(BendSet bends);
  Snapshot snapshot() const;  // any thread; cheap (a shared pointer copy under a mutex)
  uint64_t version() const;

  // The running pipeline's limits (blocks, heads, tokens, FFN width, steps), for set() to
  // check against; cleared with clear_limits() when the run ends.
  void set_limits(const BendLimits& limits);
  void clear_limits();
  std::optional<BendLimits> limits() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const BendSet> set_;
  uint64_t version_ = 1;
  std::optional<BendLimits> limits_;
};

}  // namespace wanattn
