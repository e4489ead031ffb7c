// The floor of an MCP read_file round trip: a stdio server that answers
// read_file from replies prepared at start (every file of the workspace up to
// 1 MiB, in the same shape as Switchboard's answer), so a call costs only the
// client, the pipe and finding the reply. bench.mjs runs it against
// server-filesystem in the same run: the ratio it gets is the best any server
// could get on that machine with that client.
//
//   bench_mcp_floor WORKSPACE
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unordered_map>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The `result` of read_file for each workspace-relative path, as JSON text.
std::unordered_map<std::string, std::string> prepareReplies(const fs::path& root) {
  std::unordered_map<std::string, std::string> replies;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.file_size() > (1u << 20)) continue;
    std::ostringstream text;
    text << std::ifstream(e.path(), std::ios::binary).rdbuf();
    std::string s = text.str();
    size_t lines = 0;
    for (char c : s) lines += c == '\n';
    if (!s.empty() && s.back() != '\n') ++lines;
    std::string rel = fs::relative(e.path(), root).string();
    json result = {{"content", {{{"type", "text"}, {"text", s}}}},
                   {"structuredContent",
                    {{"path", rel}, {"startLine", 1}, {"endLine", lines}, {"totalLines", lines}}}};
    replies.emplace(rel, result.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  return replies;
}

std::string answer(const json& request,
                   const std::unordered_map<std::string, std::string>& replies) {
  const std::string method = request.value("method", "");
  if (method == "initialize")
    return json{{"protocolVersion", request["params"].value("protocolVersion", "2025-06-18")},
                {"capabilities", {{"tools", json::object()}}},
                {"serverInfo", {{"name", "mcpbench-floor"}, {"version", "1.0.0"}}}}
        .dump();
  if (method == "tools/list") {
    json integer = {{"type", "integer"}};
    return json{{"tools",
                 {{{"name", "read_file"},
                   {"inputSchema",
                    {{"type", "object"},
                     {"properties", {{"path", {{"type", "string"}}}}},
                     {"required", {"path"}}}},
                   {"outputSchema",
                    {{"type", "object"},
                     {"properties",
                      {{"path", {{"type", "string"}}},
                       {"startLine", integer},
                       {"endLine", integer},
                       {"totalLines", integer}}},
                     {"required", {"path", "startLine", "endLine", "totalLines"}}}}}}}}
        .dump();
  }
  if (method == "tools/call") {
    auto it = replies.find(request["params"]["arguments"].value("path", ""));
    if (it != replies.end()) return it->second;
    return R"({"content":[{"type":"text","text":"not prepared"}],"isError":true})";
  }
  return "{}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_mcp_floor WORKSPACE\n";
    return 2;
  }
  const auto replies = prepareReplies(fs::canonical(argv[1]));
  std::string in;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    in.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = in.find('\n', start)) != std::string::npos; start = nl + 1) {
      json request = json::parse(in.begin() + static_cast<std::ptrdiff_t>(start),
                                 in.begin() + static_cast<std::ptrdiff_t>(nl), nullptr, false);
      if (!request.is_object() || !request.contains("id")) continue;  // notifications
      std::string out = R"({"jsonrpc":"2.0","id":)" + request["id"].dump() + R"(,"result":)" +
                        answer(request, replies) + "}\n";
      for (size_t at = 0; at < out.size();) {
        ssize_t w = ::write(1, out.data() + at, out.size() - at);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return 1;
        at += static_cast<size_t>(w);
      }
    }
    in.erase(0, start);
  }
}
