#include "agents/EditApplier.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>
#include <vector>

#include "agents/Sha256.h"
#include "agents/UnifiedDiff.h"
#include "analysis/FileText.h"
#include "analysis/UniqueFd.h"
#include "analysis/WorkspaceScanner.h"

namespace sb::agents {

namespace fs = std::filesystem;

std::string ReadLedger::record(const std::string& relPath, std::string_view content) {
  std::string hash = sha256Hex(content);
  recordHash(relPath, hash);
  return hash;
}

void ReadLedger::recordHash(const std::string& relPath, std::string hash) {
  const std::string key = normaliseRelativePath(relPath).value_or(relPath);
  std::lock_guard lock(mu_);
  hashes_[key] = std::move(hash);
}

std::map<std::string, std::string> ReadLedger::entries() const {
  std::lock_guard lock(mu_);
  return hashes_;
}

void ReadLedger::mergeFrom(const ReadLedger& other) {
  if (&other == this) return;
  auto theirs = other.entries();
  std::lock_guard lock(mu_);
  for (auto& [path, hash] : theirs) hashes_[path] = hash;
}

std::optional<std::string> ReadLedger::hashOf(const std::string& relPath) const {
  const std::string key = normaliseRelativePath(relPath).value_or(relPath);
  std::lock_guard lock(mu_);
  const auto it = hashes_.find(key);
  if (it == hashes_.end()) return std::nullopt;
  return it->second;
}

void ReadLedger::forget(const std::string& relPath) {
  const std::string key = normaliseRelativePath(relPath).value_or(relPath);
  std::lock_guard lock(mu_);
  hashes_.erase(key);
}

size_t ReadLedger::size() const {
  std::lock_guard lock(mu_);
  return hashes_.size();
}

std::optional<std::string> normaliseRelativePath(std::string_view path, std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<std::string> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (path.empty()) return fail("the path is empty");
  if (path.find('\0') != std::string_view::npos) return fail("the path contains a NUL byte");
  if (path.find('\\') != std::string_view::npos) return fail("the path contains a backslash");
  if (path.front() == '/')
    return fail("absolute paths are not allowed; use a path relative to the workspace");
  std::string out;
  size_t pos = 0;
  while (pos <= path.size()) {
    const size_t slash = std::min(path.find('/', pos), path.size());
    const std::string_view part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return fail("the path has a '..' component");
    if (!out.empty()) out += '/';
    out += part;
  }
  if (out.empty()) return fail("the path names no file");
  // Checked on the normalised path so that "./~/x" is refused like "~/x".
  if (out.front() == '~') return fail("paths starting with '~' are not allowed");
  if (out.size() >= 2 && out[1] == ':' && std::isalpha(static_cast<unsigned char>(out[0])))
    return fail("absolute (drive letter) paths are not allowed");
  return out;
}

namespace {

std::string errnoText(int err) {
  return std::strerror(err);
}

bool isInsideRoot(const std::string& root, const std::string& path) {
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         (root.back() == '/' || path[root.size()] == '/');
}

std::string relativeTo(const std::string& root, const std::string& path) {
  return path.substr(root.size() + (root.back() == '/' ? 0 : 1));
}

bool touchesGitDir(const std::string& rel) {
  size_t pos = 0;
  while (pos <= rel.size()) {
    const size_t slash = std::min(rel.find('/', pos), rel.size());
    std::string part = rel.substr(pos, slash - pos);
    for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (part == ".git") return true;
    pos = slash + 1;
  }
  return false;
}

std::string humanBytes(uint64_t n) {
  return std::to_string(n) + " bytes";
}

class Planner {
 public:
  Planner(const std::string& root, const ProposedEdit& edit, const ReadLedger* ledger,
          const EditLimits& limits)
      : root_(root), edit_(edit), ledger_(ledger), limits_(limits) {}

