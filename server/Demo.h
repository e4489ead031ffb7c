// `switchboard demo`: the daemon on a private Unix socket and a short scripted
// LSP session against one of this project's own sources, printed as it goes.
#pragma once

#include <string>

namespace sb {

struct LspOptions;
class Workers;

int runDemo(const std::string& file, Workers& workers, const LspOptions& options);

}  // namespace sb
