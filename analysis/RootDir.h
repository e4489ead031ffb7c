// A workspace root held open, to open a file beneath it in one system call
// (openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): the fast path of
// read_file. Resolving a path with realpath costs a readlink per component
// before the open; here the kernel walks the path once and refuses anything
// that would leave the root.
//
// Only plain paths take this path: relative (or absolute under the root),
// without empty, "." or ".." components, reaching the file through no
// symbolic link. For anything else, or on a kernel without openat2, open()
// says no and the caller resolves the path the slow way (resolveInside),
// which follows links inside the workspace and says why a path is refused.
// The fast path never accepts a path the slow path would refuse: with no
// links and no dots, the path is its own canonical form.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "UniqueFd.h"

namespace sb {

class RootDir {
 public:
  // `canonicalRoot`: an absolute path with no symbolic links (as realpath
  // gives). If it cannot be opened, every open() says no.
  explicit RootDir(std::string canonicalRoot);

  const std::string& path() const { return root_; }

  struct Opened {
    UniqueFd fd;      // read-only, non-blocking, close-on-exec
    std::string rel;  // the path relative to the root
  };
  // An open file for a plain path beneath the root, or an Opened whose fd is
  // invalid: take the slow path.
  Opened open(std::string_view path) const;

 private:
  std::string root_;
  UniqueFd dir_;
  // Set once openat2 is found missing (old kernel, or a seccomp filter that
  // answers ENOSYS or EPERM): later calls go straight to the slow path.
  mutable std::atomic<bool> noOpenat2_{false};
};

// `path` relative to `root` if it is plain (see above), else empty.
std::string plainRelativePath(std::string_view root, std::string_view path);

}  // namespace sb
