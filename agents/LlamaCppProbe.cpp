#include "agents/LlamaCppProbe.h"

#include <curl/curl.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace sb::agents {

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() > (1 << 20)) return 0;  // not a /props answer: stop reading
  body->append(data, size * n);
  return size * n;
}

}  // namespace

bool isLlamaServer(const std::string& baseUrl, std::chrono::milliseconds timeout) {
  std::string root = baseUrl;
  while (!root.empty() && root.back() == '/') root.pop_back();
  if (root.size() >= 3 && root.compare(root.size() - 3, 3, "/v1") == 0)
    root.resize(root.size() - 3);
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return false;
  std::string body;
  std::string url = root + "/props";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  if (curl_easy_perform(curl.get()) != CURLE_OK) return false;
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return false;
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_object() && (j.contains("default_generation_settings") || j.contains("total_slots"));
}

}  // namespace sb::agents
