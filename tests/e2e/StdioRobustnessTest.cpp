// Bad input over real stdio: each broken message must get the right JSON-RPC
// error (or be dropped), and the daemon must keep serving afterwards.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "Daemon.h"

namespace sb::e2e {
namespace {

const std::string kProbeUri = memUri("probe.py");
const std::string kProbeText = "def probe_function():\n    return 1\n";

// A valid request whose answer (-32601) proves the message right after a bad
// frame was read intact.
const std::string kFollowUp =
    frame(R"({"jsonrpc":"2.0","id":9001,"method":"e2e/followUp","params":{}})");

// One response as a compact string: "ID:CODE" for errors, "ID:ok" for results,
// "[...]" for a batch.
std::string render(const json& response) {
  if (response.is_array()) {
    std::string out = "[";
    for (const auto& r : response) out += (out.size() > 1 ? "," : "") + render(r);
    return out + "]";
  }
  std::string id = response.contains("id") ? response["id"].dump() : "<no id>";
  if (response.contains("error")) return id + ":" + response["error"].value("code", json(0)).dump();
  return id + (response.contains("result") ? ":ok" : ":<neither result nor error>");
}

std::vector<std::string> renderAll(const std::vector<json>& responses) {
  std::vector<std::string> out;
  for (const auto& r : responses) out.push_back(render(r));
  return out;
}

class StdioTest : public ::testing::Test {
 protected:
  // Starts a daemon, initializes it and opens the probe document.
  StdioDaemon& start(const std::vector<std::string>& extraArgs = {}) {
    daemon_.emplace(extraArgs);
    daemon_->lsp.initialize();
    daemon_->lsp.open(kProbeUri, "python", kProbeText);
    return *daemon_;
  }

  // Asks for the probe's symbols; fails unless the answer is right. Returns
  // the other responses that arrived first (the answers to the bad input).
  std::vector<json> probe(const std::string& after) {
    std::vector<json> others;
    try {
      auto reply = daemon_->lsp.awaitResponse(
          daemon_->lsp.sendRequest("textDocument/documentSymbol",
                                   {{"textDocument", {{"uri", kProbeUri}}}}),
          &others);
      EXPECT_EQ(symbolPaths(reply["result"]), std::vector<std::string>{"probe_function"})
          << "after " << after << ": " << reply.dump();
    } catch (const std::exception& e) {
      // TearDown adds the daemon's state and log.
      ADD_FAILURE() << "daemon stopped answering after " << after << ": " << e.what();
    }
    return others;
  }

  // Everything answered before two probes in a row came back right. An answer
  // computed on the worker pool may overtake the first probe, not the second;
  // the second also shows the stream is framed again, not just lucky once.
  // Responses to concurrent requests may come in any order (a request for a
  // file read from disk can finish after both probes), so an answer still
  // expected by id is waited for a little longer.
  std::vector<std::string> answersTo(const std::string& input,
                                     const std::vector<std::string>& expected = {}) {
    auto answers = renderAll(probe(input));
    auto late = renderAll(probe(input + " (second probe)"));
    answers.insert(answers.end(), late.begin(), late.end());
    for (const auto& want : expected) {
      if (want.rfind("null:", 0) == 0 || want.front() == '[') continue;
      while (std::find(answers.begin(), answers.end(), want) == answers.end()) {
        auto msg = daemon_->lsp.next(std::chrono::seconds(5));
        if (!msg) break;
        if (msg->contains("method")) continue;  // a notification
        answers.push_back(render(*msg));
      }
    }
    return answers;
  }

  void TearDown() override {
    if (daemon_ && HasFailure()) std::cerr << daemon_->describe() << "\n";
  }

