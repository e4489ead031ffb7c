// Turns proposed edits into file writes that stay inside a workspace: paths
// are confined (no absolute paths, no "..", no symlink leading out), files
// changed on disk since the model saw them are left alone, and writes are
// atomic (temp file, fsync, rename) and keep the file's mode.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "agents/EditParser.h"

namespace sb::agents {

// What a workflow showed the model: a content hash per workspace-relative
// path, so an edit is not applied over changes made since. Thread-safe.
class ReadLedger {
 public:
  // Returns the hash recorded.
  std::string record(const std::string& relPath, std::string_view content);
  void recordHash(const std::string& relPath, std::string hash);  // one stored earlier
  std::optional<std::string> hashOf(const std::string& relPath) const;
  void forget(const std::string& relPath);
  size_t size() const;
  std::map<std::string, std::string> entries() const;  // path -> hash
  // Takes every entry of `other`, replacing its own for the same path.
  void mergeFrom(const ReadLedger& other);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> hashes_;  // normalised path -> SHA-256 hex
};

struct PlannedEdit {
  std::string relPath;  // normalised, relative to the workspace root
  std::string absPath;  // canonical, symlinks resolved: the file that will be written
  std::optional<std::string> oldText;  // nullopt: a new file
  std::string newText;
  bool remove = false;  // delete the file instead of writing newText
};

struct RejectedEdit {
  std::string path;
  std::string reason;
};

struct EditLimits {
  uint64_t maxFileBytes = 8 * 1024 * 1024;  // for the file on disk and the new text
  // Refuse to overwrite or delete an existing file that the ledger has no
  // record of (the model never saw it). Needs a ledger.
  bool requireRead = false;
};

// "src//./a.py" -> "src/a.py"; nullopt (with *why set) for an empty or
// absolute path, a ".." component, a backslash or a NUL byte.
std::optional<std::string> normaliseRelativePath(std::string_view path, std::string* why = nullptr);

// Resolves the edit's path inside `workspaceRoot` and computes the new text.
// Refuses absolute paths, ".." components, paths that lead outside the root
// through a symlink (the file itself or a parent directory), targets that are
// not regular files, files over the size cap, files whose content no longer
// matches the ledger's hash, diffs that do not apply, and whole-file blocks
// that elide existing lines ("// ... existing code ..."). Never throws.
std::variant<PlannedEdit, RejectedEdit> planEdit(const std::string& workspaceRoot,
                                                 const ProposedEdit& edit, const ReadLedger* ledger,
                                                 const EditLimits& limits = {});

// Writes the plan: missing parent directories are created inside the root,
// every directory on the way is opened without following symlinks (so one
// swapped in since planning is refused), the file must still hold oldText,
// and the new content goes to a temp file in the same directory that is
// fsynced and renamed over the target, with the target's mode. Returns an
// error message, or nullopt on success. Never throws.
std::optional<std::string> applyPlannedEdit(const std::string& workspaceRoot,
                                            const PlannedEdit& plan);

}  // namespace sb::agents
