// The pipeline's side of bending during one run (inference thread): at the start of every
// step it takes the set in force — the LiveBends snapshot, or the request's schedule entry —
// rebuilds the plan when that set changed, and keeps the history the manifest records.
// Steps and passes with no bend get no StepBends at all (the unbent code path).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "model/bend_history.h"
#include "model/bend_plan.h"
#include "model/live_bends.h"

namespace wanattn {

class RunBends {
 public:
  // Checks the initial set (live) or every scheduled set against the context: throws
  // BendError before the run writes anything. Tells a live holder the run's limits.
  RunBends(const BendSchedule& schedule, std::shared_ptr<LiveBends> live, const BendContext& context);
  ~RunBends();  // the live holder forgets the limits
  RunBends(const RunBends&) = delete;
  RunBends& operator=(const RunBends&) = delete;

  // Start of step `step`: returns true when the history grew (a different set applies from
  // this step). A live set that fails the checks is skipped: `warn` says why, the previous
  // set stays.
  bool begin_step(int step, const std::function<void(const std::string&)>& warn);

  // This step's bends for a pass; nullptr when that pass runs none.
  const StepBends* cond() const { return cond_.empty() ? nullptr : &cond_; }
  const StepBends* uncond() const { return uncond_.empty() ? nullptr : &uncond_; }
  uint64_t version() const { return applied_version_; }  // 0 while nothing was ever bent
  const BendSchedule& history() const { return history_; }

 private:
  const BendSchedule& schedule_;
  std::shared_ptr<LiveBends> live_;
  BendContext context_;
  uint64_t seen_version_ = 0;     // the last version looked at (applied or refused)
  uint64_t applied_version_ = 0;  // the version the plan was built from
  BendSet applied_;
  BendPlan plan_;
  StepBends cond_, uncond_;
  BendSchedule history_;
};

}  // namespace wanattn
