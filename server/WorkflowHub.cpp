#include "WorkflowHub.h"

#include <filesystem>

#include "AgentToolBox.h"
#include "McpCodeTools.h"

namespace sb {

WorkflowHub::WorkflowHub(WorkspaceRegistry& registry, Workers& workers, EngineOptions engine,
                         agents::WorkflowOptions options,
                         std::shared_ptr<const agents::RoleSet> roles)
    : registry_(registry),
      workers_(workers),
      engine_(std::move(engine)),
      options_(options),
      roles_(roles ? std::move(roles) : std::make_shared<agents::RoleSet>()) {}

WorkflowHub::~WorkflowHub() {
  // Runners first: their agents may be inside a catalog tool.
  std::map<std::string, Entry> entries;
  {
    std::lock_guard lock(mu_);
    entries.swap(entries_);
  }
  for (auto& [root, e] : entries) e.runner.reset();
}

WorkflowHub::Entry& WorkflowHub::entry(const std::string& root) {
  std::string canonical = std::filesystem::weakly_canonical(root).string();
  auto it = entries_.find(canonical);
  if (it != entries_.end()) return it->second;
  Entry e;
  e.catalog = makeCodeCatalog(canonical, registry_, workers_, engine_);
  return entries_.emplace(canonical, std::move(e)).first->second;
}

std::shared_ptr<const McpCatalog> WorkflowHub::catalog(const std::string& root) {
  std::lock_guard lock(mu_);
  return entry(root).catalog;
}

std::shared_ptr<agents::WorkflowRunner> WorkflowHub::runner(const std::string& root) {
  std::lock_guard lock(mu_);
  Entry& e = entry(root);
  if (!e.runner) {
    std::string canonical = std::filesystem::weakly_canonical(root).string();
    auto store =
        std::make_shared<agents::WorkflowStore>(agents::WorkflowStore::defaultPath(canonical));
    e.runner = std::make_shared<agents::WorkflowRunner>(
        agents::WorkflowRunner::Deps{canonical, store, nullptr, agentToolsFrom(e.catalog), roles_},
        options_);
    for (auto& [token, sub] : subscriptions_)
      if (sub.root == canonical) sub.runnerToken = e.runner->subscribe(sub.listener);
  }
  return e.runner;
}

int WorkflowHub::subscribe(const std::string& root, Listener listener) {
  std::string canonical = std::filesystem::weakly_canonical(root).string();
  std::lock_guard lock(mu_);
  int token = nextToken_++;
  Subscription sub{canonical, std::move(listener), 0};
  if (auto it = entries_.find(canonical); it != entries_.end() && it->second.runner)
    sub.runnerToken = it->second.runner->subscribe(sub.listener);
  subscriptions_[token] = std::move(sub);
  return token;
}

void WorkflowHub::unsubscribe(int token) {
  std::lock_guard lock(mu_);
  auto it = subscriptions_.find(token);
  if (it == subscriptions_.end()) return;
  if (it->second.runnerToken)
    if (auto e = entries_.find(it->second.root); e != entries_.end() && e->second.runner)
      e->second.runner->unsubscribe(it->second.runnerToken);
  subscriptions_.erase(it);
}

std::vector<std::shared_ptr<agents::WorkflowRunner>> WorkflowHub::runners() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<agents::WorkflowRunner>> out;
  for (auto& [root, e] : entries_)
    if (e.runner) out.push_back(e.runner);
  return out;
}

}  // namespace sb
