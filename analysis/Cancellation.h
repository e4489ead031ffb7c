// A cancellation flag shared between whoever may cancel work (a client's
// $/cancelRequest, a superseding edit) and the code doing it, which polls.
#pragma once

#include <atomic>
#include <memory>

namespace sb {

class CancelToken {
 public:
  CancelToken() = default;  // never cancelled
  bool cancelled() const { return flag_ && flag_->load(std::memory_order_relaxed); }
  explicit operator bool() const { return cancelled(); }

 private:
  friend class CancelSource;
  explicit CancelToken(std::shared_ptr<std::atomic<bool>> f) : flag_(std::move(f)) {}
  std::shared_ptr<std::atomic<bool>> flag_;
};

class CancelSource {
 public:
  CancelSource() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  void cancel() { flag_->store(true, std::memory_order_relaxed); }
  CancelToken token() const { return CancelToken(flag_); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace sb
