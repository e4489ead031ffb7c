// Fuzzes newline-delimited JSON framing (MCP stdio, pipe mode): the input is a
// byte stream decoded by LineDecoder (in one piece and in input-derived chunks)
// and handed to an RpcEndpoint. Invariants are in RpcHarness.h.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "RpcHarness.h"

namespace {
// Small, so over-long lines are common in fuzzed inputs.
constexpr size_t kMaxLine = 1024;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  sb::fuzz::fuzzStream(
      stream, [] { return std::make_unique<sb::LineDecoder>(kMaxLine); },
      [](const std::string& line) {
        SB_FUZZ_CHECK(line.size() <= kMaxLine, "a %zu-byte line over the %zu limit", line.size(),
                      kMaxLine);
        SB_FUZZ_CHECK(line.find('\n') == std::string::npos, "a line holding a newline");
        SB_FUZZ_CHECK(line.find_first_not_of(" \t") != std::string::npos,
                      "a blank line was emitted");
      });
  return 0;
}
