// --capture text -> what a run captures (core/capture_spec.h).
#include "core/capture_spec.h"

#include <stdexcept>

#include "catch_compat.h"

using namespace wanattn;

namespace {
std::string error_of(const std::string& text) {
  try {
    parse_capture_spec(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("capture spec: all, none and key=value parts", "[fast]") {
  const CaptureSpec all = parse_capture_spec("all");
  CHECK(all.enabled);
  CHECK(!all.steps);
  CHECK(all.per_head);
  const CaptureSelection sel = resolve_capture(all, 25, 30, 12, 31);
  CHECK(sel.steps.size() == 25);
  CHECK(sel.blocks.size() == 30);
  CHECK(sel.heads == 12);
  CHECK(sel.model_heads == 12);
  CHECK(sel.tokens == 31);
  CHECK(sel.head_mode == "per_head");

  CHECK(resolve_capture(parse_capture_spec("none"), 25, 30, 12, 31).steps.empty());

  const CaptureSpec s = parse_capture_spec("steps=20-24,0,3 blocks=0-29/10 heads=mean padding=no");
  CHECK(*s.steps == std::vector<int>{0, 3, 20, 21, 22, 23, 24});
  CHECK(*s.blocks == std::vector<int>{0, 10, 20});
  const CaptureSelection m = resolve_capture(s, 25, 30, 12, 31);
  CHECK(m.heads == 1);
  CHECK(m.head_mode == "mean");
  CHECK(!m.padding_mass);
  CHECK(parse_capture_spec(to_string(s)).steps == s.steps);
  CHECK(to_string(parse_capture_spec("all")) == "steps=all blocks=all heads=per-head padding=yes");
}

TEST_CASE("capture spec: mistakes are named", "[fast]") {
  CHECK(error_of("") == "capture: empty (use all, none, or key=value parts)");
  CHECK(error_of("steps") .find("'steps' is not key=value") != std::string::npos);
  CHECK(error_of("layers=1").find("unknown key 'layers'") != std::string::npos);
  CHECK(error_of("steps=5-2").find("range 5-2 in 'steps=5-2' runs backwards") != std::string::npos);
  CHECK(error_of("steps=a").find("'a' in 'steps=a' is not a non-negative integer") != std::string::npos);
  CHECK(error_of("steps=-1").find("is not a non-negative integer") != std::string::npos);
  CHECK(error_of("blocks=0-9/0").find("stride 0") != std::string::npos);
  CHECK(error_of("heads=some").find("heads=per-head or heads=mean") != std::string::npos);
  CHECK(error_of("padding=maybe").find("wants yes or no") != std::string::npos);
  CHECK_THROWS_WITH(resolve_capture(parse_capture_spec("steps=25"), 25, 30, 12, 5),
                    "capture: step 25 does not exist (there are 25: 0-24)");
}
