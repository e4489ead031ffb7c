// The MCP front end: lifecycle and version negotiation, tools, resources,
// prompts, logging, completion, ping, cancellation and progress, over any
// transport (stdio lines or Streamable HTTP). One instance per session.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "McpCatalog.h"
#include "Transport.h"
#include "Workers.h"

namespace sb {

class McpServer final : public FrontEnd {
 public:
  // Tool calls run on `toolWorkers`, a pool apart from the engine's: a tool
  // may block waiting for engine work, which must not starve it.
  McpServer(const SessionContext& session, Workers& toolWorkers,
            std::shared_ptr<const McpCatalog> catalog);
  ~McpServer() override;

  void onRequest(Request request) override;
  void onNotification(std::string_view method, const json& params) override;
  void onDisconnect() override;

  // The negotiated revision ("" before initialize); HTTP checks headers against it.
  std::string protocolVersion() const;
  bool initialized() const { return phase_ != Phase::New; }

 private:
  enum class Phase { New, Initialized };
  void initialize(const json& params, Reply& reply);
  void listTools(const json& params, Reply& reply);
  void callTool(const json& params, Request& request);
  void listResources(const json& params, Reply& reply);
  void listTemplates(const json& params, Reply& reply);
  void readResource(const json& params, Reply& reply);
  void listPrompts(const json& params, Reply& reply);
  void getPrompt(const json& params, Reply& reply);
  void setLevel(const json& params, Reply& reply);
  void complete(const json& params, Reply& reply);
  void subscribe(const json& params, Reply& reply, bool on);
  // Shared with running tool calls, which may outlive this front end.
  struct LogState {
    std::mutex mu;
    int threshold = 3;  // "warning"
  };
  static void log(const std::shared_ptr<LogState>& state,
                  const std::weak_ptr<RpcEndpoint>& endpoint, const std::string& level,
                  const json& data);

  SessionContext session_;
  Workers& workers_;
  std::shared_ptr<const McpCatalog> catalog_;
  std::atomic<Phase> phase_{Phase::New};
  mutable std::mutex mu_;
  std::string version_;
  std::shared_ptr<LogState> logState_ = std::make_shared<LogState>();
  std::set<std::string> subscriptions_;
  // Polls the subscribed resources' stamps; shared with its timer.
  struct Watch;
  std::shared_ptr<Watch> watch_;
  void startWatching();
};

}  // namespace sb
