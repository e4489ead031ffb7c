// `switchboard mcp --http`: Streamable HTTP sessions and bad input, with raw
// HTTP/1.1 over loopback TCP (no npm needed; tests/e2e/mcp_sdk covers the SDK).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "ChildProcess.h"

namespace sb::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

struct HttpReply {
  int status = 0;
  std::string head, body;
  std::string header(const std::string& lowerName) const {
    std::regex re("\r\n" + lowerName + ":\\s*([^\r]*)", std::regex::icase);
    std::smatch m;
    return std::regex_search(head, m, re) ? std::string(m[1]) : std::string();
  }
};

// One request on its own connection ("Connection: close"), read to the end.
HttpReply request(uint16_t port, const std::string& method, const std::string& headers, const std::string& body,
                  std::optional<size_t> declaredLength = std::nullopt) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  timeval tv{10, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
  std::string text = method + " /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                     "\r\nConnection: close\r\n" + headers + "Content-Length: " +
                     std::to_string(declaredLength.value_or(body.size())) + "\r\n\r\n" + body;
  for (size_t off = 0; off < text.size();) {
    ssize_t n = ::send(fd.get(), text.data() + off, text.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string in;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(fd.get(), buf, sizeof buf, 0)) > 0) in.append(buf, static_cast<size_t>(n));
  HttpReply r;
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos || in.size() < 12) return r;
  r.status = std::stoi(in.substr(9, 3));
  r.head = in.substr(0, end);
  r.body = in.substr(end + 4);
  return r;
}

const std::string kJson = "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";

class McpHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sb-mcp-http-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy(fs::path(SB_DATA_DIR) / "index" / "python", dir_ / "ws", fs::copy_options::recursive);
    proc_.emplace(ChildProcess::start({SB_BINARY, "mcp", (dir_ / "ws").string(), "--http", "127.0.0.1:0",
                                       "--index-dir", (dir_ / "index").string()}));
    static const std::regex kLine("MCP on http://127\\.0\\.0\\.1:(\\d+)/mcp\n");
    std::smatch m;
    ASSERT_TRUE(proc_->io().waitUntil([&] { return std::regex_search(proc_->err(), m, kLine); }, 10s))
        << proc_->err();
    port_ = static_cast<uint16_t>(std::stoi(m[1]));
  }
  void TearDown() override {
    proc_.reset();
    fs::remove_all(dir_);
  }

  std::string initialize() {
    json init = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
                 {"params", {{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()},
                             {"clientInfo", {{"name", "gtest"}, {"version", "1"}}}}}};
    HttpReply r = request(port_, "POST", kJson, init.dump());
    EXPECT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(json::parse(r.body)["result"]["protocolVersion"], "2025-06-18");
    std::string sid = r.header("mcp-session-id");
    EXPECT_FALSE(sid.empty()) << r.head;
    r = request(port_, "POST", kJson + "Mcp-Session-Id: " + sid + "\r\n",
                R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    EXPECT_EQ(r.status, 202);
    return sid;
  }

  fs::path dir_;
  std::optional<ChildProcess> proc_;
  uint16_t port_ = 0;
};

const std::string kList = R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})";

TEST_F(McpHttp, SessionsAreRequiredAfterInitialize) {
  std::string sid = initialize();
  HttpReply r = request(port_, "POST", kJson + "Mcp-Session-Id: " + sid + "\r\n", kList);
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_GE(json::parse(r.body)["result"]["tools"].size(), 9u);
  EXPECT_EQ(request(port_, "POST", kJson, kList).status, 400);  // before initialize: no session
  EXPECT_EQ(request(port_, "POST", kJson + "Mcp-Session-Id: nope\r\n", kList).status, 404);
  EXPECT_EQ(request(port_, "DELETE", "Mcp-Session-Id: " + sid + "\r\n", "").status, 200);
  EXPECT_EQ(request(port_, "POST", kJson + "Mcp-Session-Id: " + sid + "\r\n", kList).status, 404);
}

TEST_F(McpHttp, BadInputIsRefusedWithTheRightStatus) {
  std::string s = "Mcp-Session-Id: " + initialize() + "\r\n";
  HttpReply r = request(port_, "POST", kJson + s, "{\"jsonrpc\":");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32700);
  EXPECT_EQ(request(port_, "POST", "Content-Type: text/plain\r\n" + s, kList).status, 415);
  EXPECT_EQ(request(port_, "POST", kJson + s, "", size_t(1) << 30).status, 413);
  EXPECT_EQ(request(port_, "POST", kJson + s + "Origin: http://evil.example\r\n", kList).status, 403);
  EXPECT_EQ(request(port_, "POST", kJson + s + "MCP-Protocol-Version: 2000-01-01\r\n", kList).status, 400);
  EXPECT_EQ(request(port_, "POST", kJson + s, "[" + kList + "]").status, 400);  // no batches after 2025-03-26
  r = request(port_, "POST", kJson + s,
              R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"../../etc/passwd"}}})");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(json::parse(r.body)["result"]["isError"].get<bool>());
  // Still serving.
  EXPECT_EQ(request(port_, "POST", kJson + s, kList).status, 200);
}

TEST_F(McpHttp, SigtermExitsCleanly) {
  initialize();
  proc_->signal(SIGTERM);
  auto status = proc_->wait(10s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited());
  EXPECT_EQ(status->code, 0);
}

}  // namespace
}  // namespace sb::e2e
