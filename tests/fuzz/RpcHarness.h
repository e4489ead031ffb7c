#pragma once
// Shared by fuzz_lsp_framing and fuzz_line_framing: decode a byte stream with a
// FrameDecoder, once in one piece and once in input-derived chunks, and feed
// what comes out to an RpcEndpoint whose handler answers every request at once
// (alternately a result and an error). Checks:
//  - the decoder emits the same messages and errors however the stream is cut
//    (for streams under the 8 KiB header limit, the one documented exception);
//  - everything the endpoint sends is valid JSON-RPC 2.0: a response object,
//    or a non-empty batch array of them, with exactly one of result/error;
//  - each request the handler saw gets exactly one response, with its id and
//    the handler's own answer; each incoming message gets at most one send;
//  - nothing stays in flight, and the one call the harness makes to the client
//    gets its callback exactly once (matched by a response or at close).

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "Chunker.h"
#include "FuzzCheck.h"
#include "server/Framing.h"
#include "server/JsonRpc.h"

namespace sb::fuzz {

// What a decoder emitted, in order: (true, body) or (false, error text).
using DecodedEvents = std::vector<std::pair<bool, std::string>>;

class RpcChecker final : public RpcHandler {
 public:
  RpcChecker() {
    endpoint_ = RpcEndpoint::create([this](std::string body) { onSent(std::move(body)); });
    endpoint_->setHandler(this);
    // One call to the client, so fuzzed responses can reach its callback.
    endpoint_->call("workspace/configuration", json::object(), [this](ResponseOrError r) {
      ++callbacks_;
      SB_FUZZ_CHECK(callbacks_ == 1, "call callback ran %d times", callbacks_);
      SB_FUZZ_CHECK(r.result.has_value() != r.error.has_value(),
                    "callback needs a result or an error");
    });
    SB_FUZZ_CHECK(sentCall_, "the outgoing call was not sent");
  }
  RpcChecker(const RpcChecker&) = delete;
  RpcChecker& operator=(const RpcChecker&) = delete;
  ~RpcChecker() override { endpoint_->setHandler(nullptr); }

  void receive(const std::string& body) {
    sends_ = 0;
    endpoint_->receive(body);
    afterMessage();
  }
  void framingError(const std::string& error) {
    sends_ = 0;
    endpoint_->framingError(error);
    SB_FUZZ_CHECK(sends_ == 1, "a framing error gave %d sends", sends_);
    afterMessage();
  }
  void close() {
    endpoint_->close();
    SB_FUZZ_CHECK(callbacks_ == 1, "call callback ran %d times by close", callbacks_);
  }

  void onRequest(Request request) override {
    const int64_t token = nextToken_++;
    owed_.emplace(token, request.reply.id());
    json answer = {{"sb_token", token}, {"method", request.method}, {"params", request.params}};
    if (token % 2 == 0)
      request.reply.result(std::move(answer));
    else
      request.reply.error(RpcError{-32000, "fuzz handler error", std::move(answer)});
  }
  void onNotification(std::string_view, const json&) override {}

 private:
  void afterMessage() {
    SB_FUZZ_CHECK(sends_ <= 1, "one incoming message gave %d sends", sends_);
    SB_FUZZ_CHECK(owed_.empty(), "%zu request(s) left unanswered", owed_.size());
    SB_FUZZ_CHECK(endpoint_->inFlight() == 0, "%zu request(s) still in flight",
                  endpoint_->inFlight());
  }

  void onSent(std::string body) {
    ++sends_;
    json v;
    try {
      v = json::parse(body);
    } catch (const json::exception& e) {
      SB_FUZZ_CHECK(false, "sent invalid JSON (%s): %s", e.what(), body.c_str());
    }
    if (v.is_array()) {
      SB_FUZZ_CHECK(!v.empty(), "sent an empty batch");
      for (const json& item : v) checkResponse(item, body);
      return;
    }
    if (v.is_object() && v.contains("method")) {
      SB_FUZZ_CHECK(
          !sentCall_ && v.value("method", "") == "workspace/configuration" && v.contains("id"),
          "unexpected outgoing message: %s", body.c_str());
      sentCall_ = true;
      return;
    }
    checkResponse(v, body);
  }

