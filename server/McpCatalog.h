// What an MCP server offers: tools, resources and prompts with their
// handlers. The product's catalog (McpCodeTools.cpp) answers from the engine;
// the conformance fixture builds its own on the same McpServer.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "JsonRpc.h"

namespace sb {

struct McpToolContext {
  CancelToken cancel;
  // Reports notifications/progress when the call carried a progressToken.
  std::function<void(double progress, std::optional<double> total, const std::string& message)>
      progress;
  // notifications/message, filtered by logging/setLevel.
  std::function<void(const std::string& level, const json& data)> log;
  // A request to the client (sampling, elicitation, roots) within this call.
  std::function<void(const std::string& method, json params, std::function<void(ResponseOrError)>)>
      request;
};

struct McpToolResult {
  json content = json::array();
  json structured;  // null when the tool has no outputSchema
  bool isError = false;

  static McpToolResult text(std::string text, json structured = nullptr);
  static McpToolResult error(std::string message);
};

struct McpTool {
  std::string name, title, description;
  json inputSchema = {{"type", "object"}};
  json outputSchema;  // null: none
  json annotations;   // null: none
  // Runs on a worker; calls `done` exactly once, from any thread.
  std::function<void(const json& args, McpToolContext ctx, std::function<void(McpToolResult)> done)>
      call;
  // When set, tried first on the thread that received the call: for small,
  // bounded work that never waits (a worker hand-off costs more than the
  // work itself). nullopt hands the call to `call` on a worker.
  std::function<std::optional<McpToolResult>(const json& args)> answerInline = nullptr;
};

struct McpResource {
  std::string uri, name, title, description, mimeType;
};

struct McpResourceTemplate {
  std::string uriTemplate, name, title, description, mimeType;
};

struct McpPromptArgument {
  std::string name, description;
  bool required = false;
};

struct McpPrompt {
  std::string name, title, description;
  std::vector<McpPromptArgument> arguments;
  // Returns {description?, messages: [...]}; throws std::invalid_argument for bad arguments.
  std::function<json(const json& args)> get;
};

struct McpCatalog {
  std::string name = "switchboard";
  std::string title = "Switchboard";
  std::string version = SWITCHBOARD_VERSION;
  std::string instructions;
  std::vector<McpTool> tools;
  // Listed resources (called per resources/list, so the list can change).
  std::function<std::vector<McpResource>()> listResources;
  std::vector<McpResourceTemplate> templates;
  // resources/read: the `contents` array, or nullopt when the URI is unknown.
  // Throws std::invalid_argument for a URI that is refused (e.g. outside the workspace).
  std::function<std::optional<json>(const std::string& uri)> readResource;
  // A short stamp of a resource's current state (e.g. mtime and size); a
  // change sends notifications/resources/updated to sessions subscribed to
  // it. Empty: cannot tell (never notified). Null: no subscriptions updates.
  std::function<std::string(const std::string& uri)> resourceStamp;
  std::vector<McpPrompt> prompts;
  // completion/complete: candidate values for an argument of a prompt
  // ("ref/prompt", name) or a resource template ("ref/resource", uri).
  std::function<std::vector<std::string>(const std::string& refType, const std::string& ref,
                                         const std::string& argument, const std::string& value)>
      complete;
};

}  // namespace sb
