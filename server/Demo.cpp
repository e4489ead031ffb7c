#include "Demo.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <utility>  // before Asio: Boost 1.74 needs std::exchange

#include <boost/asio.hpp>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "Framing.h"
#include "LspServer.h"
#include "SocketServer.h"
#include "analysis/FileText.h"
#include "protocol/Uri.h"

namespace sb {
namespace {

namespace asio = boost::asio;
using unix_socket = asio::local::stream_protocol;

// A minimal blocking LSP client over a Unix socket.
class DemoClient {
 public:
  explicit DemoClient(const std::string& path) : socket_(io_) {
    socket_.connect(unix_socket::endpoint(path));
    timeval tv{5, 0};  // never hang the demo
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  void send(const json& message) {
    std::string frame = ContentLengthEncoder().encode(toWire(message));
    asio::write(socket_, asio::buffer(frame));
  }
  json request(const std::string& method, json params) {
    int id = nextId_++;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return waitFor([&](const json& m) { return m.contains("id") && m["id"] == id; });
  }
  void notify(const std::string& method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  template <class Pred>
  json waitFor(Pred pred) {
    for (;;) {
      for (auto it = inbox_.begin(); it != inbox_.end(); ++it)
        if (pred(*it)) {
          json m = std::move(*it);
          inbox_.erase(it);
          return m;
        }
      char buf[65536];
      boost::system::error_code ec;
      size_t n = socket_.read_some(asio::buffer(buf), ec);
      if (ec) throw std::runtime_error("demo: no answer from the daemon: " + ec.message());
      decoder_.feed(
          std::string_view(buf, n),
          FrameSink{[this](const std::string& body) { inbox_.push_back(json::parse(body)); },
                    [](const std::string& error) { throw std::runtime_error(error); }});
    }
  }

 private:
  asio::io_context io_;
  unix_socket::socket socket_;
  ContentLengthDecoder decoder_{64 << 20};
  std::deque<json> inbox_;
  int nextId_ = 1;
};

void printOutline(const json& symbols, int depth, int& budget) {
  for (const auto& s : symbols) {
    if (budget-- <= 0) return;
    std::cout << "    " << std::string(depth * 2, ' ') << s["name"].get<std::string>() << "  (line "
              << s["selectionRange"]["start"]["line"].get<int>() + 1 << ")\n";
    if (s.contains("children")) printOutline(s["children"], depth + 1, budget);
  }
}

}  // namespace

int runDemo(const std::string& file, Workers& workers, const LspOptions& options) {
  namespace fs = std::filesystem;
  std::optional<std::string> text = readFileText(file);
  if (!text) {
    std::cerr << "demo: cannot read " << file << "\n";
    return 2;
  }
  std::string tmpl = (fs::temp_directory_path() / "switchboard-demo-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) {
    std::cerr << "demo: cannot create a temporary directory\n";
    return 2;
  }
  std::string socketPath = tmpl + "/switchboard.sock";

  SocketServerOptions serverOptions;
  serverOptions.address.kind = ListenAddress::Kind::Unix;
  serverOptions.address.path = socketPath;
  SocketServer server(serverOptions, [&](const SessionContext& ctx) {
    return std::make_unique<LspServer>(ctx, workers, options);
  });
  std::thread io([&] { server.run(); });
  std::cout << "switchboard " << SWITCHBOARD_VERSION << " listening on " << server.boundAddress()
            << "\n\n";

  int rc = 0;
  try {
    DemoClient client(socketPath);
    std::string uri = pathToFileUri(fs::absolute(file).string());
    auto t0 = std::chrono::steady_clock::now();
    json init = client.request(
        "initialize", {{"processId", nullptr},
                       {"clientInfo", {{"name", "switchboard-demo"}}},
                       {"capabilities",
                        {{"general", {{"positionEncodings", {"utf-8", "utf-16"}}}},
                         {"textDocument",
                          {{"documentSymbol", {{"hierarchicalDocumentSymbolSupport", true}}}}}}}});
    client.notify("initialized", json::object());
    auto ms = [&] {
      return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
          .count();
    };
    std::cout << "-> initialize\n<- " << init["result"]["serverInfo"]["name"].get<std::string>()
              << ", position encoding " << init["result"]["capabilities"]["positionEncoding"]
              << "\n\n";

    client.notify(
        "textDocument/didOpen",
        {{"textDocument", {{"uri", uri}, {"languageId", ""}, {"version", 1}, {"text", *text}}}});
    json initial = client.waitFor(
        [](const json& m) { return m.value("method", "") == "textDocument/publishDiagnostics"; });
    std::cout << "-> didOpen " << file
              << "\n<- publishDiagnostics: " << initial["params"]["diagnostics"].size()
              << " syntax errors\n\n";

    t0 = std::chrono::steady_clock::now();
    json symbols =
        client.request("textDocument/documentSymbol", {{"textDocument", {{"uri", uri}}}});
    std::cout << "-> documentSymbol (" << ms() << " ms)\n<- " << symbols["result"].size()
              << " top-level symbols:\n";
    int budget = 25;
    printOutline(symbols["result"], 0, budget);
    if (budget < 0) std::cout << "    ...\n";

    json folds = client.request("textDocument/foldingRange", {{"textDocument", {{"uri", uri}}}});
    std::cout << "\n-> foldingRange\n<- " << folds["result"].size() << " foldable regions\n";

    // Break the file: delete the last closing brace, see the diagnostic.
    const std::string& content = *text;
    size_t brace = content.rfind('}');
    if (brace != std::string::npos) {
      size_t line =
          std::count(content.begin(), content.begin() + static_cast<std::ptrdiff_t>(brace), '\n');
      size_t col =
          brace -
          (content.rfind('\n', brace) == std::string::npos ? 0 : content.rfind('\n', brace) + 1);
      json range = {{"start", {{"line", line}, {"character", col}}},
                    {"end", {{"line", line}, {"character", col + 1}}}};
      client.notify("textDocument/didChange",
                    {{"textDocument", {{"uri", uri}, {"version", 2}}},
                     {"contentChanges", {{{"range", range}, {"text", ""}}}}});
      json diag = client.waitFor(
          [](const json& m) { return m.value("method", "") == "textDocument/publishDiagnostics"; });
      std::cout << "\n-> didChange: delete the '}' at " << file << ":" << line + 1 << ":" << col + 1
                << "\n<- publishDiagnostics:\n";
      for (const auto& d : diag["params"]["diagnostics"])
        std::cout << "    " << file << ":" << d["range"]["start"]["line"].get<int>() + 1 << ":"
                  << d["range"]["start"]["character"].get<int>() + 1 << ": "
                  << d["message"].get<std::string>() << "\n";
    }

    client.request("shutdown", nullptr);
    client.notify("exit", nullptr);
    std::cout << "\n-> shutdown, exit\nDemo finished: the daemon answered every request.\n";
  } catch (const std::exception& e) {
    std::cerr << "demo failed: " << e.what() << "\n";
    rc = 1;
  }
  server.stop();
  io.join();
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  return rc;
}

}  // namespace sb
