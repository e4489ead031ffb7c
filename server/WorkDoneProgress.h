// One LSP work-done progress token ($/progress), server-created or the
// client's own. A client drops $/progress for a token it does not know yet,
// so values sent before it has answered window/workDoneProgress/create wait,
// in order, and go out with its answer; a refusal drops them for good.
// Thread-safe: engine callbacks report from worker threads.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "JsonRpc.h"

namespace sb {

class WorkDoneProgress {
 public:
  // Asks the client to create `token`; values wait for its answer.
  static std::shared_ptr<WorkDoneProgress> create(const std::shared_ptr<RpcEndpoint>& endpoint,
                                                  json token);
  // A token the client made itself (a request's workDoneToken): open at once.
  static std::shared_ptr<WorkDoneProgress> adopt(const std::shared_ptr<RpcEndpoint>& endpoint,
                                                 json token);

  void begin(const std::string& title, const std::string& message = {}, bool cancellable = false,
             std::optional<int> percentage = 0);
  void report(const std::string& message, std::optional<int> percentage = std::nullopt);
  void end(const std::string& message);
  const json& token() const { return token_; }

  WorkDoneProgress(std::weak_ptr<RpcEndpoint> endpoint, json token, bool open);

 private:
  void send(json value);
  void opened(bool refused);

  std::weak_ptr<RpcEndpoint> endpoint_;
  json token_;
  std::mutex mu_;
  bool open_, refused_ = false;
  std::vector<json> queued_;
};

}  // namespace sb
