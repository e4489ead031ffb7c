#include "RootDir.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace sb {

RootDir::RootDir(std::string canonicalRoot)
    : root_(std::move(canonicalRoot)),
      dir_(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {}

std::string plainRelativePath(std::string_view root, std::string_view path) {
  if (!path.empty() && path.front() == '/') {
    if (path.size() <= root.size() + 1 || path.substr(0, root.size()) != root ||
        path[root.size()] != '/')
      return {};
    path.remove_prefix(root.size() + 1);
  }
  // Every component non-empty and not "." or "..": no lexical trickery, and
  // no trailing slash (a file is asked for, not a directory).
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string_view::npos)
      return {};
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::string(path);
}

RootDir::Opened RootDir::open(std::string_view path) const {
  Opened out;
  if (!dir_ || noOpenat2_.load(std::memory_order_relaxed)) return out;
  out.rel = plainRelativePath(root_, path);
  if (out.rel.empty()) return out;
#ifdef SYS_openat2
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  long fd = -1;
  // EAGAIN: a rename raced the walk; the kernel asks for a retry, a few times at most.
  for (int attempt = 0; attempt < 3; ++attempt) {
    fd = ::syscall(SYS_openat2, dir_.get(), out.rel.c_str(), &how, sizeof how);
    if (fd >= 0 || (errno != EINTR && errno != EAGAIN)) break;
  }
  if (fd >= 0) {
    out.fd.reset(static_cast<int>(fd));
  } else if (errno == ENOSYS || errno == EPERM) {
    noOpenat2_.store(true, std::memory_order_relaxed);
  }
#else
  noOpenat2_.store(true, std::memory_order_relaxed);
#endif
  return out;
}

}  // namespace sb
