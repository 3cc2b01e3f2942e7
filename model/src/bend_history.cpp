#include "model/bend_history.h"

#include <fmt/format.h>

#include "model/bend_error.h"
#include "model/bend_json.h"

namespace wanattn {

BendSchedule constant_bends(BendSet set) {
  if (set.bends.empty()) return {};
  return {BendChange{0, 1, std::move(set)}};
}

const BendChange* bends_at(const BendSchedule& schedule, int step) {
  const BendChange* at = nullptr;
  for (const auto& c : schedule)
    if (c.from_step <= step) at = &c;
  return at;
}

nlohmann::json bend_history_to_json(const BendSchedule& history) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : history)
    out.push_back({{"from_step", c.from_step}, {"version", c.version}, {"bends", bend_set_to_json(c.set)["bends"]}});
  return out;
}

BendSchedule bend_history_from_json(const nlohmann::json& j) {
  const std::string root = "manifest bends";
  if (!j.is_array()) throw BendError(root, fmt::format("must be a list of {{from_step, version, bends}}, not {}", j.dump()));
  BendSchedule out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string path = fmt::format("{}[{}]", root, i);
    const auto& e = j[i];
    if (!e.is_object() || !e.contains("from_step") || !e.contains("bends"))
      throw BendError(path, "must be an object with from_step and bends");
    for (const auto& [k, v] : e.items())
      if (k != "from_step" && k != "version" && k != "bends") throw BendError(path + "." + k, "unknown key (known here: from_step, version, bends)");
    BendChange c;
    if (!e["from_step"].is_number_integer() || e["from_step"].get<int64_t>() < 0 || e["from_step"].get<int64_t>() > 100000)
      throw BendError(path + ".from_step", fmt::format("{} is not a step index", e["from_step"].dump()));
    c.from_step = e["from_step"].get<int>();
    if (!out.empty() && c.from_step <= out.back().from_step)
      throw BendError(path + ".from_step", fmt::format("{} does not come after the previous entry's {}", c.from_step, out.back().from_step));
    if (e.contains("version")) {
      if (!e["version"].is_number_unsigned()) throw BendError(path + ".version", fmt::format("{} is not a version number", e["version"].dump()));
      c.version = e["version"].get<uint64_t>();
    }
    const auto& bends = e["bends"];
    if (!bends.is_array()) throw BendError(path + ".bends", "must be a list of bends");
    for (size_t b = 0; b < bends.size(); ++b) c.set.bends.push_back(bend_from_json(bends[b], fmt::format("{}.bends[{}]", path, b)));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace wanattn
