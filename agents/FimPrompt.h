// Turns a CompletionContext into a model request: fill-in-the-middle with the
// model family's tokens, or the server's own FIM (suffix / llama.cpp infill).
#pragma once

#include <string>

#include "agents/Llm.h"
#include "analysis/CompletionContext.h"

namespace sb::agents {

struct FimOptions {
  // "auto": send prefix and suffix and let the server apply its model's
  // template (OpenAI-compatible suffix, llama.cpp /infill, Ollama suffix).
  // "qwen", "starcoder", "codellama", "deepseek", "codestral": render the
  // tokens here into one raw prompt. "none": prefix only.
  std::string fimTemplate = "auto";
  int maxTokens = 128;
  double temperature = 0.0;
};

// The cross-file context as comment lines (path headers, signatures, the
// repository map), placed before the prefix.
std::string renderContextBlock(const CompletionContext& ctx);

// Throws std::invalid_argument for an unknown template name.
LlmRequest buildFimRequest(const CompletionContext& ctx, const FimOptions& options);

}  // namespace sb::agents
