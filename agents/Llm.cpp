#include "agents/Llm.h"

namespace sb::agents {

const char* toString(LlmError::Kind kind) {
  switch (kind) {
    case LlmError::Kind::NotConfigured:
      return "not configured";
    case LlmError::Kind::Connect:
      return "connection failed";
    case LlmError::Kind::Timeout:
      return "timeout";
    case LlmError::Kind::Http:
      return "HTTP error";
    case LlmError::Kind::RateLimited:
      return "rate limited";
    case LlmError::Kind::BadResponse:
      return "bad response";
    case LlmError::Kind::Cancelled:
      return "cancelled";
    case LlmError::Kind::CircuitOpen:
      return "circuit open";
  }
  return "?";
}

}  // namespace sb::agents