  std::optional<StdioDaemon> daemon_;
};

// ---- the corpus ----

struct BadInput {
  std::string name;
  std::function<std::string()> bytes;
  // Responses expected, rendered as above, in order (see answersTo).
  std::vector<std::string> expected;
  // Framing damage may cost more than one parse error before the stream
  // resynchronises; those extra "null:-32700" lines are tolerated.
  bool extraParseErrorsOk = false;
};

// Keeps GoogleTest from dumping the struct's bytes in failure messages.
void PrintTo(const BadInput& input, std::ostream* os) {
  *os << input.name;
}

std::string nested(char open, char close, size_t depth, bool closed) {
  std::string s(depth, open);
  if (closed) s.append(depth, close);
  return s;
}

std::string deepObject(size_t depth) {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += R"({"a":)";
  s += "1";
  s.append(depth, '}');
  return s;
}

std::vector<BadInput> corpus() {
  const std::string goodBody = R"({"jsonrpc":"2.0","id":500,"method":"e2e/dropped","params":{}})";
  return {
      {"malformed_json",
       [] { return frame(R"({"jsonrpc":"2.0","id":1,"method":)"); },
       {"null:-32700"}},
      {"truncated_garbage_json", [] { return frame("{]"); }, {"null:-32700"}},
      {"content_length_too_short_then_valid",
       [=] { return "Content-Length: 10\r\n\r\n" + goodBody + kFollowUp; },
       {"null:-32700", "9001:-32601"},
       true},
      // The overlong frame swallows the start of the next message, which is
      // therefore lost; the stream must recover by the message after it.
      {"content_length_too_long_then_valid",
       [=] {
         return "Content-Length: " + std::to_string(goodBody.size() + 40) + "\r\n\r\n" + goodBody +
                kFollowUp;
       },
       {"null:-32700"},
       true},
      {"content_length_ten_billion",
       [=] { return "Content-Length: 10000000000\r\n\r\n" + goodBody + kFollowUp; },
       {"null:-32700", "9001:-32601"}},
      {"content_length_negative",
       [=] { return "Content-Length: -5\r\n\r\n{}" + kFollowUp; },
       {"null:-32700", "9001:-32601"}},
      {"content_length_not_a_number",
       [=] { return "Content-Length: twelve\r\n\r\n{}" + kFollowUp; },
       {"null:-32700", "9001:-32601"}},
      {"content_length_missing",
       [=] { return "Content-Type: application/vscode-jsonrpc\r\n\r\n" + goodBody + kFollowUp; },
       {"null:-32700", "9001:-32601"}},
      {"header_line_without_colon",
       [=] { return "Content-Length 12\r\n\r\n" + goodBody + kFollowUp; },
       {"null:-32700", "9001:-32601"}},
      {"invalid_utf8_in_string",
       [] {
         return frame(
             "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"e2e/"
             "x\",\"params\":{\"s\":\"a\xff\xfe\xc3\"}}");
       },
       {"null:-32700"}},
      {"unknown_method",
       [] { return frame(R"({"jsonrpc":"2.0","id":3,"method":"e2e/noSuchMethod"})"); },
       {"3:-32601"}},
      {"unknown_notification_dropped",
       [] { return frame(R"({"jsonrpc":"2.0","method":"e2e/noSuchNotification","params":{}})"); },
       {}},
      {"invalid_params_request",
       [] {
         return frame(
             R"({"jsonrpc":"2.0","id":"s4","method":"textDocument/documentSymbol","params":{"textDocument":42}})");
       },
       {"\"s4\":-32602"}},
      {"invalid_params_notification_dropped",
       [] {
         return frame(
             R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":[]}})");
       },
       {}},
      {"symbols_of_unopened_document",
       [] {
         return frame(
             R"({"jsonrpc":"2.0","id":5,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///e2e/never-opened.py"}}})");
       },
       {"5:-32602"}},
      {"jsonrpc_member_missing",
       [] { return frame(R"({"id":6,"method":"e2e/x"})"); },
       {"6:-32600"}},
      {"jsonrpc_version_wrong",
       [] { return frame(R"({"jsonrpc":"1.0","id":7,"method":"e2e/x"})"); },
       {"7:-32600"}},
      {"id_is_an_object",
       [] { return frame(R"({"jsonrpc":"2.0","id":{},"method":"e2e/x"})"); },
       {"null:-32600"}},
      {"params_is_a_string",
       [] { return frame(R"({"jsonrpc":"2.0","id":8,"method":"e2e/x","params":"p"})"); },
       {"8:-32600"}},
      {"message_is_a_number", [] { return frame("42"); }, {"null:-32600"}},
      {"empty_body", [] { return frame(""); }, {"null:-32700"}},
      {"empty_batch", [] { return frame("[]"); }, {"null:-32600"}},
      {"batch_of_non_objects", [] { return frame("[1,2]"); }, {"[null:-32600,null:-32600]"}},
      {"binary_garbage_then_valid",
       [=] {
         std::mt19937 rng(20240607);  // fixed seed: the same bytes on every run
         std::string junk(4096, '\0');
         for (auto& c : junk) c = static_cast<char>(rng() & 0xff);
         return junk + kFollowUp;
       },
       {"null:-32700", "9001:-32601"},
       true},
      // Nesting limits: a recursive parser, copy or destructor would overflow
      // the stack here, so anything nested deeper than 256 levels is refused
      // as a parse error before it is parsed.
      {"deep_array_unterminated",
       [] { return frame(nested('[', ']', 100000, false)); },
       {"null:-32700"}},
      {"deep_object_unterminated",
       [] { return frame(nested('{', '}', 100000, false)); },
       {"null:-32700"}},
      {"deep_array_balanced",
       [] { return frame(nested('[', ']', 100000, true)); },
       {"null:-32700"}},
      {"deep_array_in_request_params",
       [] {
         return frame(R"({"jsonrpc":"2.0","id":9,"method":"e2e/x","params":[)" +
                      nested('[', ']', 100000, true) + "]}");
       },
       {"null:-32700"}},
      {"deep_object_in_notification_params",
       [] {
         return frame(R"({"jsonrpc":"2.0","method":"textDocument/didSave","params":{"x":)" +
                      deepObject(100000) + "}}");
       },
       {"null:-32700"}},
  };
}

