// Removes secrets (API keys) from text before it reaches a log line or an
// error message: curl errors, response bodies and echoed requests can all
// carry them.
#pragma once

#include <string>
#include <vector>

namespace sb::agents {

std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace sb::agents
