// Holds requests that read the workspace index until a session's first
// indexing pass has ended. The pipe uses it: `echo ... | switchboard pipe`
// on a fresh index would otherwise be answered from an empty index at once.
// Thread-safe: armed and shut on the session's thread, released on an
// indexing thread.
#pragma once

#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace sb {

class FirstIndexGate {
 public:
  // From now on run() holds its work until release().
  void arm() {
    std::lock_guard lock(mu_);
    if (!shut_) armed_ = true;
  }
  // Runs `work` now unless the gate is armed; then when it is released.
  // Work given after shut() is dropped (its captures destroyed).
  void run(std::function<void()> work) {
    {
      std::lock_guard lock(mu_);
      if (shut_) return;
      if (armed_) {
        waiting_.push_back(std::move(work));
        return;
      }
    }
    work();
  }
  // Runs the held work, under the lock, so that shut() waits for it to end:
  // the work may use the session, which shut() precedes tearing down.
  void release() {
    std::lock_guard lock(mu_);
    armed_ = false;
    for (auto& work : waiting_) work();
    waiting_.clear();
  }
  // Drops held work and every later run(): the session is ending.
  void shut() {
    std::vector<std::function<void()>> dropped;
    {
      std::lock_guard lock(mu_);
      shut_ = true;
      armed_ = false;
      dropped.swap(waiting_);
    }
  }
  bool holding() const {
    std::lock_guard lock(mu_);
    return armed_;
  }

 private:
  mutable std::mutex mu_;
  bool armed_ = false;
  bool shut_ = false;
  std::vector<std::function<void()>> waiting_;
};

}  // namespace sb
