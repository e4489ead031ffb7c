// `switchboard config check [DIR]`: which configuration files were read, the
// effective settings (API keys never shown: only whether their variable is
// set), and whether each backend answers a cheap request.
#pragma once

#include <iosfwd>
#include <string>

#include "agents/BackendConfig.h"

namespace sb {

// Exit code: 0 when every backend answered (or none is configured), 1 when
// one did not, 2 when a configuration file is invalid.
int runConfigCheck(const std::string& workspaceDir, std::ostream& out,
                   const agents::GetEnv& getenv);

}  // namespace sb
