// Whether an OpenAI-compatible base URL is llama.cpp's llama-server: it
// answers GET <root>/props (root: the URL without a trailing /v1) with its
// generation settings. A short blocking request, made once per backend.
#pragma once

#include <chrono>
#include <string>

namespace sb::agents {

bool isLlamaServer(const std::string& openAiBaseUrl, std::chrono::milliseconds timeout);

}  // namespace sb::agents
