// SHA-256 as lowercase hex: a stable, collision-resistant cache key for a
// request (std::hash is neither stable across builds nor wide enough).
#pragma once

#include <string>
#include <string_view>

namespace sb::agents {

std::string sha256Hex(std::string_view data);

}  // namespace sb::agents
