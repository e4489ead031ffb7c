// Fuzzes agents/ResponseDecoder with each provider's wire format: the first
// byte picks the format (OpenAI chat and completions, llama.cpp infill,
// Anthropic messages, Ollama generate and chat) and streamed or whole; the
// rest is a response body as a backend might send it. The decoder is fed the
// body in one piece, in input-derived chunks and byte by byte, and must give
// the same text deltas, final state and error each time. Also: a streamed
// response's deltas add up to its text, an error (BadResponse, or Http when the
// provider reports one in the stream) has a message, settleToolArguments accepts
// whatever the stream left, and a small body limit is enforced on whole responses.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "Chunker.h"
#include "FuzzCheck.h"
#include "agents/ResponseDecoder.h"

namespace {

using namespace sb::agents;

struct Outcome {
  std::vector<std::string> deltas;
  StreamState state;
  WireError error;
};

Outcome decode(const WireFormat& wire, bool stream, std::string_view body, int mode, size_t limit) {
  ResponseDecoder decoder(wire, stream, limit);
  Outcome out;
  auto onDelta = [&](std::string_view d) { out.deltas.emplace_back(d); };
  sb::fuzz::Chunker chunker(body);
  for (size_t i = 0; i < body.size() && !out.error;) {
    size_t n = mode == 0 ? body.size() : mode == 1 ? chunker.nextSize() : 1;
    n = std::min(n, body.size() - i);
    out.error = decoder.feed(body.substr(i, n), onDelta);
    i += n;
  }
  if (!out.error) out.error = decoder.finish(onDelta);
  out.state = decoder.state();
  if (out.error) {
    // A failed decoder stays failed with the same error.
    WireError again = decoder.feed("data: {}\n\n", onDelta);
    SB_FUZZ_CHECK(again && again->message == out.error->message, "a failed decoder recovered");
  }
  return out;
}

std::string describe(const Outcome& o) {
  std::string s = "text=" + std::to_string(o.state.text.size()) +
                  "B deltas=" + std::to_string(o.deltas.size()) + " finish='" +
                  o.state.finishReason + "' tools=" + std::to_string(o.state.toolCalls.size()) +
                  " done=" + std::to_string(o.state.done);
  if (o.error) s += " error='" + o.error->message + "'";
  return s;
}

void checkSame(const Outcome& a, const Outcome& b, const char* what) {
  bool same = a.error.has_value() == b.error.has_value() &&
              (!a.error || a.error->message == b.error->message) && a.state.text == b.state.text &&
              a.state.finishReason == b.state.finishReason &&
              a.state.promptTokens == b.state.promptTokens &&
              a.state.completionTokens == b.state.completionTokens &&
              a.state.done == b.state.done && a.state.toolCalls.size() == b.state.toolCalls.size();
  for (size_t i = 0; same && i < a.state.toolCalls.size(); ++i)
    same = a.state.toolCalls[i].id == b.state.toolCalls[i].id &&
           a.state.toolCalls[i].name == b.state.toolCalls[i].name &&
           a.state.toolCalls[i].arguments == b.state.toolCalls[i].arguments;
  std::string ja, jb;
  for (const auto& d : a.deltas) ja += d;
  for (const auto& d : b.deltas) jb += d;
  same = same && ja == jb;
  SB_FUZZ_CHECK(same, "%s:\n  %s\n  %s", what, describe(a).c_str(), describe(b).c_str());
}

const WireFormat& wireAt(unsigned i) {
  switch (i % 6) {
    case 0:
      return openAiChatWire();
    case 1:
      return openAiCompletionsWire();
    case 2:
      return llamaCppInfillWire();
    case 3:
      return anthropicMessagesWire();
    case 4:
      return ollamaGenerateWire();
    default:
      return ollamaChatWire();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const WireFormat& wire = wireAt(data[0] & 0x7f);
  const bool stream = (data[0] & 0x80) == 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr size_t kBig = 1 << 20;

  const Outcome whole = decode(wire, stream, body, 0, kBig);
  checkSame(whole, decode(wire, stream, body, 1, kBig), "one piece vs chunked");
  checkSame(whole, decode(wire, stream, body, 2, kBig), "one piece vs byte by byte");

  if (whole.error) {
    // BadResponse, or Http for an error the provider reported in the stream.
    SB_FUZZ_CHECK(whole.error->kind == LlmError::Kind::BadResponse ||
                      whole.error->kind == LlmError::Kind::Http,
                  "error kind %s", toString(whole.error->kind));
    SB_FUZZ_CHECK(!whole.error->message.empty(), "an error without a message");
  }
  if (stream && !whole.error) {
    std::string joined;
    for (const auto& d : whole.deltas) joined += d;
    SB_FUZZ_CHECK(joined == whole.state.text,
                  "deltas (%zu bytes) do not add up to the text (%zu bytes)", joined.size(),
                  whole.state.text.size());
  }
  // What the router does with the calls next must not throw on any leftovers.
  std::vector<ToolCall> calls = whole.state.toolCalls;
  settleToolArguments(calls);
  for (const auto& c : calls) SB_FUZZ_CHECK(!c.id.empty(), "a settled tool call without an id");

  if (!stream) {
    const size_t limit = body.size() / 2;
    const Outcome limited = decode(wire, stream, body, 1, limit);
    if (body.size() > limit)
      SB_FUZZ_CHECK(limited.error && limited.error->message == "response body too large",
                    "a %zu-byte body passed a %zu-byte limit", body.size(), limit);
  }
  return 0;
}