  void checkResponse(const json& r, const std::string& body) {
    SB_FUZZ_CHECK(r.is_object(), "a response is not an object: %s", body.c_str());
    SB_FUZZ_CHECK(r.value("jsonrpc", "") == "2.0", "no \"jsonrpc\":\"2.0\": %s", body.c_str());
    SB_FUZZ_CHECK(r.contains("id"), "a response without id: %s", body.c_str());
    const json& id = r["id"];
    SB_FUZZ_CHECK(id.is_null() || id.is_string() || id.is_number_integer(), "bad id: %s",
                  body.c_str());
    SB_FUZZ_CHECK(!r.contains("method"), "a response with a method: %s", body.c_str());
    SB_FUZZ_CHECK(r.contains("result") != r.contains("error"),
                  "need exactly one of result/error: %s", body.c_str());
    const json* answer = nullptr;
    if (r.contains("error")) {
      const json& e = r["error"];
      SB_FUZZ_CHECK(e.is_object() && e.contains("code") && e["code"].is_number_integer() &&
                        e.contains("message") && e["message"].is_string(),
                    "malformed error object: %s", body.c_str());
      if (e.contains("data")) answer = &e["data"];
    } else {
      answer = &r["result"];
    }
    if (answer && answer->is_object() && answer->contains("sb_token")) {
      // The handler's own answer: must match a request it is owed for.
      const int64_t token = (*answer)["sb_token"].get<int64_t>();
      auto it = owed_.find(token);
      SB_FUZZ_CHECK(it != owed_.end(), "response for request %lld sent twice or never asked: %s",
                    static_cast<long long>(token), body.c_str());
      SB_FUZZ_CHECK(it->second == id, "response carries id %s, the request had %s",
                    id.dump().c_str(), it->second.dump().c_str());
      SB_FUZZ_CHECK(r.contains("error") == (token % 2 == 1), "result/error swapped: %s",
                    body.c_str());
      owed_.erase(it);
      return;
    }
    // Anything else is the endpoint's own protocol error.
    SB_FUZZ_CHECK(r.contains("error"), "a result the handler never gave: %s", body.c_str());
    const int code = r["error"]["code"].get<int>();
    SB_FUZZ_CHECK(code == rpc::ParseError || code == rpc::InvalidRequest,
                  "unexpected error code %d: %s", code, body.c_str());
  }

  std::shared_ptr<RpcEndpoint> endpoint_;
  std::map<int64_t, json> owed_;  // handler token -> request id, until answered
  int64_t nextToken_ = 0;
  int sends_ = 0;
  int callbacks_ = 0;
  bool sentCall_ = false;
};

// Runs the whole check for one input. `makeDecoder` builds a fresh decoder;
// `checkBody` vets each decoded body against the framing's own contract;
// `compareChunkings` false skips the one-piece/chunked comparison.
template <class MakeDecoder, class CheckBody>
void fuzzStream(std::string_view data, MakeDecoder makeDecoder, CheckBody checkBody,
                bool compareChunkings = true) {
  // In one piece.
  DecodedEvents whole;
  {
    auto decoder = makeDecoder();
    FrameSink sink;
    sink.onMessage = [&](std::string body) { whole.emplace_back(true, std::move(body)); };
    sink.onError = [&](std::string error) { whole.emplace_back(false, std::move(error)); };
    decoder->feed(data, sink);
  }

  // In chunks, through the endpoint as a session wires it.
  DecodedEvents chunked;
  {
    RpcChecker checker;
    auto decoder = makeDecoder();
    FrameSink sink;
    sink.onMessage = [&](std::string body) {
      checkBody(body);
      chunked.emplace_back(true, body);
      checker.receive(body);
    };
    sink.onError = [&](std::string error) {
      SB_FUZZ_CHECK(!error.empty(), "empty framing error");
      chunked.emplace_back(false, error);
      checker.framingError(error);
    };
    Chunker chunker(data);
    std::string_view rest = data;
    while (!rest.empty()) {
      const size_t n = std::min(rest.size(), chunker.nextSize());
      decoder->feed(rest.substr(0, n), sink);
      rest.remove_prefix(n);
    }
    checker.close();
  }

  if (compareChunkings && data.size() <= 8 * 1024) {
    SB_FUZZ_CHECK(whole.size() == chunked.size(), "%zu events in one piece, %zu in chunks",
                  whole.size(), chunked.size());
    for (size_t i = 0; i < whole.size(); ++i) {
      SB_FUZZ_CHECK(whole[i] == chunked[i],
                    "event %zu differs: %s '%s' in one piece, %s '%s' in chunks", i,
                    whole[i].first ? "message" : "error", whole[i].second.c_str(),
                    chunked[i].first ? "message" : "error", chunked[i].second.c_str());
    }
  }
}

}  // namespace sb::fuzz
