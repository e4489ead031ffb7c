// `switchboard config check [DIR]`: which configuration files were read, the
// effective settings (API keys never shown: only whether their variable is
// set), and whether each backend answers a cheap request.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "agents/BackendConfig.h"

namespace sb {

// Exit code: 0 when every backend answered (or none is configured), 1 when
// one did not, 2 when a configuration file is invalid.
int runConfigCheck(const std::string& workspaceDir, std::ostream& out,
                   const agents::GetEnv& getenv);

// Whether each backend answers a cheap request (model list, else a one-token
// chat), all at once; each verdict is one line, with API keys redacted.
struct ProbeVerdict {
  bool ok = false;
  std::string text;
};
std::vector<ProbeVerdict> probeBackends(const std::vector<agents::BackendConfig>& backends,
                                        const agents::GetEnv& getenv);

}  // namespace sb
