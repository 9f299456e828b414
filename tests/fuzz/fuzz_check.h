// Helpers shared by the fuzz targets (tests/fuzz/*_fuzzer.cc).
//
// SIGNET_FUZZ_CHECK states an invariant of a parser. A broken invariant prints where and aborts,
// so libFuzzer records the input as a crash and the ctest replay of the seed corpus fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define SIGNET_FUZZ_CHECK(condition)                                                              \
  do {                                                                                            \
    if (!(condition)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                               \
    }                                                                                             \
  } while (0)

namespace signet::fuzz {

// The fuzzer's input as the byte string signet's parsers take.
inline std::string_view AsBytes(const uint8_t* data, size_t size) {
  if (size == 0) return {};
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace signet::fuzz
