#include "model/run_bends.h"

#include <fmt/format.h>

#include "model/bend_error.h"

namespace wanattn {

RunBends::RunBends(const BendSchedule& schedule, std::shared_ptr<LiveBends> live, const BendContext& context)
    : schedule_(schedule), live_(std::move(live)), context_(context) {
  const BendLimits limits = limits_of(context);
  if (live_) {
    check_bend_set(*live_->snapshot().set, limits);
    live_->set_limits(limits);
  } else {
    for (size_t i = 0; i < schedule_.size(); ++i) {
      try {
        check_bend_set(schedule_[i].set, limits);
      } catch (const BendError& e) {
        throw schedule_.size() > 1 ? e.in(fmt::format("bend set from step {}", schedule_[i].from_step)) : e;
      }
      if (i > 0 && schedule_[i].from_step <= schedule_[i - 1].from_step)
        throw BendError("bends", fmt::format("the schedule's steps must ascend ({} after {})", schedule_[i].from_step,
                                             schedule_[i - 1].from_step));
    }
  }
}

RunBends::~RunBends() {
  if (live_) live_->clear_limits();
}

bool RunBends::begin_step(int step, const std::function<void(const std::string&)>& warn) {
  std::shared_ptr<const BendSet> set;
  uint64_t version = 0;
  if (live_) {
    const LiveBends::Snapshot snap = live_->snapshot();
    set = snap.set;
    version = snap.version;
  } else if (const BendChange* c = bends_at(schedule_, step)) {
    set = std::shared_ptr<const BendSet>(std::shared_ptr<const BendSet>{}, &c->set);  // no ownership: the request outlives the run
    version = c->version != 0 ? c->version : uint64_t(c - schedule_.data()) + 1;
  }
  bool grew = false;
  if (set && version != seen_version_) {
    seen_version_ = version;
    try {
      BendPlan plan(*set, context_);
      plan_ = std::move(plan);
      applied_version_ = version;
      if (*set != applied_) {  // the same bends again (a slider let go where it was) change nothing
        applied_ = *set;
        history_.push_back({step, version, applied_});
        grew = true;
      }
    } catch (const BendError& e) {
      if (warn) warn(fmt::format("bends version {} not applied from step {} (the previous set stays): {}", version, step, e.what()));
    }
  }
  cond_ = plan_.for_step(step, true);
  uncond_ = plan_.for_step(step, false);
  return grew;
}

}  // namespace wanattn
