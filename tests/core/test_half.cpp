#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "catch_compat.h"
#include "core/half.h"

using namespace wanattn;

TEST_CASE("float16 conversion is exact for every half value", "[fast]") {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const float f = half_to_float(uint16_t(h));
    if (std::isnan(f)) {
      REQUIRE(std::isnan(half_to_float(float_to_half(f))));
      continue;
    }
    REQUIRE(float_to_half(f) == uint16_t(h));
  }
}

TEST_CASE("float16 conversion rounds to nearest even like numpy", "[fast]") {
  CHECK(half_to_float(float_to_half(1.0f)) == 1.0f);
  CHECK(float_to_half(65504.0f) == 0x7bff);
  CHECK(float_to_half(65520.0f) == 0x7c00);  // rounds up to inf
  CHECK(float_to_half(1e-8f) == 0);          // below half of the smallest subnormal
  CHECK(float_to_half(5.9604645e-8f) == 1);  // smallest subnormal
  CHECK(float_to_half(-0.0f) == 0x8000);
  CHECK(float_to_half(std::numeric_limits<float>::infinity()) == 0x7c00);
  // 1 + 2^-11 is halfway between 1 and the next half: ties to even (1.0).
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);
  CHECK(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3c02);
}

TEST_CASE("bulk conversions agree with the scalar ones", "[fast]") {
  std::vector<float> src(1003);
  for (size_t i = 0; i < src.size(); ++i) src[i] = std::sin(float(i)) * float(i) * 0.37f;
  std::vector<uint16_t> h(src.size());
  floats_to_halves(src.data(), h.data(), src.size());
  std::vector<float> back(src.size());
  halves_to_floats(h.data(), back.data(), h.size());
  std::vector<float> acc(src.size(), 1.0f);
  accumulate_halves(h.data(), acc.data(), h.size());
  for (size_t i = 0; i < src.size(); ++i) {
    REQUIRE(h[i] == float_to_half(src[i]));
    REQUIRE(back[i] == half_to_float(h[i]));
    REQUIRE(acc[i] == 1.0f + back[i]);
  }
}