class BadInputTest : public StdioTest, public ::testing::WithParamInterface<BadInput> {};

// The answers to one bad input (ignoring tolerated extra parse errors).
void expectAnswers(const BadInput& input, std::vector<std::string> actual) {
  std::vector<std::string> expected = input.expected;
  if (input.extraParseErrorsOk) {
    auto isParseError = [](const std::string& s) { return s == "null:-32700"; };
    bool sawParseError = std::erase_if(actual, isParseError) > 0;
    EXPECT_TRUE(sawParseError) << input.name << ": the damaged frame was not reported";
    std::erase_if(expected, isParseError);
  }
  EXPECT_EQ(actual, expected) << "answers to " << input.name;
}

TEST_P(BadInputTest, AnsweredOrDroppedAndDaemonKeepsServing) {
  const BadInput& input = GetParam();
  start();
  daemon_->lsp.sendRaw(input.bytes());
  expectAnswers(input, answersTo(input.name, input.expected));
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInputTest, ::testing::ValuesIn(corpus()),
                         [](const auto& info) { return info.param.name; });

// The whole corpus through one process: damage must not accumulate.
TEST_F(StdioTest, WholeCorpusInOneProcess) {
  start();
  for (const auto& input : corpus()) {
    daemon_->lsp.sendRaw(input.bytes());
    expectAnswers(input, answersTo(input.name, input.expected));
    if (HasFatalFailure() || !daemon_->proc.running()) break;
  }
  EXPECT_TRUE(daemon_->proc.running()) << daemon_->describe();
}

TEST_F(StdioTest, BatchOfRequestsGetsOneArrayResponse) {
  auto& d = start();
  d.lsp.sendRaw(frame(R"([
    {"jsonrpc":"2.0","id":21,"method":"e2e/noSuchMethod"},
    {"jsonrpc":"2.0","method":"e2e/someNotification"},
    {"jsonrpc":"2.0","id":22,"method":"textDocument/documentSymbol",
     "params":{"textDocument":{"uri":")" +
                      kProbeUri + R"("}}}
  ])"));
  // The array comes when its slowest member (documentSymbol, on the worker
  // pool) is done, so wait for it rather than racing a probe.
  std::optional<json> batch;
  while (auto msg = d.lsp.next(10s)) {
    if (msg->is_array()) {
      batch = std::move(msg);
      break;
    }
    ASSERT_TRUE(msg->contains("method")) << "a batch member answered on its own: " << msg->dump();
  }
  ASSERT_TRUE(batch) << "no array response to the batch";
  EXPECT_TRUE(probe("a batch").empty()) << "more than one answer to a batch";
  ASSERT_EQ(batch->size(), 2u) << "one response per request, none for the notification: "
                               << batch->dump();
  std::map<json, json> byId;
  for (const auto& r : *batch) byId[r["id"]] = r;
  ASSERT_TRUE(byId.count(21) && byId.count(22)) << batch->dump();
  EXPECT_EQ(byId[21]["error"]["code"], -32601);
  EXPECT_EQ(symbolPaths(byId[22]["result"]), std::vector<std::string>{"probe_function"});
}

TEST_F(StdioTest, BatchOfOnlyNotificationsGetsNoResponse) {
  auto& d = start();
  d.lsp.sendRaw(
      frame(R"([{"jsonrpc":"2.0","method":"e2e/a"},{"jsonrpc":"2.0","method":"e2e/b"}])"));
  EXPECT_TRUE(probe("a batch of notifications").empty());
}

TEST_F(StdioTest, MessageOverMaxMessageBytesIsRefusedAndNextServed) {
  auto& d = start({"--max-message-bytes", "65536"});
  std::string big(200 * 1024, 'x');
  d.lsp.open(memUri("big.py"), "python", "# " + big + "\n");
  d.lsp.sendRaw(kFollowUp);
  EXPECT_EQ(renderAll(probe("an oversized message")),
            (std::vector<std::string>{"null:-32700", "9001:-32601"}));
  // Just under the limit is still accepted.
  std::string text = "def under_limit():\n    return '" + std::string(60000, 'y') + "'\n";
  d.lsp.open(memUri("under.py"), "python", text);
  auto reply = d.lsp.request("textDocument/documentSymbol",
                             {{"textDocument", {{"uri", memUri("under.py")}}}});
  EXPECT_EQ(symbolPaths(reply["result"]), std::vector<std::string>{"under_limit"}) << reply.dump();
}

