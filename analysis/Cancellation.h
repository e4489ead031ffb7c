// A cancellation flag shared between whoever may cancel work (a client's
// $/cancelRequest, a superseding edit) and the code doing it, which polls.
#pragma once

#include <atomic>
#include <memory>

namespace sb {

class CancelToken {
 public:
  CancelToken() = default;  // never cancelled
  bool cancelled() const {
    return (flag_ && flag_->load(std::memory_order_relaxed)) || (parent_ && parent_->cancelled());
  }
  explicit operator bool() const { return cancelled(); }

 private:
  friend class CancelSource;
  CancelToken(std::shared_ptr<std::atomic<bool>> f, std::shared_ptr<const CancelToken> parent)
      : flag_(std::move(f)), parent_(std::move(parent)) {}
  std::shared_ptr<std::atomic<bool>> flag_;
  std::shared_ptr<const CancelToken> parent_;  // cancelled with it, e.g. the client's request
};

class CancelSource {
 public:
  CancelSource() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  // A source whose tokens are also cancelled when `parent` is.
  explicit CancelSource(const CancelToken& parent)
      : flag_(std::make_shared<std::atomic<bool>>(false)),
        parent_(std::make_shared<const CancelToken>(parent)) {}
  void cancel() { flag_->store(true, std::memory_order_relaxed); }
  CancelToken token() const { return CancelToken(flag_, parent_); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
  std::shared_ptr<const CancelToken> parent_;
};

}  // namespace sb
