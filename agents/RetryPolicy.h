// When to retry a failed attempt and how long to wait first.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "agents/BackendConfig.h"

namespace sb::agents {

// 429 and 5xx are worth another try; other statuses are the request's fault.
bool isRetryableStatus(int status);

// Exponential backoff: base * 2^(attempt-1), capped at max, then scaled by a
// jitter factor in [0.5, 1) from unitRandom in [0, 1) so that clients that
// failed together do not retry together. attempt counts from 1.
Millis backoffDelay(int attempt, Millis base, Millis max, double unitRandom);

// Retry-After as delta-seconds ("120") or an HTTP date; nullopt if neither.
std::optional<Millis> parseRetryAfter(std::string_view value,
                                      std::chrono::system_clock::time_point now);

}  // namespace sb::agents
