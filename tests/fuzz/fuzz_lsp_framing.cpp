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

// KNOWN BUG, open: with both a bare "\n\n" and a later "\r\n\r\n" in its
// buffer, ContentLengthDecoder ends the header block at the "\r\n\r\n", so a
// message framed with "\n\n" is decoded or swallowed depending on how the
// stream was cut (regression input: corpus/fuzz_lsp_framing/
// regression_bare_lf_then_crlf.lsp). Until server/Framing.cpp takes the earlier
// separator, such streams skip the chunking comparison; then set this to true
// (and delete it).
constexpr bool kBareLfSeparatorFixed = false;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  sb::fuzz::fuzzStream(
      stream, [] { return std::make_unique<sb::ContentLengthDecoder>(kMaxBody); },
      [](const std::string& body) {
        SB_FUZZ_CHECK(body.size() <= kMaxBody, "a %zu-byte body over the %zu limit", body.size(), kMaxBody);
      },
      kBareLfSeparatorFixed || stream.find("\n\n") == std::string_view::npos ||
          stream.find("\r\n\r\n") == std::string_view::npos);
  return 0;
}
