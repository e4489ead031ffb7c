// MCP protocol revisions: the one place that knows which are spoken, so a new
// revision (e.g. the stateless 2026-07-28 one) is added here.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace sb::mcp {

inline constexpr std::array<std::string_view, 3> kSupportedVersions = {"2025-11-25", "2025-06-18",
                                                                       "2025-03-26"};
inline constexpr std::string_view kLatestVersion = kSupportedVersions.front();

// The revision to answer a client asking for `requested`: the same one when
// supported, else our latest (the client then decides whether to go on).
inline std::string negotiateVersion(std::string_view requested) {
  for (auto v : kSupportedVersions)
    if (v == requested) return std::string(v);
  return std::string(kLatestVersion);
}

inline bool isSupported(std::string_view version) {
  for (auto v : kSupportedVersions)
    if (v == version) return true;
  return false;
}

// JSON-RPC batches exist only in 2025-03-26.
inline bool allowsBatches(std::string_view version) {
  return version == "2025-03-26";
}

// SSE priming events (an event id with empty data, so the client can resume
// a stream that has sent nothing yet) came with 2025-11-25; earlier clients
// may treat an event without data as a malformed message.
inline bool allowsPrimingEvents(std::string_view version) {
  return !version.empty() && version >= std::string_view("2025-11-25");
}

}  // namespace sb::mcp
