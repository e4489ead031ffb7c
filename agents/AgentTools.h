// The tools an agent may call, as plain C++ functions: the code tools the MCP
// server exposes (adapted by server/), plus per-step ones such as
// propose_edit. A tool runs on the agent's step thread and may block.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agents/Llm.h"
#include "analysis/Cancellation.h"

namespace sb::agents {

struct ToolOutput {
  std::string text;
  bool isError = false;
};

struct AgentTool {
  ToolSpec spec;
  std::function<ToolOutput(const nlohmann::json& args, const CancelToken& cancel)> run;
};

class ToolBox {
 public:
  void add(AgentTool tool) { tools_[tool.spec.name] = std::move(tool); }
  const AgentTool* find(const std::string& name) const {
    auto it = tools_.find(name);
    return it == tools_.end() ? nullptr : &it->second;
  }
  // The specs of the allowed tools that exist ("*" allows all), in name order.
  std::vector<ToolSpec> specs(const std::vector<std::string>& allowed) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, AgentTool> tools_;
};

}  // namespace sb::agents
