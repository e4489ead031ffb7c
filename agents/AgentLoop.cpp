#include "agents/AgentLoop.h"

#include <future>
#include <memory>

namespace sb::agents {

namespace {

using Clock = std::chrono::steady_clock;

bool retryableKind(LlmError::Kind k) {
  return k == LlmError::Kind::Connect || k == LlmError::Kind::Timeout ||
         k == LlmError::Kind::RateLimited || k == LlmError::Kind::CircuitOpen ||
         k == LlmError::Kind::Http;
}

// One model call, waited for; the deadline cancels it.
LlmOutcome callModel(LlmRouter& router, LlmRequest req, const AgentObserver& observer,
                     const CancelToken& cancel, Clock::time_point deadline, bool& timedOut) {
  CancelSource source(cancel);
  auto promise = std::make_shared<std::promise<LlmOutcome>>();
  auto future = promise->get_future();
  DeltaCallback onDelta;
  if (observer.delta) onDelta = [d = observer.delta](std::string_view s) { d(s); };
  router.complete(
      std::move(req), std::move(onDelta),
      [promise](LlmOutcome o) { promise->set_value(std::move(o)); }, source.token());
  while (future.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (Clock::now() >= deadline && !timedOut) {
      timedOut = true;
      source.cancel();
    }
  }
  return future.get();
}

std::string clip(std::string text, int limit) {
  if (limit <= 0 || text.size() <= static_cast<std::size_t>(limit)) return text;
  std::size_t cut = static_cast<std::size_t>(limit);
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;  // keep UTF-8 whole
  text.resize(cut);
  return text + "\n[... cut at " + std::to_string(limit) + " characters; ask for a narrower range]";
}

bool offered(const std::vector<ToolSpec>& specs, const std::string& name) {
  for (auto& s : specs)
    if (s.name == name) return true;
  return false;
}

std::string namesOf(const std::vector<ToolSpec>& specs) {
  std::string names;
  for (auto& s : specs) names += (names.empty() ? "" : ", ") + s.name;
  return names.empty() ? "none" : names;
}

}  // namespace

const char* toString(AgentResult::Status status) {
  switch (status) {
    case AgentResult::Status::Completed:
      return "completed";
    case AgentResult::Status::Failed:
      return "failed";
    case AgentResult::Status::Cancelled:
      return "cancelled";
    case AgentResult::Status::LimitReached:
      return "limit reached";
  }
  return "?";
}

AgentResult runAgent(LlmRouter& router, const ToolBox& tools, const Role& role,
                     const AgentLimits& limits, std::string task, const AgentObserver& observer,
                     const CancelToken& cancel) {
  AgentResult result;
  const auto deadline = Clock::now() + limits.maxTime;
  auto append = [&](Message m) {
    if (observer.message) observer.message(m);
    result.transcript.push_back(std::move(m));
  };
  append(Message::user(std::move(task)));
  std::vector<ToolSpec> specs = tools.specs(role.tools);

  for (int turn = 1;; ++turn) {
    if (cancel.cancelled()) {
      result.status = AgentResult::Status::Cancelled;
      result.error = "cancelled";
      return result;
    }
    // The last allowed turn goes without tools, so the model has to answer.
    bool last = turn >= limits.maxTurns ||
                result.promptTokens + result.completionTokens >= limits.maxTokens;
    LlmRequest req;
    req.kind = LlmRequest::Kind::Chat;
    req.system = role.system;
    req.messages = result.transcript;
    req.temperature = role.temperature;
    req.maxTokens = limits.maxOutputTokens;
    req.backends = role.backends;
    req.stream = static_cast<bool>(observer.delta);
    if (!last)
      req.tools = specs;
    else if (turn > 1)
      req.messages.push_back(Message::user(
          "You have reached the step's limit on tool calls. Give your final answer now."));

    bool timedOut = false;
    LlmOutcome outcome = callModel(router, std::move(req), observer, cancel, deadline, timedOut);
    result.turns = turn;
    if (auto* err = std::get_if<LlmError>(&outcome)) {
      if (timedOut) {
        result.status = AgentResult::Status::LimitReached;
        result.error =
            "the step ran out of time (" + std::to_string(limits.maxTime.count()) + " s)";
      } else if (err->kind == LlmError::Kind::Cancelled || cancel.cancelled()) {
        result.status = AgentResult::Status::Cancelled;
        result.error = "cancelled";
      } else {
        result.status = AgentResult::Status::Failed;
        result.error = std::string(toString(err->kind)) + ": " + err->message;
        result.retryable = retryableKind(err->kind) &&
                           !(err->kind == LlmError::Kind::Http && err->httpStatus >= 400 &&
                             err->httpStatus < 500 && err->httpStatus != 429);
      }
      return result;
    }
    auto& answer = std::get<LlmResult>(outcome);
    result.promptTokens += answer.promptTokens;
    result.completionTokens += answer.completionTokens;
    result.backend = answer.backend;
    result.model = answer.model;
    if (answer.toolCalls.empty() || last) {
      result.output = answer.text;
      append(Message::assistant(answer.text));
      result.status = last && !answer.toolCalls.empty() ? AgentResult::Status::LimitReached
                                                        : AgentResult::Status::Completed;
      if (result.status == AgentResult::Status::LimitReached)
        result.error = "the step reached its turn or token limit";
      return result;
    }
    append(Message::assistant(answer.text, answer.toolCalls));
    for (const ToolCall& call : answer.toolCalls) {
      auto started = Clock::now();
      ToolOutput out;
      const AgentTool* tool = offered(specs, call.name) ? tools.find(call.name) : nullptr;
      if (!tool) {
        out = {"unknown tool '" + call.name + "'; this role may call: " + namesOf(specs), true};
      } else if (!call.arguments.is_object()) {
        out = {"the arguments of '" + call.name + "' are not a JSON object", true};
      } else {
        try {
          out = tool->run(call.arguments, cancel);
        } catch (const std::exception& e) {
          out = {std::string("tool failed: ") + e.what(), true};
        }
      }
      out.text = clip(std::move(out.text), limits.maxToolOutputChars);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
      if (observer.toolCall) observer.toolCall(call, out, ms);
      append(Message::toolResult(call, out.text, out.isError));
    }
  }
}

}  // namespace sb::agents
