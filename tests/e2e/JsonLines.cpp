#include "JsonLines.h"

namespace sb::e2e {

std::optional<nlohmann::json> waitForResponse(
    FdStream& io, const nlohmann::json& id, Millis timeout,
    const std::function<void(const nlohmann::json&)>& other) {
  std::optional<nlohmann::json> found;
  io.waitUntil(
      [&] {
        std::string& in = io.inbox();
        for (size_t nl; !found && (nl = in.find('\n')) != std::string::npos;) {
          nlohmann::json m = nlohmann::json::parse(in.substr(0, nl));
          in.erase(0, nl + 1);
          if (m.contains("id") && m["id"] == id && !m.contains("method"))
            found = std::move(m);
          else if (other)
            other(m);
        }
        return found.has_value();
      },
      timeout);
  return found;
}

}  // namespace sb::e2e