  std::variant<PlannedEdit, RejectedEdit> run() {
    std::string why;
    const std::optional<std::string> rel = normaliseRelativePath(edit_.path, &why);
    if (!rel) return reject(why);
    std::error_code ec;
    const fs::path canonRoot = fs::canonical(root_, ec);
    if (ec || !fs::is_directory(canonRoot, ec))
      return reject("the workspace root is not a directory");
    rootStr_ = canonRoot.string();

    PlannedEdit plan;
    const fs::path lexical = canonRoot / *rel;
    struct stat st {};
    const bool exists = ::lstat(lexical.c_str(), &st) == 0;
    const int lstatErr = exists ? 0 : errno;
    std::string target;
    if (exists) {
      target = resolveInside(rootStr_, lexical.string());
      if (target.empty()) {
        if (S_ISLNK(st.st_mode) && !fs::exists(lexical, ec))
          return reject("the path is a symlink to nothing");
        return reject("the path resolves outside the workspace (through a symlink)");
      }
      if (::stat(target.c_str(), &st) != 0)
        return reject("cannot stat the file: " + errnoText(errno));
      if (!S_ISREG(st.st_mode)) return reject("the target is not a regular file");
      if (static_cast<uint64_t>(st.st_size) > limits_.maxFileBytes)
        return reject("the file is larger than the limit of " + humanBytes(limits_.maxFileBytes));
      plan.oldText = readFileText(target);
      if (!plan.oldText) return reject("cannot read the file");
    } else {
      if (lstatErr != ENOENT && lstatErr != ENOTDIR)
        return reject("cannot stat the path: " + errnoText(lstatErr));
      auto parent = nearestExistingParent(lexical);
      if (auto* r = std::get_if<RejectedEdit>(&parent)) return std::move(*r);
      target = std::get<std::string>(std::move(parent));
    }
    if (!isInsideRoot(rootStr_, target)) return reject("the path resolves outside the workspace");
    plan.absPath = target;
    plan.relPath = relativeTo(rootStr_, target);
    if (touchesGitDir(*rel) || touchesGitDir(plan.relPath))
      return reject("edits inside .git are not allowed");

    if (auto refused = checkLedger(*rel, plan)) return reject(*refused);
    if (auto refused = computeNewText(plan)) return reject(*refused);
    if (plan.newText.size() > limits_.maxFileBytes)
      return reject("the new content is larger than the limit of " +
                    humanBytes(limits_.maxFileBytes));
    return plan;
  }

 private:
  RejectedEdit reject(std::string reason) const {
    return RejectedEdit{edit_.path, std::move(reason)};
  }

