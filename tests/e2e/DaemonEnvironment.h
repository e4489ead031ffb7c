// The environment an end-to-end test gives the daemons it starts: XDG state,
// cache and config folders of its own (nothing of the user's is read or
// written) and OPENAI_BASE_URL at a fake backend, for the life of the object.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <utility>

namespace sb::e2e {

class DaemonEnvironment {
 public:
  DaemonEnvironment(const std::filesystem::path& dir, const std::string& openaiBaseUrl) {
    for (const auto& [var, sub] : kHomes) {
      std::filesystem::create_directories(dir / sub);
      ::setenv(var, (dir / sub).c_str(), 1);
    }
    ::setenv("OPENAI_BASE_URL", openaiBaseUrl.c_str(), 1);
  }
  ~DaemonEnvironment() {
    for (const auto& [var, sub] : kHomes) ::unsetenv(var);
    ::unsetenv("OPENAI_BASE_URL");
  }
  DaemonEnvironment(const DaemonEnvironment&) = delete;
  DaemonEnvironment& operator=(const DaemonEnvironment&) = delete;

 private:
  static constexpr std::pair<const char*, const char*> kHomes[] = {
      {"XDG_STATE_HOME", "state"}, {"XDG_CACHE_HOME", "cache"}, {"XDG_CONFIG_HOME", "config"}};
};

}  // namespace sb::e2e
