#include "WorkDoneProgress.h"

namespace sb {

WorkDoneProgress::WorkDoneProgress(std::weak_ptr<RpcEndpoint> endpoint, json token, bool open)
    : endpoint_(std::move(endpoint)), token_(std::move(token)), open_(open) {}

std::shared_ptr<WorkDoneProgress> WorkDoneProgress::create(
    const std::shared_ptr<RpcEndpoint>& endpoint, json token) {
  auto p = std::make_shared<WorkDoneProgress>(endpoint, token, false);
  // Held until the client answers: values queued by then (an "end" among
  // them) must still go out after everyone else let go of the token.
  endpoint->call("window/workDoneProgress/create", {{"token", std::move(token)}},
                 [p](const ResponseOrError& r) { p->opened(r.error.has_value()); });
  return p;
}

std::shared_ptr<WorkDoneProgress> WorkDoneProgress::adopt(
    const std::shared_ptr<RpcEndpoint>& endpoint, json token) {
  return std::make_shared<WorkDoneProgress>(endpoint, std::move(token), true);
}

void WorkDoneProgress::begin(const std::string& title, const std::string& message, bool cancellable,
                             std::optional<int> percentage) {
  json v = {{"kind", "begin"}, {"title", title}, {"cancellable", cancellable}};
  if (!message.empty()) v["message"] = message;
  if (percentage) v["percentage"] = *percentage;
  send(std::move(v));
}

void WorkDoneProgress::report(const std::string& message, std::optional<int> percentage) {
  json v = {{"kind", "report"}, {"message", message}};
  if (percentage) v["percentage"] = *percentage;
  send(std::move(v));
}

void WorkDoneProgress::end(const std::string& message) {
  send({{"kind", "end"}, {"message", message}});
}

void WorkDoneProgress::send(json value) {
  std::lock_guard lock(mu_);
  if (refused_) return;
  if (!open_) return queued_.push_back(std::move(value));
  if (auto ep = endpoint_.lock())
    ep->notify("$/progress", {{"token", token_}, {"value", std::move(value)}});
}

void WorkDoneProgress::opened(bool refused) {
  std::lock_guard lock(mu_);
  open_ = !refused;
  refused_ = refused;
  auto ep = endpoint_.lock();
  if (!refused && ep)
    for (auto& v : queued_) ep->notify("$/progress", {{"token", token_}, {"value", std::move(v)}});
  queued_.clear();
}

}  // namespace sb
