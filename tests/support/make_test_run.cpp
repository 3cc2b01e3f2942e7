// Writes a synthetic run directory (tests/support/synthetic_run.h) for the Python checks.
#include <cstdio>
#include <exception>

#include "support/synthetic_run.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: wanattn_make_test_run DIR\n");
    return 2;
  }
  try {
    wanattn::test::write_synthetic_run(argv[1], wanattn::test::SyntheticSpec{});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wanattn_make_test_run: %s\n", e.what());
    return 1;
  }
  return 0;
}
