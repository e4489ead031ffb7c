#include "LlmSettings.h"

#include <cstdlib>
#include <filesystem>

#include <spdlog/spdlog.h>

namespace sb {

void applySettings(const agents::Settings& settings, EngineOptions& options) {
  const agents::CompletionSettings& c = settings.completion;
  options.completion.enabled = c.enabled;
  options.completion.debounce = std::chrono::milliseconds(c.debounceMs);
  options.completion.budgets = {
      static_cast<size_t>(c.prefixTokens), static_cast<size_t>(c.suffixTokens),
      static_cast<size_t>(c.contextTokens), static_cast<size_t>(c.repoMapTokens)};
  options.completion.fim.fimTemplate = c.fimTemplate;
  options.completion.fim.maxTokens = c.maxTokens;
  options.completion.fim.temperature = c.temperature;
  options.completion.chatBackends.clear();
  if (!settings.chatBackend.empty()) {
    options.completion.chatBackends.push_back(settings.chatBackend);
    for (const auto& b : settings.backends)
      if (b.name != settings.chatBackend) options.completion.chatBackends.push_back(b.name);
  }
  options.llm.reset();
  if (settings.backends.empty()) return;
  agents::CacheOptions cache = settings.cache;
  if (cache.path.empty()) {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    std::filesystem::path base = xdg && *xdg
                                     ? std::filesystem::path(xdg)
                                     : std::filesystem::path(home ? home : "/tmp") / ".cache";
    std::error_code ec;
    std::filesystem::create_directories(base / "switchboard", ec);
    cache.path = (base / "switchboard" / "llm-cache.sqlite").string();
  }
  try {
    options.llm = std::make_shared<agents::LlmRouter>(settings.backends, cache);
  } catch (const std::exception& e) {
    spdlog::error("LLM backends not usable: {}", e.what());
  }
}

}  // namespace sb
