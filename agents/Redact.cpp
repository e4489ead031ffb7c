#include "agents/Redact.h"

namespace sb::agents {

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    for (auto pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 10))
      text.replace(pos, s.size(), "[redacted]");
  }
  return text;
}

}  // namespace sb::agents
