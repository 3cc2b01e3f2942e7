// Lets the tests build against Catch2 2.13 (Debian 12) and Catch2 3.x (the GPU machine).
#pragma once
#if __has_include(<catch2/catch_test_macros.hpp>)
#define WANATTN_CATCH3 1
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#else
#define WANATTN_CATCH3 0
#include <catch2/catch.hpp>
#endif

// Skip the current test with a reason. Catch2 3 reports it as skipped (CTest sees the
// skip return code); Catch2 2 has no skip, so the test notes why and passes vacuously.
#if WANATTN_CATCH3
#define WANATTN_SKIP(reason) SKIP(reason)
#else
#define WANATTN_SKIP(reason) \
  do {                       \
    WARN(reason);            \
    return;                  \
  } while (0)
#endif

#if WANATTN_CATCH3
using Catch::Approx;
using Catch::Matchers::ContainsSubstring;
#else
using Catch::Detail::Approx;
#define ContainsSubstring Catch::Matchers::Contains
#endif