  // For a file that does not exist yet: the canonical path it will have,
  // checked through its deepest existing ancestor (which must be a directory
  // inside the root, symlinks followed).
  std::variant<std::string, RejectedEdit> nearestExistingParent(const fs::path& lexical) const {
    fs::path parent = lexical.parent_path();
    fs::path rest = lexical.filename();
    struct stat st {};
    while (::lstat(parent.c_str(), &st) != 0) {
      if (errno != ENOENT)
        return reject("cannot stat " + parent.string() + ": " + errnoText(errno));
      if (parent.string().size() <= rootStr_.size())
        return reject("the workspace root has disappeared");
      rest = parent.filename() / rest;
      parent = parent.parent_path();
    }
    const std::string resolved =
        parent.string() == rootStr_ ? rootStr_ : resolveInside(rootStr_, parent.string());
    if (resolved.empty())
      return reject("a parent directory resolves outside the workspace (through a symlink)");
    if (::stat(resolved.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return reject("a parent of the path is not a directory");
    return (fs::path(resolved) / rest).string();
  }

  std::optional<std::string> checkLedger(const std::string& rel, const PlannedEdit& plan) const {
    if (!ledger_) return std::nullopt;
    std::optional<std::string> recorded = ledger_->hashOf(plan.relPath);
    if (!recorded) recorded = ledger_->hashOf(rel);
    if (!plan.oldText) {
      if (recorded) return "the file was deleted since it was read";
      return std::nullopt;
    }
    if (recorded && *recorded != sha256Hex(*plan.oldText))
      return "the file changed on disk since it was read; read it again before editing";
    if (!recorded && limits_.requireRead)
      return "the file has not been read, so it cannot be overwritten";
    return std::nullopt;
  }

  std::optional<std::string> computeNewText(PlannedEdit& plan) const {
    switch (edit_.kind) {
      case ProposedEdit::Kind::WholeFile:
        if (plan.oldText && looksElided(edit_.content))
          return "the new content leaves out parts of the file (\"... existing code ...\"); send "
                 "the whole "
                 "file or a diff";
        plan.newText = edit_.content;
        return std::nullopt;
      case ProposedEdit::Kind::Diff:
      case ProposedEdit::Kind::Delete:
        break;
    }
    const ParsedDiff parsed = parseUnifiedDiff(edit_.content);
    if (parsed.files.size() != 1)
      return parsed.files.empty()
                 ? std::string("no unified diff found")
                 : "the diff covers " + std::to_string(parsed.files.size()) + " files";
    const FileDiff& diff = parsed.files.front();
    if (edit_.kind == ProposedEdit::Kind::Delete) {
      if (!plan.oldText) return "the file to delete does not exist";
      if (!diff.hunks.empty()) {
        const DiffOutcome out = applyFileDiff(*plan.oldText, diff);
        if (const auto* e = std::get_if<DiffError>(&out))
          return "the deletion does not match the file: " + e->message;
        if (!std::get<std::string>(out).empty())
          return "the deletion diff does not remove all of the file";
      } else if (!plan.oldText->empty()) {
        return "the deletion diff does not show the file's content";
      }
      plan.remove = true;
      return std::nullopt;
    }
    if (diff.newFile && plan.oldText && !plan.oldText->empty())
      return "the diff creates the file, but it already exists";
    const DiffOutcome out = applyFileDiff(plan.oldText.value_or(""), diff);
    if (const auto* e = std::get_if<DiffError>(&out)) {
      if (!plan.oldText)
        return "the file does not exist (a new file's diff starts with --- /dev/null)";
      return e->message;
    }
    plan.newText = std::get<std::string>(out);
    return std::nullopt;
  }

  const std::string& root_;
  const ProposedEdit& edit_;
  const ReadLedger* ledger_;
  const EditLimits& limits_;
  std::string rootStr_;
};

// ---- Writing ----

// Removes the temp file unless the rename went through.
class TempGuard {
 public:
  TempGuard(int dirfd, std::string name) : dirfd_(dirfd), name_(std::move(name)) {}
  TempGuard(const TempGuard&) = delete;
  TempGuard& operator=(const TempGuard&) = delete;
  ~TempGuard() {
    if (armed_) ::unlinkat(dirfd_, name_.c_str(), 0);
  }
  void disarm() { armed_ = false; }

 private:
  int dirfd_;
  std::string name_;
  bool armed_ = true;
};

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::optional<std::string> readAll(int fd, size_t limit) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit) return out;  // already differs from what was planned
  }
}

std::vector<std::string> splitComponents(const std::string& rel) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= rel.size()) {
    const size_t slash = std::min(rel.find('/', pos), rel.size());
    parts.push_back(rel.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

std::string tempName(const std::string& name) {
  std::random_device rd;
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%08x%08x.sbtmp", rd(), rd());
  // Stay under NAME_MAX (255) however long the target's name is.
  return "." + name.substr(0, 200) + suffix;
}

std::optional<std::string> applyImpl(const std::string& workspaceRoot, const PlannedEdit& plan) {
  std::error_code ec;
  const fs::path canonRoot = fs::canonical(workspaceRoot, ec);
  if (ec) return "the workspace root is not accessible: " + ec.message();
  const std::string rootStr = canonRoot.string();
  if (!isInsideRoot(rootStr, plan.absPath)) return "the planned path is outside the workspace";
  const std::vector<std::string> parts = splitComponents(relativeTo(rootStr, plan.absPath));
  for (const std::string& p : parts)
    if (p.empty() || p == "." || p == "..") return "the planned path is not normalised";

  // Walk down from the root without following symlinks: the plan resolved
  // them all, so any symlink met now was put there since.
  UniqueFd dir(::open(rootStr.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return "cannot open the workspace root: " + errnoText(errno);
  std::string walked;
  for (size_t k = 0; k + 1 < parts.size(); ++k) {
    const char* part = parts[k].c_str();
    walked += (walked.empty() ? "" : "/") + parts[k];
    int fd = ::openat(dir.get(), part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && !plan.remove) {
      if (::mkdirat(dir.get(), part, 0777) != 0 && errno != EEXIST)
        return "cannot create directory " + walked + ": " + errnoText(errno);
      fd = ::openat(dir.get(), part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      if (errno == ELOOP || errno == ENOTDIR)
        return walked +
               " is no longer a plain directory (a symlink or file replaced it since the edit was "
               "planned)";
      return "cannot open directory " + walked + ": " + errnoText(errno);
    }
    dir.reset(fd);
  }
  const std::string& name = parts.back();

  // The file must still be what the plan was computed from.
  struct stat st {};
  bool exists = false;
  {
    UniqueFd cur(::openat(dir.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (cur) {
      if (::fstat(cur.get(), &st) != 0) return "cannot stat the file: " + errnoText(errno);
      if (!S_ISREG(st.st_mode)) return "the target is no longer a regular file";
      exists = true;
      if (!plan.oldText) return "the file was created since the edit was planned";
      const std::optional<std::string> now = readAll(cur.get(), plan.oldText->size());
      if (!now) return "cannot read the file: " + errnoText(errno);
      if (*now != *plan.oldText) return "the file changed since the edit was planned";
    } else if (errno == ENOENT) {
      if (plan.oldText) return "the file was deleted since the edit was planned";
    } else if (errno == ELOOP) {
      return "the target is now a symlink";
    } else {
      return "cannot open the file: " + errnoText(errno);
    }
  }

  if (plan.remove) {
    if (!exists) return "the file to delete does not exist";
    if (::unlinkat(dir.get(), name.c_str(), 0) != 0)
      return "cannot delete the file: " + errnoText(errno);
    ::fsync(dir.get());
    return std::nullopt;
  }
  if (exists && *plan.oldText == plan.newText) return std::nullopt;  // nothing to change

  std::string tmp;
  UniqueFd out;
  for (int attempt = 0; attempt < 8 && !out; ++attempt) {
    tmp = tempName(name);
    out.reset(::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                       exists ? (st.st_mode & 0777) | 0600 : 0666));
    if (!out && errno != EEXIST) break;
  }
  if (!out) return "cannot create a temporary file next to the target: " + errnoText(errno);
  TempGuard guard(dir.get(), tmp);
  if (!writeAll(out.get(), plan.newText)) return "cannot write the file: " + errnoText(errno);
  if (exists) {
    // Root may keep the owner; nobody else can, and that is no reason to fail.
    if (::geteuid() == 0) {
      [[maybe_unused]] const int ignored = ::fchown(out.get(), st.st_uid, st.st_gid);
    }
    if (::fchmod(out.get(), st.st_mode & 07777) != 0)
      return "cannot set the file's mode: " + errnoText(errno);
  }
  if (::fsync(out.get()) != 0) return "cannot flush the file to disk: " + errnoText(errno);
  if (::close(out.release()) != 0) return "cannot write the file: " + errnoText(errno);
  if (::renameat(dir.get(), tmp.c_str(), dir.get(), name.c_str()) != 0)
    return "cannot replace the file: " + errnoText(errno);
  guard.disarm();
  ::fsync(dir.get());  // make the rename durable; a failure here does not undo it
  return std::nullopt;
}

}  // namespace

std::variant<PlannedEdit, RejectedEdit> planEdit(const std::string& workspaceRoot,
                                                 const ProposedEdit& edit, const ReadLedger* ledger,
                                                 const EditLimits& limits) {
  try {
    return Planner(workspaceRoot, edit, ledger, limits).run();
  } catch (const std::exception& e) {  // allocation failure, filesystem surprises
    return RejectedEdit{edit.path, std::string("cannot plan the edit: ") + e.what()};
  }
}

std::optional<std::string> applyPlannedEdit(const std::string& workspaceRoot,
                                            const PlannedEdit& plan) {
  try {
    return applyImpl(workspaceRoot, plan);
  } catch (const std::exception& e) {
    return std::string("cannot apply the edit: ") + e.what();
  }
}

}  // namespace sb::agents
