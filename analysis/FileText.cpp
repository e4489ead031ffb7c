#include "FileText.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "UniqueFd.h"

namespace sb {
namespace {

// Reads to the end or up to `expected` bytes (0: size unknown, read in chunks).
std::optional<std::string> readAll(int fd, size_t expected) {
  // Files whose size stat does not know (procfs, pipes) are read in chunks.
  std::string text(expected > 0 ? expected : 64 * 1024, '\0');
  size_t got = 0;
  for (;;) {
    if (got == text.size()) {
      if (expected > 0) break;  // the size at open: done
      text.resize(text.size() * 2);
    }
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace

std::optional<std::string> readFileText(const std::string& path) {
  UniqueFd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!f) return std::nullopt;
  struct stat st {};
  if (::fstat(f.get(), &st) != 0 || S_ISDIR(st.st_mode)) return std::nullopt;
  return readAll(f.get(), st.st_size > 0 ? static_cast<size_t>(st.st_size) : 0);
}

RegularFileText readRegularFile(const std::string& path, size_t maxBytes) {
  UniqueFd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW));
  if (!f) {
    RegularFileText out;
    out.problem = errno == ELOOP ? RegularFileText::Problem::NotRegular
                                 : RegularFileText::Problem::CannotOpen;
    return out;
  }
  return readRegularFile(f.get(), maxBytes);
}

RegularFileText readRegularFile(int fd, size_t maxBytes) {
  using P = RegularFileText::Problem;
  RegularFileText out;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    out.problem = P::CannotOpen;
  } else if (!S_ISREG(st.st_mode)) {
    out.problem = P::NotRegular;
  } else if (static_cast<uint64_t>(st.st_size) > maxBytes) {
    out.problem = P::TooLarge;
  } else if (auto text = readAll(fd, static_cast<size_t>(st.st_size))) {
    // A regular file of size 0 may still have bytes (procfs is not regular,
    // but some FUSE files are): read what is there, up to the cap.
    out.text = std::move(*text);
    if (st.st_size == 0 && out.text.size() > maxBytes) out.problem = P::TooLarge;
  } else {
    out.problem = P::ReadFailed;
  }
  return out;
}

}  // namespace sb
