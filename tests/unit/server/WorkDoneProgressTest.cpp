// WorkDoneProgress: $/progress values wait for the client's answer to
// window/workDoneProgress/create, go out in order after it, are dropped on a
// refusal, and a client's own token needs no creation.
#include "server/WorkDoneProgress.h"

#include <gtest/gtest.h>

#include <mutex>

namespace sb {
namespace {

struct Wire {
  std::mutex mu;
  std::vector<json> sent;
  std::shared_ptr<RpcEndpoint> ep = RpcEndpoint::create([this](std::string body) {
    std::lock_guard lock(mu);
    sent.push_back(json::parse(body));
  });
  std::vector<json> progress() {
    std::lock_guard lock(mu);
    std::vector<json> out;
    for (const auto& m : sent)
      if (m.value("method", "") == "$/progress") out.push_back(m["params"]["value"]);
    return out;
  }
  json createRequest() {
    std::lock_guard lock(mu);
    for (const auto& m : sent)
      if (m.value("method", "") == "window/workDoneProgress/create") return m;
    return nullptr;
  }
  void answer(const json& request, bool refuse) {
    json r = {{"jsonrpc", "2.0"}, {"id", request["id"]}};
    if (refuse)
      r["error"] = {{"code", -32600}, {"message", "no"}};
    else
      r["result"] = nullptr;
    ep->receive(r.dump());
  }
};

TEST(WorkDoneProgress, ValuesWaitForTheClientsAnswerThenGoOutInOrder) {
  Wire w;
  auto p = WorkDoneProgress::create(w.ep, "tok/1");
  p->begin("Indexing", {}, false, 0);
  p->report("1/2 files", 50);
  json create = w.createRequest();
  ASSERT_FALSE(create.is_null());
  EXPECT_EQ(create["params"]["token"], "tok/1");
  EXPECT_TRUE(w.progress().empty()) << "nothing before the client knows the token";
  p->end("done");
  p.reset();  // everyone let go: what is queued must still go out
  w.answer(create, false);
  auto values = w.progress();
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0]["kind"], "begin");
  EXPECT_EQ(values[0]["title"], "Indexing");
  EXPECT_EQ(values[0]["percentage"], 0);
  EXPECT_EQ(values[1]["kind"], "report");
  EXPECT_EQ(values[1]["percentage"], 50);
  EXPECT_EQ(values[2]["kind"], "end");
}

TEST(WorkDoneProgress, ARefusedTokenSendsNothing) {
  Wire w;
  auto p = WorkDoneProgress::create(w.ep, "tok/2");
  p->begin("Workflow");
  w.answer(w.createRequest(), true);
  p->report("step 1");
  p->end("done");
  EXPECT_TRUE(w.progress().empty());
}

TEST(WorkDoneProgress, TheClientsOwnTokenIsUsedAtOnce) {
  Wire w;
  auto p = WorkDoneProgress::adopt(w.ep, 7);
  p->begin("Explain", "asking the model", true, std::nullopt);
  EXPECT_TRUE(w.createRequest().is_null()) << "no creation for a client's token";
  auto values = w.progress();
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0]["cancellable"], true);
  EXPECT_FALSE(values[0].contains("percentage"));
  std::lock_guard lock(w.mu);
  EXPECT_EQ(w.sent.back()["params"]["token"], 7);
}

}  // namespace
}  // namespace sb
