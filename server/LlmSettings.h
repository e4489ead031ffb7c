// Turns the user's settings (agents/Config.h) into what the engine runs
// with: the router over the configured backends and the completion options.
#pragma once

#include "Engine.h"
#include "agents/Config.h"

namespace sb {

// Builds a router when backends are configured (none: offline) and maps the
// completion settings. The response cache lives under $XDG_CACHE_HOME unless
// the settings name a path.
void applySettings(const agents::Settings& settings, EngineOptions& options);

}  // namespace sb
