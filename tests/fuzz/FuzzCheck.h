#pragma once
// A check that holds in every build type: a fuzz target's invariants must
// abort (which libFuzzer and the replay driver report as a crash) however
// the library was compiled.

#include <cstdio>
#include <cstdlib>

#define SB_FUZZ_CHECK(cond, ...)                                                           \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n  ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                                   \
      std::fputc('\n', stderr);                                                            \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)
