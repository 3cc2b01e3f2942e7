// Bends as JSON (docs/bending.md has the schema and examples). Strict both ways: unknown
// keys, wrong types, unknown names and out-of-range values are refused with a BendError
// naming the field path ("bends[1].where.region.rect[2]") and the value; what to_json
// writes reads back equal. Index lists are arrays of integers or range text "0-9,20,30-40/5".
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "model/bend.h"

namespace wanattn {

nlohmann::json bend_to_json(const Bend& bend);
// {"format": "wanattn-bends", "version": 1, "bends": [...]}
nlohmann::json bend_set_to_json(const BendSet& set);

// `path` names the value in messages ("bends[0]").
Bend bend_from_json(const nlohmann::json& j, const std::string& path = "bend");
// An object with "bends" (and optionally "format": "wanattn-bends", "version": 1).
BendSet bend_set_from_json(const nlohmann::json& j);
// `where` (a file name) prefixes parse errors.
BendSet parse_bend_set(std::string_view text, const std::string& where);
BendSet load_bend_set(const std::string& path);

// "0-9,20,30-40/5" -> sorted unique indices; throws BendError naming `field`.
std::vector<int> parse_index_list(const std::string& text, const std::string& field);
// Indices back to range text ("0-9,20"); "all" for nothing.
std::string index_list_text(const std::optional<std::vector<int>>& list);

// One line for a person: "label: scale(factor=2) cross_attention tokens 3 | blocks 0-9 |
// steps all | heads all | strength 1 | post_softmax | cond".
std::string bend_summary(const Bend& bend);

}  // namespace wanattn
