#include "server/JsonRpc.h"

#include <gtest/gtest.h>

#include <thread>

namespace sb {
namespace {

// Records what the endpoint sends and what reaches the handler.
struct Harness : RpcHandler {
  std::mutex mu;
  std::vector<json> sent;
  std::vector<Request> requests;
  std::vector<std::pair<std::string, json>> notifications;
  std::shared_ptr<RpcEndpoint> ep;

  Harness() {
    ep = RpcEndpoint::create([this](std::string body) {
      std::lock_guard lock(mu);
      sent.push_back(json::parse(body));
    });
    ep->setHandler(this);
  }
  void onRequest(Request r) override { requests.push_back(std::move(r)); }
  void onNotification(std::string_view m, const json& p) override {
    notifications.emplace_back(std::string(m), p);
  }
  json last() {
    std::lock_guard lock(mu);
    return sent.back();
  }
};

TEST(RpcEndpoint, MalformedJsonGetsParseErrorWithNullId) {
  Harness h;
  h.ep->receive("{not json");
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.last()["error"]["code"], rpc::ParseError);
  EXPECT_TRUE(h.last()["id"].is_null());
}

TEST(RpcEndpoint, NumberOverflowIsAParseError) {
  Harness h;
  h.ep->receive(R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1e999]})");
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.last()["error"]["code"], rpc::ParseError);
}

TEST(RpcEndpoint, InvalidUtf8IsAParseError) {
  Harness h;
  h.ep->receive("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"s\":\"\xff\xfe\"}}");
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.last()["error"]["code"], rpc::ParseError);
}

TEST(RpcEndpoint, DeeplyNestedMessageIsRefusedWithoutCrashing) {
  Harness h;
  std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"m","params":[)" +
                     std::string(100000, '[') + std::string(100000, ']') + "]}";
  h.ep->receive(deep);
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.last()["error"]["code"], rpc::ParseError);
  EXPECT_TRUE(h.requests.empty());
  // Brackets inside strings do not count.
  h.ep->receive(R"({"jsonrpc":"2.0","id":2,"method":"m","params":{"s":")" + std::string(1000, '[') +
                R"("}})");
  EXPECT_EQ(h.requests.size(), 1u);
}

TEST(RpcEndpoint, WrongShapesAreInvalidRequests) {
  for (const char* bad :
       {R"(42)", R"({"id":1,"method":"m"})", R"({"jsonrpc":"1.0","id":1,"method":"m"})",
        R"({"jsonrpc":"2.0","id":1,"method":7})", R"({"jsonrpc":"2.0","id":{},"method":"m"})",
        R"({"jsonrpc":"2.0","id":1,"method":"m","params":"str"})"}) {
    Harness h;
    h.ep->receive(bad);
    ASSERT_EQ(h.sent.size(), 1u) << bad;
    EXPECT_EQ(h.last()["error"]["code"], rpc::InvalidRequest) << bad;
    EXPECT_TRUE(h.requests.empty());
  }
}

TEST(RpcEndpoint, RequestReachesHandlerAndReplyMatchesId) {
  Harness h;
  h.ep->receive(R"({"jsonrpc":"2.0","id":"abc","method":"echo","params":{"x":1}})");
  ASSERT_EQ(h.requests.size(), 1u);
  EXPECT_EQ(h.requests[0].method, "echo");
  EXPECT_EQ(h.requests[0].params["x"], 1);
  h.requests[0].reply.result({{"ok", true}});
  EXPECT_EQ(h.last()["id"], "abc");
  EXPECT_EQ(h.last()["result"]["ok"], true);
  EXPECT_EQ(h.ep->inFlight(), 0u);
}

TEST(RpcEndpoint, RepliesFromOtherThreadsInAnyOrder) {
  Harness h;
  for (int i = 0; i < 20; ++i)
    h.ep->receive(json({{"jsonrpc", "2.0"}, {"id", i}, {"method", "m"}}).dump());
  std::vector<std::thread> threads;
  for (int i = 19; i >= 0; --i) threads.emplace_back([&h, i] { h.requests[i].reply.result(i); });
  for (auto& t : threads) t.join();
  ASSERT_EQ(h.sent.size(), 20u);
  for (const auto& m : h.sent) EXPECT_EQ(m["id"], m["result"]);
}

TEST(RpcEndpoint, DroppedReplyAnswersInternalError) {
  Harness h;
  h.ep->receive(R"({"jsonrpc":"2.0","id":5,"method":"m"})");
  h.requests.clear();  // destroys the Reply unanswered
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.last()["id"], 5);
  EXPECT_EQ(h.last()["error"]["code"], rpc::InternalError);
}

TEST(RpcEndpoint, ReplyIsSentOnlyOnce) {
  Harness h;
  h.ep->receive(R"({"jsonrpc":"2.0","id":5,"method":"m"})");
  h.requests[0].reply.result(1);
  h.requests[0].reply.result(2);
  h.requests[0].reply.error(rpc::InternalError, "late");
  EXPECT_EQ(h.sent.size(), 1u);
}

TEST(RpcEndpoint, CancelFlagsTheRunningRequest) {
  Harness h;
  h.ep->receive(R"({"jsonrpc":"2.0","id":9,"method":"slow"})");
  EXPECT_FALSE(h.requests[0].cancel.cancelled());
  EXPECT_TRUE(h.ep->cancel(9));
  EXPECT_TRUE(h.requests[0].cancel.cancelled());
  EXPECT_FALSE(h.ep->cancel(10));
  h.requests[0].reply.error(rpc::RequestCancelled, "cancelled");
  EXPECT_EQ(h.last()["error"]["code"], rpc::RequestCancelled);
  EXPECT_FALSE(h.ep->cancel(9));  // finished requests are forgotten
}

