// The one index-list grammar (core/index_list.h) shared by capture specs, bends and `info`.
#include "core/index_list.h"

#include <stdexcept>
#include <string>

#include "catch_compat.h"

using namespace wanattn;

namespace {
std::string error_of(const std::string& text, const std::string& where = {}) {
  try {
    parse_indices(text, where);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("index lists: ranges, strides, spaces, sorted and unique, and back to text", "[fast]") {
  CHECK(parse_indices("7, 0-3,10-20/5,2") == std::vector<int>{0, 1, 2, 3, 7, 10, 15, 20});
  CHECK(indices_text({20, 0, 1, 2, 3, 4, 10, 15}) == "0-4,10,15,20");
  CHECK(indices_text({}).empty());
  CHECK(parse_indices(indices_text(parse_indices("0-9/3,4-6"))) == parse_indices("0-9/3,4-6"));
}

TEST_CASE("index lists: each mistake named, with where it was", "[fast]") {
  CHECK(error_of("5-2", " in 'steps=5-2'") == "range 5-2 in 'steps=5-2' runs backwards");
  CHECK(error_of("1,a") == "'a' is not a non-negative integer");
  CHECK(error_of("-1") == "'' is not a non-negative integer");
  CHECK(error_of("0-9/0") == "stride 0");
  CHECK(error_of("") == "empty list");
  CHECK(error_of("0-2000000000") == "more than a million indices");
}
