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

// A regular file's bytes, read only if it is at most `maxBytes` long: one
// open, one fstat. Never blocks on a FIFO or device, and refuses a symbolic
// link as the last component (callers pass resolved paths; a link there now
// was swapped in since).
struct RegularFileText {
  enum class Problem { None, CannotOpen, NotRegular, TooLarge, ReadFailed };
  std::string text;
  Problem problem = Problem::None;
};
RegularFileText readRegularFile(const std::string& path, size_t maxBytes);
// The same for a descriptor already open (not closed here): one fstat.
RegularFileText readRegularFile(int fd, size_t maxBytes);

}  // namespace sb
