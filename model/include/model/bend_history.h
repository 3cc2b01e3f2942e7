// Which bend set applied from which step: the run manifest's "bends" (docs/store-format.md,
// docs/bending.md) and the schedule a re-run replays. An entry holds from its step until the
// next entry's; before the first entry nothing was bent. Plain values, any thread.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

#include "model/bend.h"

namespace wanattn {

struct BendChange {
  int from_step = 0;      // the first sampler step that ran with `set`
  uint64_t version = 0;   // LiveBends version (or the schedule entry, from 1)
  BendSet set;
  bool operator==(const BendChange&) const = default;
};
using BendSchedule = std::vector<BendChange>;  // ascending from_step

// A fixed set for the whole run.
BendSchedule constant_bends(BendSet set);
// The entry in force at `step` (nullptr before the first).
const BendChange* bends_at(const BendSchedule& schedule, int step);

// [{"from_step": 0, "version": 1, "bends": [...]}, ...]
nlohmann::json bend_history_to_json(const BendSchedule& history);
// Throws BendError naming the field ("manifest bends[1].bends[0].op.factor").
BendSchedule bend_history_from_json(const nlohmann::json& j);

}  // namespace wanattn