TEST_F(StdioTest, OneMegabyteDidOpenIsParsed) {
  auto& d = start();
  std::string text;
  const std::string filler(1000, 'z');
  int functions = 0;
  while (text.size() < (1u << 20))
    text += "def f" + std::to_string(functions++) + "():\n    return '" + filler + "'\n\n";
  d.lsp.open(memUri("large.py"), "python", text);
  auto reply = d.lsp.request("textDocument/documentSymbol",
                             {{"textDocument", {{"uri", memUri("large.py")}}}}, 30s);
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  auto paths = symbolPaths(reply["result"]);
  ASSERT_EQ(paths.size(), static_cast<size_t>(functions));
  EXPECT_EQ(paths.front(), "f0");
  EXPECT_EQ(paths.back(), "f" + std::to_string(functions - 1));
  EXPECT_TRUE(probe("a 1 MB didOpen").empty());
}

// ---- lifecycle ----

TEST_F(StdioTest, RequestBeforeInitializeIsServerNotInitialized) {
  daemon_.emplace();
  auto& lsp = daemon_->lsp;
  auto early = lsp.request("textDocument/documentSymbol", {{"textDocument", {{"uri", kProbeUri}}}});
  EXPECT_EQ(early["error"]["code"], -32002) << early.dump();
  // A notification before initialize is dropped, not applied: the document
  // is unknown after initializing.
  lsp.open(kProbeUri, "python", kProbeText);
  lsp.initialize();
  auto after = lsp.request("textDocument/documentSymbol", {{"textDocument", {{"uri", kProbeUri}}}});
  EXPECT_EQ(after["error"]["code"], -32602) << after.dump();
  lsp.open(kProbeUri, "python", kProbeText);
  EXPECT_TRUE(probe("a request before initialize").empty());
}

TEST_F(StdioTest, SecondInitializeIsInvalidRequest) {
  auto& d = start();
  auto again = d.lsp.request("initialize", {{"capabilities", json::object()}});
  EXPECT_EQ(again["error"]["code"], -32600) << again.dump();
  EXPECT_TRUE(probe("a second initialize").empty());
}

TEST_F(StdioTest, ShutdownThenExitExitsZero) {
  auto& d = start();
  auto reply = d.lsp.request("shutdown", nullptr);
  EXPECT_TRUE(reply.contains("result") && reply["result"].is_null()) << reply.dump();
  // After shutdown only exit is accepted.
  auto late =
      d.lsp.request("textDocument/documentSymbol", {{"textDocument", {{"uri", kProbeUri}}}});
  EXPECT_EQ(late["error"]["code"], -32600) << late.dump();
  d.lsp.send({{"jsonrpc", "2.0"}, {"method", "exit"}});
  auto status = d.proc.wait(5s);  // stdin stays open: exit alone must end the process
  ASSERT_TRUE(status) << "daemon did not exit after shutdown+exit\n" << d.describe();
  EXPECT_TRUE(status->exited()) << status->describe();
  EXPECT_EQ(status->code, 0) << status->describe();
}

TEST_F(StdioTest, ExitWithoutShutdownExitsOne) {
  auto& d = start();
  d.lsp.send({{"jsonrpc", "2.0"}, {"method", "exit"}});
  auto status = d.proc.wait(5s);
  ASSERT_TRUE(status) << "daemon did not exit after exit\n" << d.describe();
  EXPECT_TRUE(status->exited()) << status->describe();
  EXPECT_EQ(status->code, 1) << status->describe();
}

TEST_F(StdioTest, EofOnStdinEndsProcess) {
  auto& d = start();
  d.proc.io().closeWrite();
  auto status = d.proc.wait(5s);
  ASSERT_TRUE(status) << "daemon kept running after stdin closed\n" << d.describe();
  EXPECT_TRUE(status->exited()) << status->describe();
  EXPECT_EQ(status->code, 1) << "EOF without shutdown is an unclean end: " << status->describe();
}

TEST_F(StdioTest, EofInTheMiddleOfAFrameEndsProcess) {
  auto& d = start();
  d.lsp.sendRaw("Content-Length: 100\r\n\r\n{\"jsonrpc\"");
  d.proc.io().closeWrite();
  auto status = d.proc.wait(5s);
  ASSERT_TRUE(status) << "daemon kept running after stdin closed mid-frame\n" << d.describe();
  EXPECT_TRUE(status->exited()) << status->describe();
}

}  // namespace
}  // namespace sb::e2e
