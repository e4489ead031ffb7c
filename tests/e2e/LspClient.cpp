#include "LspClient.h"

#include <charconv>
#include <stdexcept>

namespace sb::e2e {

std::string frame(std::string_view body) {
  std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

std::string memUri(const std::string& name) {
  return "file:///e2e/" + name;
}

void LspClient::notify(const std::string& method, json params) {
  send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

json LspClient::sendRequest(const std::string& method, json params) {
  json id = nextId_++;
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  return id;
}

std::optional<json> LspClient::next(Millis timeout) {
  std::string& in = io_.inbox();
  size_t headerEnd = std::string::npos, bodyLength = 0;
  // Parses the header block once it is complete; the daemon must frame exactly.
  auto haveHeader = [&] {
    headerEnd = in.find("\r\n\r\n");
    if (headerEnd == std::string::npos) return false;
    constexpr std::string_view kName = "Content-Length: ";
    if (in.compare(0, kName.size(), kName) != 0)
      throw std::runtime_error("daemon sent a frame without Content-Length: " + in.substr(0, 80));
    const char* begin = in.data() + kName.size();
    auto [ptr, ec] = std::from_chars(begin, in.data() + headerEnd, bodyLength);
    if (ec != std::errc() || ptr != in.data() + headerEnd)
      throw std::runtime_error("daemon sent a bad header block: " + in.substr(0, headerEnd));
    return true;
  };
  if (!io_.waitUntil(haveHeader, timeout)) return std::nullopt;
  if (!io_.waitUntil([&] { return in.size() >= headerEnd + 4 + bodyLength; }, timeout))
    return std::nullopt;
  std::string body = in.substr(headerEnd + 4, bodyLength);
  in.erase(0, headerEnd + 4 + bodyLength);
  try {
    return json::parse(body);
  } catch (const json::exception& e) {
    throw std::runtime_error("daemon sent invalid JSON (" + std::string(e.what()) +
                             "): " + body.substr(0, 200));
  }
}

json LspClient::awaitResponse(const json& id, std::vector<json>* others, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    auto msg = next(std::max(left, Millis(0)));
    if (!msg)
      throw std::runtime_error("no response to request id " + id.dump() + " within " +
                               std::to_string(timeout.count()) + " ms" +
                               (io_.eof() ? " (the daemon closed its output)" : ""));
    bool isResponse = msg->is_array() || !msg->contains("method");
    if (!isResponse) {
      if (serverRequests_ && msg->contains("id"))
        send({{"jsonrpc", "2.0"}, {"id", (*msg)["id"]}, {"result", serverRequests_(*msg)}});
      notifications_.push_back(std::move(*msg));
      continue;
    }
    if (msg->is_object() && msg->contains("id") && (*msg)["id"] == id) return *msg;
    if (!others)
      throw std::runtime_error("unexpected message while waiting for id " + id.dump() + ": " +
                               msg->dump());
    others->push_back(std::move(*msg));
  }
}

json LspClient::request(const std::string& method, json params, Millis timeout) {
  return awaitResponse(sendRequest(method, std::move(params)), nullptr, timeout);
}

json LspClient::initialize(json capabilities) {
  json reply = request("initialize", {{"processId", nullptr},
                                      {"rootUri", nullptr},
                                      {"clientInfo", {{"name", "e2e_tests"}}},
                                      {"capabilities", std::move(capabilities)}});
  if (!reply.contains("result")) throw std::runtime_error("initialize failed: " + reply.dump());
  notify("initialized", json::object());
  return reply["result"];
}

void LspClient::open(const std::string& uri, const std::string& languageId,
                     const std::string& text) {
  notify("textDocument/didOpen",
         {{"textDocument",
           {{"uri", uri}, {"languageId", languageId}, {"version", 1}, {"text", text}}}});
}

std::vector<std::string> symbolPaths(const json& symbols, const std::string& prefix) {
  std::vector<std::string> out;
  if (!symbols.is_array()) return out;
  for (const auto& s : symbols) {
    std::string path = prefix + s.value("name", "?");
    out.push_back(path);
    if (s.contains("children")) {
      auto inner = symbolPaths(s["children"], path + "/");
      out.insert(out.end(), inner.begin(), inner.end());
    }
  }
  return out;
}

}  // namespace sb::e2e
