// The environment an end-to-end test gives the daemons it starts: XDG state,
// cache and config folders of its own (nothing of the user's is read or
// written) and OPENAI_BASE_URL at a fake backend, for the life of the object.
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "ScopedEnv.h"

namespace sb::e2e {

class DaemonEnvironment {
 public:
  DaemonEnvironment(const std::filesystem::path& dir, const std::string& openaiBaseUrl) {
    const std::pair<const char*, const char*> homes[] = {
        {"XDG_STATE_HOME", "state"}, {"XDG_CACHE_HOME", "cache"}, {"XDG_CONFIG_HOME", "config"}};
    for (const auto& [var, sub] : homes) {
      std::filesystem::create_directories(dir / sub);
      env_.set(var, (dir / sub).string());
    }
    env_.set("OPENAI_BASE_URL", openaiBaseUrl);
  }

 private:
  ScopedEnv env_;
};

}  // namespace sb::e2e
