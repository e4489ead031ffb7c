// `switchboard complete FILE:LINE:COL [--show-context]`: one completion from
// the command line (1-based line and column, columns in characters).
#pragma once

#include <string>

#include "Engine.h"

namespace sb {

int runCompleteCommand(const std::string& location, bool showContext, Engine& engine);

}  // namespace sb
