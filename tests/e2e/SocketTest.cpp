// The socket transports: several clients of one daemon over loopback TCP, an
// owner-only Unix socket, and refusal of non-loopback addresses.
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "Daemon.h"

namespace sb::e2e {
namespace {

// A daemon started with --listen; stopped with SIGTERM by the test (or
// SIGKILL by ChildProcess if the test bails out).
class ListeningDaemon {
 public:
  explicit ListeningDaemon(const std::string& address, std::vector<std::string> extra = {})
      : proc_(ChildProcess::start(argv(address, std::move(extra)))) {}
  static std::vector<std::string> argv(const std::string& address, std::vector<std::string> extra) {
    std::vector<std::string> a = {SB_BINARY, "lsp", "--listen", address, "--log-level", "info"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  // The address printed on stderr ("switchboard: listening on ADDR").
  std::string waitForAddress() {
    static const std::regex kLine("switchboard: listening on (\\S+)\n");
    std::smatch m;
    bool found =
        proc_.io().waitUntil([&] { return std::regex_search(proc_.err(), m, kLine); }, 10s);
    if (!found)
      throw std::runtime_error("daemon did not report its address; stderr:\n" + proc_.err());
    return m[1];
  }

  ChildProcess& proc() { return proc_; }

 private:
  ChildProcess proc_;
};

TEST(SocketTest, TcpServesThreeClientsAtOnce) {
  ListeningDaemon daemon("tcp://127.0.0.1:0");
  std::string address = daemon.waitForAddress();
  std::smatch m;
  ASSERT_TRUE(std::regex_match(address, m, std::regex("tcp://127\\.0\\.0\\.1:(\\d+)"))) << address;
  int port = std::stoi(m[1]);
  ASSERT_GT(port, 0);

  constexpr int kClients = 3;
  std::vector<FdStream> streams;
  for (int i = 0; i < kClients; ++i) streams.push_back(connectTcp("127.0.0.1", port));
  std::vector<LspClient> clients;
  for (auto& s : streams) clients.emplace_back(s);

  // Interleave every step across the clients, so all three sessions are live
  // at the same time rather than one after another.
  std::array<json, kClients> ids;
  for (int i = 0; i < kClients; ++i)
    ids[i] = clients[i].sendRequest("initialize", {{"capabilities", json::object()}});
  for (int i = 0; i < kClients; ++i) {
    auto reply = clients[i].awaitResponse(ids[i]);
    ASSERT_EQ(reply["result"]["serverInfo"]["name"], "switchboard") << reply.dump();
    clients[i].notify("initialized", json::object());
  }
  auto uri = [](int i) { return memUri("client" + std::to_string(i) + ".py"); };
  for (int i = 0; i < kClients; ++i)
    clients[i].open(uri(i), "python",
                    "def only_in_client_" + std::to_string(i) + "():\n    pass\n");
  for (int i = 0; i < kClients; ++i)
    ids[i] = clients[i].sendRequest("textDocument/documentSymbol",
                                    {{"textDocument", {{"uri", uri(i)}}}});
  for (int i = 0; i < kClients; ++i) {
    auto reply = clients[i].awaitResponse(ids[i]);
    EXPECT_EQ(symbolPaths(reply["result"]),
              std::vector<std::string>{"only_in_client_" + std::to_string(i)})
        << "client " << i << ": " << reply.dump();
  }
  // Sessions are independent: one client cannot see another's documents.
  auto foreign =
      clients[0].request("textDocument/documentSymbol", {{"textDocument", {{"uri", uri(1)}}}});
  EXPECT_TRUE(foreign.contains("error")) << "client 0 saw client 1's document: " << foreign.dump();

  // One client leaving does not disturb the others.
  clients[0].request("shutdown", nullptr);
  clients[0].notify("exit", nullptr);
  EXPECT_TRUE(streams[0].waitUntil([] { return false; }, 3s) || streams[0].eof())
      << "the daemon did not close the connection after exit";
  auto still =
      clients[2].request("textDocument/documentSymbol", {{"textDocument", {{"uri", uri(2)}}}});
  EXPECT_EQ(symbolPaths(still["result"]), std::vector<std::string>{"only_in_client_2"});
  EXPECT_TRUE(daemon.proc().running()) << "one client's exit must not stop a socket daemon";

  daemon.proc().signal(SIGTERM);
  ASSERT_TRUE(daemon.proc().wait(5s)) << "daemon ignored SIGTERM";
}

// One client answering the daemon's window/workDoneProgress/create with a
// wrongly typed error ({"code":"no"}) once threw out of the JSON-RPC layer and
// ended the whole daemon, taking every other client's session with it.
TEST(SocketTest, AClientsMalformedAnswerDoesNotStopTheDaemon) {
  std::string dirTemplate = (std::filesystem::temp_directory_path() / "sb-e2e-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dirTemplate.data()), nullptr);
  const std::filesystem::path dir = dirTemplate;
  std::filesystem::create_directories(dir / "ws");
  std::ofstream(dir / "ws" / "a.py") << "def indexed():\n    pass\n";
  {
    ListeningDaemon daemon("tcp://127.0.0.1:0", {"--index-dir", (dir / "index").string()});
    std::smatch m;
    std::string address = daemon.waitForAddress();
    ASSERT_TRUE(std::regex_match(address, m, std::regex("tcp://127\\.0\\.0\\.1:(\\d+)")))
        << address;
    int port = std::stoi(m[1]);

    FdStream otherStream = connectTcp("127.0.0.1", port);
    LspClient other(otherStream);
    other.initialize();
    other.open(memUri("other.py"), "python", "class StillServed:\n    pass\n");

    // Indexing the workspace makes the daemon ask for a progress token.
    FdStream badStream = connectTcp("127.0.0.1", port);
    LspClient bad(badStream);
    json init =
        bad.request("initialize", {{"rootUri", "file://" + (dir / "ws").string()},
                                   {"capabilities", {{"window", {{"workDoneProgress", true}}}}}});
    ASSERT_TRUE(init.contains("result")) << init.dump();
    bad.notify("initialized", json::object());
    std::optional<json> create;
    for (int i = 0; i < 50 && !create; ++i) {
      auto msg = bad.next(200ms);
      if (msg && msg->value("method", "") == "window/workDoneProgress/create") create = msg;
    }
    ASSERT_TRUE(create) << "the daemon never asked for a progress token\n" << daemon.proc().err();
    bad.send(
        {{"jsonrpc", "2.0"}, {"id", (*create)["id"]}, {"error", {{"code", "no"}, {"message", 7}}}});

    // Both sessions, and the daemon, carry on.
    auto reply = other.request("textDocument/documentSymbol",
                               {{"textDocument", {{"uri", memUri("other.py")}}}});
    EXPECT_EQ(symbolPaths(reply["result"]), std::vector<std::string>{"StillServed"})
        << reply.dump();
    json again = bad.request("shutdown", nullptr);
    EXPECT_TRUE(again.contains("result")) << again.dump();
    EXPECT_TRUE(daemon.proc().running()) << daemon.proc().err();

    daemon.proc().signal(SIGTERM);
    EXPECT_TRUE(daemon.proc().wait(5s)) << "daemon ignored SIGTERM";
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(SocketTest, UnixSocketIsOwnerOnlyAndServes) {
  std::string dirTemplate = (std::filesystem::temp_directory_path() / "sb-e2e-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dirTemplate.data()), nullptr);
  const std::filesystem::path dir = dirTemplate;
  const std::string path = (dir / "switchboard.sock").string();
  {
    ListeningDaemon daemon("unix:" + path);
    EXPECT_EQ(daemon.waitForAddress(), "unix:" + path);

    struct stat st {};
    ASSERT_EQ(::lstat(path.c_str(), &st), 0) << "no socket file at " << path;
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "socket mode is " << std::oct << (st.st_mode & 0777);

    FdStream stream = connectUnix(path);
    LspClient client(stream);
    client.initialize();
    client.open(memUri("unix.py"), "python", "class OverUnix:\n    pass\n");
    auto reply = client.request("textDocument/documentSymbol",
                                {{"textDocument", {{"uri", memUri("unix.py")}}}});
    EXPECT_EQ(symbolPaths(reply["result"]), std::vector<std::string>{"OverUnix"}) << reply.dump();

    daemon.proc().signal(SIGTERM);
    EXPECT_TRUE(daemon.proc().wait(5s)) << "daemon ignored SIGTERM";
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// A scratch folder under the system temp dir, removed at the end.
class TempFolder {
 public:
  TempFolder() {
    std::string t = (std::filesystem::temp_directory_path() / "sb-e2e-XXXXXX").string();
    if (::mkdtemp(t.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = t;
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

mode_t modeOf(const std::filesystem::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// Starts a Unix-socket daemon at `socket` and stops it; returns the address it printed.
std::string serveOnceAt(const std::filesystem::path& socket) {
  ListeningDaemon daemon("unix:" + socket.string());
  std::string address = daemon.waitForAddress();
  EXPECT_EQ(modeOf(socket), 0600u) << std::oct << modeOf(socket);
  daemon.proc().signal(SIGTERM);
  EXPECT_TRUE(daemon.proc().wait(5s)) << "daemon ignored SIGTERM";
  return address;
}

// A daemon that must refuse to start: exit status 2, the reason on stderr, no socket.
void expectRefused(const std::filesystem::path& socket, const std::string& why) {
  auto run = runToCompletion(ListeningDaemon::argv("unix:" + socket.string(), {}), 10s);
  EXPECT_EQ(run.status.code, 2) << run.status.describe() << run.err;
  EXPECT_NE(run.err.find(why), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("listening on"), std::string::npos) << run.err;
}

TEST(SocketTest, EveryMissingFolderOnTheSocketPathIsCreatedOwnerOnly) {
  TempFolder tmp;
  ::chmod(tmp.path().c_str(), 0755);
  const auto socket = tmp.path() / "a" / "b" / "c" / "switchboard.sock";
  serveOnceAt(socket);
  for (const char* sub : {"a", "a/b", "a/b/c"})
    EXPECT_EQ(modeOf(tmp.path() / sub), 0700u)
        << sub << ": " << std::oct << modeOf(tmp.path() / sub);
  EXPECT_EQ(modeOf(tmp.path()), 0755u) << "an existing folder's mode is left alone";
}

TEST(SocketTest, ReadableExistingParentIsUsedAsIs) {
  // Others may list a 0755 folder, but the socket's own 0600 mode keeps them out.
  TempFolder tmp;
  ::chmod(tmp.path().c_str(), 0755);
  EXPECT_EQ(serveOnceAt(tmp.path() / "switchboard.sock"),
            "unix:" + (tmp.path() / "switchboard.sock").string());
  EXPECT_EQ(modeOf(tmp.path()), 0755u);
}

TEST(SocketTest, ParentOthersCanWriteIsRefusedUnlessSticky) {
  TempFolder tmp;
  ::chmod(tmp.path().c_str(), 0777);  // anyone could swap the socket for their own
  expectRefused(tmp.path() / "switchboard.sock", "writable by other users");
  expectRefused(tmp.path() / "new" / "switchboard.sock", "writable by other users");
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "new")) << "nothing is created under it";
  ::chmod(tmp.path().c_str(), 01777);  // like /tmp: only an entry's owner may rename it
  serveOnceAt(tmp.path() / "switchboard.sock");
}

TEST(SocketTest, ParentOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a folder to another user";
  TempFolder tmp;
  ASSERT_EQ(::chown(tmp.path().c_str(), 65534, 65534), 0);
  ::chmod(tmp.path().c_str(), 0755);
  expectRefused(tmp.path() / "switchboard.sock", "belongs to another user");
}

TEST(SocketTest, RegularFileAtTheSocketPathIsNotReplaced) {
  TempFolder tmp;
  ::chmod(tmp.path().c_str(), 0700);
  const auto path = tmp.path() / "switchboard.sock";
  std::ofstream(path) << "precious\n";
  expectRefused(path, "exists and is not a socket");
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "precious");
}

TEST(SocketTest, HttpRequestOnTheLspPortIsRefusedAndClosed) {
  // What a web page's fetch() to the port sends: an HTTP POST whose body is
  // an LSP message. It must not reach the session.
  ListeningDaemon daemon("tcp://127.0.0.1:0");
  std::smatch m;
  std::string address = daemon.waitForAddress();
  ASSERT_TRUE(std::regex_match(address, m, std::regex("tcp://127\\.0\\.0\\.1:(\\d+)")));
  const int port = std::stoi(m[1]);
  const std::string body =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})";
  for (std::string method : {"POST", "OPTIONS"}) {
    FdStream http = connectTcp("127.0.0.1", port);
    http.write(method + " / HTTP/1.1\r\nHost: evil.example:" + std::to_string(port) +
               "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\nOrigin: http://evil.example\r\n\r\n" + body);
    http.waitUntil([] { return false; }, 3s);  // until the daemon closes it
    EXPECT_TRUE(http.eof()) << method << ": the connection should be closed";
    EXPECT_EQ(http.inbox().rfind("HTTP/1.1 400", 0), 0u) << method << ": " << http.inbox();
    EXPECT_EQ(http.inbox().find("serverInfo"), std::string::npos) << http.inbox();
  }
  EXPECT_TRUE(daemon.proc().io().waitUntil(
      [&] { return daemon.proc().err().find("HTTP request") != std::string::npos; }, 5s))
      << "the refusal should be logged: " << daemon.proc().err();
  // LSP clients are still served, including one whose first bytes come one at a time.
  FdStream stream = connectTcp("127.0.0.1", port);
  std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (char c : frame.substr(0, 4)) {
    stream.write(std::string(1, c));
    std::this_thread::sleep_for(10ms);
  }
  stream.write(frame.substr(4));
  EXPECT_TRUE(
      stream.waitUntil([&] { return stream.inbox().find("serverInfo") != std::string::npos; }, 5s))
      << stream.inbox();
  daemon.proc().signal(SIGTERM);
  EXPECT_TRUE(daemon.proc().wait(5s));
}

TEST(SocketTest, NonLoopbackTcpRefusedWithoutAllowRemote) {
  auto run = runToCompletion({SB_BINARY, "lsp", "--listen", "tcp://0.0.0.0:0"}, 10s);
  EXPECT_TRUE(run.status.exited()) << run.status.describe();
  EXPECT_NE(run.status.code, 0);
  EXPECT_NE(run.err.find("--allow-remote"), std::string::npos)
      << "the refusal should say how to override it; stderr: " << run.err;
  EXPECT_EQ(run.err.find("listening on"), std::string::npos) << run.err;
}

TEST(SocketTest, AllowRemoteNeedsAToken) {
  auto run =
      runToCompletion({SB_BINARY, "lsp", "--listen", "tcp://0.0.0.0:0", "--allow-remote"}, 10s);
  EXPECT_EQ(run.status.code, 2) << run.status.describe();
  EXPECT_NE(run.err.find("--token"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("listening on"), std::string::npos) << run.err;
}

TEST(SocketTest, WithATokenOnlyClientsPresentingItAreServed) {
  ListeningDaemon daemon("tcp://127.0.0.1:0", {"--token", "s3cret-token"});
  std::smatch m;
  std::string address = daemon.waitForAddress();
  ASSERT_TRUE(std::regex_match(address, m, std::regex("tcp://127\\.0\\.0\\.1:(\\d+)"))) << address;
  int port = std::stoi(m[1]);

  FdStream intruder = connectTcp("127.0.0.1", port);
  LspClient bad(intruder);
  json refused = bad.request("initialize", {{"capabilities", json::object()},
                                            {"initializationOptions", {{"token", "guess"}}}});
  ASSERT_TRUE(refused.contains("error")) << refused.dump();
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("token"), std::string::npos);
  EXPECT_EQ(refused.dump().find("s3cret"), std::string::npos);
  EXPECT_FALSE(bad.next(2s).has_value());  // and the connection is closed
  EXPECT_TRUE(intruder.eof());

  FdStream friendStream = connectTcp("127.0.0.1", port);
  LspClient good(friendStream);
  json ok = good.request("initialize", {{"capabilities", json::object()},
                                        {"initializationOptions", {{"token", "s3cret-token"}}}});
  ASSERT_TRUE(ok.contains("result")) << ok.dump();
  EXPECT_EQ(daemon.proc().err().find("s3cret-token"), std::string::npos);  // never logged
  daemon.proc().signal(SIGTERM);
  EXPECT_TRUE(daemon.proc().wait(5s));
}

}  // namespace
}  // namespace sb::e2e
