// Newline-delimited JSON-RPC over a child's stdio (MCP's stdio transport and
// the pipe): waiting for the answer to one request.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

#include "ChildProcess.h"

namespace sb::e2e {

// Pumps `io` until the response to request `id` arrives (a line with that id
// and no method) and returns it; every other line read on the way is handed
// to `other` (notifications, requests from the server) and dropped. nullopt
// on timeout or end of stream.
std::optional<nlohmann::json> waitForResponse(
    FdStream& io, const nlohmann::json& id, Millis timeout,
    const std::function<void(const nlohmann::json&)>& other = nullptr);

}  // namespace sb::e2e
