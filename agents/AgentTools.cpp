#include "agents/AgentTools.h"

#include <algorithm>

namespace sb::agents {

std::vector<ToolSpec> ToolBox::specs(const std::vector<std::string>& allowed) const {
  bool all = std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
  std::vector<ToolSpec> out;
  for (auto& [name, tool] : tools_)
    if (all || std::find(allowed.begin(), allowed.end(), name) != allowed.end())
      out.push_back(tool.spec);
  return out;
}

std::vector<std::string> ToolBox::names() const {
  std::vector<std::string> out;
  for (auto& [name, tool] : tools_) out.push_back(name);
  return out;
}

}  // namespace sb::agents
