// Fuzzes LSP framing: the input is a byte stream from a client, decoded by
// ContentLengthDecoder (in one piece and in input-derived chunks) and handed to
// an RpcEndpoint. Invariants are in RpcHarness.h.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "RpcHarness.h"

namespace {
// Small, so oversized Content-Length headers are common in fuzzed inputs.
constexpr size_t kMaxBody = 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  sb::fuzz::fuzzStream(
      stream, [] { return std::make_unique<sb::ContentLengthDecoder>(kMaxBody); },
      [](const std::string& body) {
        SB_FUZZ_CHECK(body.size() <= kMaxBody, "a %zu-byte body over the %zu limit", body.size(),
                      kMaxBody);
      });
  return 0;
}
