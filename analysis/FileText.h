// Reading a whole file into memory: one open, one fstat, one exactly-sized
// buffer and as few reads as the kernel allows (the index build, search_code
// and read_file all sit on this).
#pragma once

#include <optional>
#include <string>

namespace sb {

// The file's bytes, or nullopt if it cannot be opened or read. A file that
// grows while being read is read up to its size at open; one that shrinks,
// up to its end.
std::optional<std::string> readFileText(const std::string& path);

}  // namespace sb