TEST(RpcEndpoint, DuplicateInFlightIdIsRefused) {
  Harness h;
  h.ep->receive(R"({"jsonrpc":"2.0","id":1,"method":"m"})");
  h.ep->receive(R"({"jsonrpc":"2.0","id":1,"method":"m"})");
  ASSERT_EQ(h.requests.size(), 1u);
  EXPECT_EQ(h.last()["error"]["code"], rpc::InvalidRequest);
}

TEST(RpcEndpoint, NotificationsHaveNoResponse) {
  Harness h;
  h.ep->receive(R"({"jsonrpc":"2.0","method":"note","params":[1,2]})");
  EXPECT_TRUE(h.sent.empty());
  ASSERT_EQ(h.notifications.size(), 1u);
  EXPECT_EQ(h.notifications[0].second, json::array({1, 2}));
}

TEST(RpcEndpoint, BatchGetsOneArrayResponseAfterAllReplies) {
  Harness h;
  h.ep->receive(R"([{"jsonrpc":"2.0","id":1,"method":"a"},
                    {"jsonrpc":"2.0","method":"n"},
                    {"jsonrpc":"2.0","id":2,"method":"b"},
                    5])");
  EXPECT_TRUE(h.sent.empty()) << "invalid member must wait for the rest";
  ASSERT_EQ(h.requests.size(), 2u);
  h.requests[1].reply.result("B");
  EXPECT_TRUE(h.sent.empty());
  h.requests[0].reply.result("A");
  ASSERT_EQ(h.sent.size(), 1u);
  json batch = h.last();
  ASSERT_TRUE(batch.is_array());
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0]["error"]["code"], rpc::InvalidRequest);
  EXPECT_EQ(batch[1]["result"], "B");
  EXPECT_EQ(batch[2]["result"], "A");
}

TEST(RpcEndpoint, EmptyBatchIsInvalidAndAllNotificationBatchIsSilent) {
  Harness h;
  h.ep->receive("[]");
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.last()["error"]["code"], rpc::InvalidRequest);
  h.ep->receive(R"([{"jsonrpc":"2.0","method":"n"}])");
  EXPECT_EQ(h.sent.size(), 1u);
}

TEST(RpcEndpoint, OutgoingCallResponseIsRoutedBack) {
  Harness h;
  std::optional<ResponseOrError> got;
  h.ep->call("window/workDoneProgress/create", {{"token", "t"}},
             [&](ResponseOrError r) { got = std::move(r); });
  json req = h.last();
  EXPECT_EQ(req["method"], "window/workDoneProgress/create");
  h.ep->receive(json({{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", nullptr}}).dump());
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->result);
  EXPECT_FALSE(got->error);
}

TEST(RpcEndpoint, OutgoingCallErrorAndCloseAreDelivered) {
  Harness h;
  std::optional<ResponseOrError> first, second;
  h.ep->call("a", nullptr, [&](ResponseOrError r) { first = std::move(r); });
  json req = h.last();
  h.ep->call("b", nullptr, [&](ResponseOrError r) { second = std::move(r); });
  h.ep->receive(json({{"jsonrpc", "2.0"},
                      {"id", req["id"]},
                      {"error", {{"code", -32601}, {"message", "nope"}}}})
                    .dump());
  ASSERT_TRUE(first && first->error);
  EXPECT_EQ(first->error->code, -32601);
  EXPECT_FALSE(second);
  h.ep->close();
  ASSERT_TRUE(second && second->error);
}

TEST(RpcEndpoint, MalformedErrorInAResponseIsTolerated) {
  // A client answering our request with a wrongly typed error object once
  // threw json::type_error out of receive() and terminated the daemon.
  for (const char* error :
       {R"({"code":"no"})", R"({"code":1.5,"message":7})", R"({"code":1e12,"message":null})",
        R"({"message":["x"],"data":{"k":1}})"}) {
    Harness h;
    std::optional<ResponseOrError> got;
    h.ep->call("window/workDoneProgress/create", {{"token", "t"}},
               [&](ResponseOrError r) { got = std::move(r); });
    std::string id = h.last()["id"].get<std::string>();
    EXPECT_NO_THROW(
        h.ep->receive(R"({"jsonrpc":"2.0","id":")" + id + R"(","error":)" + error + "}"))
        << error;
    ASSERT_TRUE(got && got->error) << error;
    EXPECT_EQ(got->error->code, rpc::InternalError) << error;
    EXPECT_EQ(got->error->message, "") << error;
  }
}

TEST(RpcEndpoint, ResponseCallbackThatThrowsDoesNotEscapeReceive) {
  Harness h;
  h.ep->call("a", nullptr, [](ResponseOrError) { throw std::runtime_error("handler bug"); });
  json req = h.last();
  EXPECT_NO_THROW(
      h.ep->receive(json({{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", 1}}).dump()));
  // The endpoint still serves requests afterwards.
  h.ep->receive(R"({"jsonrpc":"2.0","id":5,"method":"m"})");
  EXPECT_EQ(h.requests.size(), 1u);
}

TEST(RpcEndpoint, ResponseToUnknownIdIsDroppedQuietly) {
  Harness h;
  h.ep->receive(R"({"jsonrpc":"2.0","id":"nobody","result":1})");
  EXPECT_TRUE(h.sent.empty());
}

TEST(ToWire, ReplacesInvalidUtf8InsteadOfThrowing) {
  json j = {{"s", std::string("a\xff"
                              "b")}};
  std::string out;
  EXPECT_NO_THROW(out = toWire(j));
  EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace sb
