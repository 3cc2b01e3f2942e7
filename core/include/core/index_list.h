// Index lists as people type them: "0-9,20,30-40/5" (ranges, strides; spaces ignored) — the
// one grammar of capture specs (`steps=…`), bends (`"blocks": "0-9"`) and what `wanattn info`
// prints back. Parsed sorted and unique.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace wanattn {

// Throws std::invalid_argument naming the bad piece ("range 5-2 runs backwards", "'a' is not
// a non-negative integer", "stride 0", "empty list", "more than a million indices"), with
// `where` (e.g. " in 'steps=5-2'") placed right after the piece it names.
std::vector<int> parse_indices(std::string_view text, std::string_view where = {});

// Back to text, sorted, runs as ranges: {0,1,2,3,4,10} -> "0-4,10"; "" for none.
std::string indices_text(std::vector<int> indices);

}  // namespace wanattn
