// The workspaces this process indexes, shared by every session: two editors
// on the same folder share one index and one background refresh.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "analysis/WorkspaceIndex.h"

namespace sb {

struct RegistryOptions {
  IndexerOptions indexer;
  std::string indexDir;  // empty: the XDG cache default
};

class WorkspaceRegistry {
 public:
  explicit WorkspaceRegistry(RegistryOptions options) : options_(std::move(options)) {}
  ~WorkspaceRegistry();
  WorkspaceRegistry(const WorkspaceRegistry&) = delete;
  WorkspaceRegistry& operator=(const WorkspaceRegistry&) = delete;

  // The index for `root` (opened on first use). Throws if the database
  // cannot be opened even after recovery.
  std::shared_ptr<WorkspaceIndex> open(const std::string& root);

  struct RefreshListener {
    ProgressFn progress;
    std::function<void(const IndexReport&)> done;
  };
  // Refreshes in the background. A refresh already running for the same
  // workspace gains this listener, and one more pass is queued after it so
  // that changes made meanwhile are seen.
  void refresh(const std::shared_ptr<WorkspaceIndex>& index, RefreshListener listener);
  // Starts a refresh only if this index has had none yet in this process: for
  // a component that needs a fresh index but does not own its refreshes (the
  // agents' code tools beside an LSP session, which refreshes with progress).
  void refreshOnce(const std::shared_ptr<WorkspaceIndex>& index);
  bool refreshing(const std::shared_ptr<WorkspaceIndex>& index);
  // The roots of the indexes open now, and whether each is being refreshed
  // (what a daemon publishes for `switchboard status`).
  std::vector<std::pair<std::string, bool>> activity();

 private:
  struct Job {
    std::vector<RefreshListener> listeners;
    bool again = false;
    bool running = false;
    std::weak_ptr<WorkspaceIndex> owner;  // the key is a raw pointer: tells reuse apart
  };
  void enqueueLocked(const std::shared_ptr<WorkspaceIndex>& index, RefreshListener listener);
  void run(const std::shared_ptr<WorkspaceIndex>& index);  // the thread owns its copy

  RegistryOptions options_;
  std::mutex mu_;
  std::map<std::string, std::weak_ptr<WorkspaceIndex>> indexes_;
  std::map<WorkspaceIndex*, Job> jobs_;
  std::vector<std::thread> threads_;
  CancelSource stopping_;
};

}  // namespace sb
