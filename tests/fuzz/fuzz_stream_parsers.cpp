// Fuzzes the LLM response stream parsers in agents/: SseParser (Server-Sent
// Events) and NdjsonParser (newline-delimited JSON). The first byte picks the
// parser, the rest is the stream. Each parser is fed the stream in one piece
// and in input-derived chunks (down to one byte) and compared with a naive,
// whole-buffer reference of the same rules, so a bug in carrying a line (or a
// CR LF pair) across chunk boundaries shows up as a difference. With a small
// event/line limit fed a byte at a time, nothing over the limit comes out.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "Chunker.h"
#include "FuzzCheck.h"
#include "agents/NdjsonParser.h"
#include "agents/SseParser.h"

namespace {

using sb::agents::NdjsonParser;
using sb::agents::SseEvent;
using sb::agents::SseParser;

constexpr size_t kBig = 1 << 20;  // larger than any input: no limit is hit
constexpr size_t kSmall = 64;

struct SseRun {
  std::vector<SseEvent> events;
  bool ok = true;
};

template <class Feed>
void feedChunks(std::string_view data, bool chunked, size_t fixed, Feed feed) {
  sb::fuzz::Chunker chunker(data);
  for (size_t i = 0; i < data.size();) {
    size_t n = fixed ? fixed : chunked ? chunker.nextSize() : data.size();
    n = std::min(n, data.size() - i);
    if (!feed(data.substr(i, n))) return;
    i += n;
  }
}

SseRun runSse(std::string_view data, size_t limit, bool chunked, size_t fixed = 0) {
  SseParser parser(limit);
  SseRun run;
  feedChunks(data, chunked, fixed, [&](std::string_view piece) {
    run.ok = parser.feed(piece, [&](const SseEvent& e) { run.events.push_back(e); });
    return run.ok;
  });
  return run;
}

// The same rules over the whole buffer: lines end at CR LF, LF or CR; only
// terminated lines count; a blank line dispatches when a data field was seen.
std::vector<SseEvent> referenceSse(std::string_view data) {
  std::vector<SseEvent> out;
  SseEvent cur;
  bool haveData = false;
  size_t start = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '\r' && data[i] != '\n') continue;
    std::string_view line = data.substr(start, i - start);
    if (data[i] == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
    start = i + 1;
    if (line.empty()) {
      if (haveData) {
        if (cur.event.empty()) cur.event = "message";
        out.push_back(cur);
      }
      cur = {};
      haveData = false;
      continue;
    }
    if (line[0] == ':') continue;
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    if (field == "event") {
      cur.event = std::string(value);
    } else if (field == "data") {
      if (haveData) cur.data += '\n';
      cur.data += value;
      haveData = true;
    }
  }
  return out;
}

void checkSameEvents(const std::vector<SseEvent>& a, const std::vector<SseEvent>& b,
                     const char* what) {
  SB_FUZZ_CHECK(a.size() == b.size(), "%s: %zu events vs %zu", what, a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SB_FUZZ_CHECK(a[i].event == b[i].event, "%s: event %zu named '%s' vs '%s'", what, i,
                  a[i].event.c_str(), b[i].event.c_str());
    SB_FUZZ_CHECK(a[i].data == b[i].data, "%s: event %zu data differs (%zu vs %zu bytes)", what, i,
                  a[i].data.size(), b[i].data.size());
  }
}

void fuzzSse(std::string_view data) {
  const std::vector<SseEvent> expected = referenceSse(data);
  const SseRun whole = runSse(data, kBig, false);
  SB_FUZZ_CHECK(whole.ok, "a stream under the limit failed");
  checkSameEvents(expected, whole.events, "one piece vs reference");
  const SseRun chunked = runSse(data, kBig, true);
  SB_FUZZ_CHECK(chunked.ok, "a chunked stream under the limit failed");
  checkSameEvents(expected, chunked.events, "chunked vs reference");
  const SseRun bytes = runSse(data, kBig, false, 1);
  checkSameEvents(expected, bytes.events, "byte by byte vs reference");

  // A small limit, checked after every byte: no event over it gets out, and
  // what does get out is a prefix of the unlimited run.
  const SseRun limited = runSse(data, kSmall, false, 1);
  SB_FUZZ_CHECK(limited.events.size() <= expected.size(), "the limited run made more events");
  for (size_t i = 0; i < limited.events.size(); ++i) {
    SB_FUZZ_CHECK(limited.events[i].data.size() <= kSmall, "a %zu-byte event passed the %zu limit",
                  limited.events[i].data.size(), kSmall);
    SB_FUZZ_CHECK(limited.events[i].data == expected[i].data, "the limited run's event %zu differs",
                  i);
  }
  if (limited.ok) checkSameEvents(expected, limited.events, "limited (not hit) vs reference");
}

struct NdjsonRun {
  std::vector<std::string> values;  // dumped
  std::optional<std::string> error;
};

NdjsonRun runNdjson(std::string_view data, size_t limit, bool chunked, size_t fixed = 0) {
  NdjsonParser parser(limit);
  NdjsonRun run;
  auto onValue = [&](nlohmann::json&& v) { run.values.push_back(v.dump()); };
  feedChunks(data, chunked, fixed, [&](std::string_view piece) {
    run.error = parser.feed(piece, onValue);
    return !run.error;
  });
  if (!run.error) run.error = parser.finish(onValue);
  // A spent parser keeps answering with its error.
  if (run.error) {
    auto again = parser.feed("{}\n", onValue);
    SB_FUZZ_CHECK(again && *again == *run.error, "a failed NDJSON parser accepted more input");
  }
  return run;
}

NdjsonRun referenceNdjson(std::string_view data) {
  NdjsonRun out;
  size_t start = 0;
  while (start <= data.size()) {
    size_t nl = data.find('\n', start);
    std::string_view line =
        data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? data.size() + 1 : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto v = nlohmann::json::parse(line, nullptr, false);
    if (v.is_discarded()) {
      out.error = "malformed";
      return out;
    }
    out.values.push_back(v.dump());
  }
  return out;
}

void checkSameValues(const NdjsonRun& a, const NdjsonRun& b, const char* what) {
  SB_FUZZ_CHECK(a.error.has_value() == b.error.has_value(), "%s: error vs none", what);
  SB_FUZZ_CHECK(a.values == b.values, "%s: %zu values vs %zu, or their contents differ", what,
                a.values.size(), b.values.size());
}

void fuzzNdjson(std::string_view data) {
  const NdjsonRun expected = referenceNdjson(data);
  const NdjsonRun whole = runNdjson(data, kBig, false);
  checkSameValues(expected, whole, "one piece vs reference");
  if (whole.error)
    SB_FUZZ_CHECK(whole.error->rfind("malformed JSON in stream: ", 0) == 0, "error text: %s",
                  whole.error->c_str());
  checkSameValues(expected, runNdjson(data, kBig, true), "chunked vs reference");
  checkSameValues(expected, runNdjson(data, kBig, false, 1), "byte by byte vs reference");

  const NdjsonRun limited = runNdjson(data, kSmall, false, 1);
  SB_FUZZ_CHECK(limited.values.size() <= expected.values.size(),
                "the limited run made more values");
  for (size_t i = 0; i < limited.values.size(); ++i)
    SB_FUZZ_CHECK(limited.values[i] == expected.values[i], "the limited run's value %zu differs",
                  i);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1)
    fuzzNdjson(stream);
  else
    fuzzSse(stream);
  return 0;
}
