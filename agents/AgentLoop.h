// One agent working on one task: the role's system prompt, the task, and a
// bounded loop of model calls and tool calls (turns, tokens, wall time)
// until the model answers without calling a tool. Runs on the caller's
// thread and blocks; cancellation aborts the model call in flight.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/AgentTools.h"
#include "agents/LlmRouter.h"
#include "agents/Roles.h"

namespace sb::agents {

struct AgentObserver {
  std::function<void(const Message&)> message;  // every turn appended to the transcript
  std::function<void(const ToolCall&, const ToolOutput&, std::chrono::milliseconds)> toolCall;
  std::function<void(std::string_view)> delta;  // streamed model text
};

struct AgentResult {
  enum class Status { Completed, Failed, Cancelled, LimitReached } status = Status::Failed;
  std::string output;      // the final answer
  std::string error;       // why it failed or stopped
  bool retryable = false;  // a transient backend failure: the step may be tried again
  int promptTokens = 0, completionTokens = 0, turns = 0;
  std::string backend, model;       // that answered last
  std::vector<Message> transcript;  // the task and every turn after it
};

const char* toString(AgentResult::Status status);

AgentResult runAgent(LlmRouter& router, const ToolBox& tools, const Role& role,
                     const AgentLimits& limits, std::string task, const AgentObserver& observer,
                     const CancelToken& cancel);

}  // namespace sb::agents
