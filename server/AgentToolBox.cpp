#include "AgentToolBox.h"

#include <future>

#include "protocol/McpSchema.h"

namespace sb {

namespace {

agents::ToolOutput toOutput(const McpToolResult& r) {
  std::string text;
  for (const auto& c : r.content)
    if (c.is_object() && c.value("type", "") == "text")
      text += (text.empty() ? "" : "\n") + c.value("text", "");
  if (text.empty() && !r.structured.is_null()) text = r.structured.dump();
  return {std::move(text), r.isError};
}

}  // namespace

std::shared_ptr<agents::ToolBox> agentToolsFrom(std::shared_ptr<const McpCatalog> catalog) {
  auto box = std::make_shared<agents::ToolBox>();
  for (const McpTool& tool : catalog->tools) {
    agents::AgentTool t;
    t.spec = {tool.name, tool.description, tool.inputSchema};
    // The catalog is kept alive by every tool that refers to it.
    t.run = [catalog, tool = &tool](const json& args,
                                    const CancelToken& cancel) -> agents::ToolOutput {
      if (auto problem = mcp::validateArguments(tool->inputSchema, args)) return {*problem, true};
      auto promise = std::make_shared<std::promise<McpToolResult>>();
      auto future = promise->get_future();
      McpToolContext ctx;
      ctx.cancel = cancel;
      ctx.progress = [](double, std::optional<double>, const std::string&) {};
      ctx.log = [](const std::string&, const json&) {};
      ctx.request = [](const std::string& method, json,
                       std::function<void(ResponseOrError)> reply) {
        reply(ResponseOrError{std::nullopt, RpcError{rpc::MethodNotFound,
                                                     "an agent cannot answer " + method, nullptr}});
      };
      try {
        tool->call(args, std::move(ctx),
                   [promise](McpToolResult r) { promise->set_value(std::move(r)); });
      } catch (const std::exception& e) {
        return {std::string("tool failed: ") + e.what(), true};
      }
      return toOutput(future.get());
    };
    box->add(std::move(t));
  }
  return box;
}

}  // namespace sb
