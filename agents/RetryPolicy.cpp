#include "agents/RetryPolicy.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace sb::agents {

bool isRetryableStatus(int status) {
  return status == 429 || (status >= 500 && status <= 599);
}

Millis backoffDelay(int attempt, Millis base, Millis max, double unitRandom) {
  double exp = static_cast<double>(base.count());
  for (int i = 1; i < attempt && exp < static_cast<double>(max.count()); ++i) exp *= 2;
  exp = std::min(exp, static_cast<double>(max.count()));
  double jitter = 0.5 + 0.5 * std::clamp(unitRandom, 0.0, 1.0);
  return Millis(static_cast<long long>(exp * jitter));
}

std::optional<Millis> parseRetryAfter(std::string_view value,
                                      std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size())
    return seconds < 0 ? std::nullopt : std::optional<Millis>(std::chrono::seconds(seconds));
  time_t when = curl_getdate(std::string(value).c_str(), nullptr);  // RFC 1123 and the older forms
  if (when == -1) return std::nullopt;
  auto delta = std::chrono::system_clock::from_time_t(when) - now;
  return std::max(Millis(0), std::chrono::duration_cast<Millis>(delta));
}

}  // namespace sb::agents
