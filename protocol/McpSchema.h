// Validation of tool arguments against the subset of JSON Schema that tool
// input schemas use: object with typed properties, required, enum, numeric
// bounds, array items. Returns the first problem in words a model can act on.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace sb::mcp {

std::optional<std::string> validateArguments(const nlohmann::json& schema,
                                             const nlohmann::json& value);

}  // namespace sb::mcp
