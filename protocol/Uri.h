// file:// URIs and filesystem paths (RFC 8089, with LSP's percent-encoding).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sb {

// "file:///a%20b/c.cpp" -> "/a b/c.cpp"; nullopt for other schemes or
// malformed escapes.
std::optional<std::string> fileUriToPath(std::string_view uri);
// "/a b/c.cpp" -> "file:///a%20b/c.cpp" (absolute paths only).
std::string pathToFileUri(std::string_view absolutePath);

}  // namespace sb
