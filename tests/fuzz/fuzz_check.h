// Invariant checks for the libFuzzer targets: a violated invariant aborts, which libFuzzer
// reports as a crash and saves the input.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

// Every StoreError message names the file it is about.
inline bool names_file(const char* message, const std::string& where) {
  return std::string(message).find(where) != std::string::npos;
}
