// parseHttpRequest: the request parser HttpServer's connections use, tested
// apart from sockets (tests/fuzz/fuzz_mcp_http.cpp fuzzes it).
#include <gtest/gtest.h>

#include "server/HttpRequestParser.h"

namespace sb {
namespace {

using Kind = HttpParseResult::Kind;

HttpServerOptions limits(size_t head = 1024, size_t body = 64) {
  HttpServerOptions o;
  o.maxHeaderBytes = head;
  o.maxBodyBytes = body;
  return o;
}

TEST(HttpRequestParser, ParsesARequestAndLeavesTheNextOne) {
  const std::string first =
      "POST /mcp?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type:  application/json \r\n"
      "Content-Length: 2\r\n\r\n{}";
  auto r = parseHttpRequest(first + "GET / HTTP/1.1\r\n", limits());
  ASSERT_EQ(r.kind, Kind::Request);
  EXPECT_EQ(r.consumed, first.size());
  EXPECT_EQ(r.request.method, "POST");
  EXPECT_EQ(r.request.target, "/mcp?x=1");
  EXPECT_EQ(r.request.path, "/mcp");
  EXPECT_EQ(r.request.header("content-type"), "application/json");
  EXPECT_EQ(r.request.body, "{}");
  EXPECT_FALSE(r.closeAfter);
}

TEST(HttpRequestParser, WaitsForTheHeadAndTheBody) {
  EXPECT_EQ(parseHttpRequest("POST /mcp HTTP/1.1\r\nContent-Length: 5\r\n", limits()).kind,
            Kind::NeedMore);
  EXPECT_EQ(parseHttpRequest("POST /mcp HTTP/1.1\r\nContent-Length: 5\r\n\r\nabc", limits()).kind,
            Kind::NeedMore);
}

TEST(HttpRequestParser, ConnectionHandlingFollowsTheVersion) {
  EXPECT_TRUE(parseHttpRequest("GET / HTTP/1.0\r\n\r\n", limits()).closeAfter);
  EXPECT_FALSE(
      parseHttpRequest("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", limits()).closeAfter);
  EXPECT_TRUE(parseHttpRequest("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", limits()).closeAfter);
}

TEST(HttpRequestParser, RefusalsCarryTheirStatus) {
  auto status = [](const std::string& in, HttpServerOptions o = limits()) {
    auto r = parseHttpRequest(in, o);
    return r.kind == Kind::Error ? r.status : 0;
  };
  EXPECT_EQ(status("GARBAGE\r\n\r\n"), 400);
  EXPECT_EQ(status("GET / HTTP/2\r\n\r\n"), 505);
  EXPECT_EQ(status("GET / HTTP/1.1\r\n folded\r\n\r\n"), 400);
  EXPECT_EQ(status("GET / HTTP/1.1\r\n: empty name\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 411);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 65\r\n\r\n"), 413);
  EXPECT_EQ(status("GET / HTTP/1.1\r\nX: " + std::string(100, 'a'), limits(64)), 431);
  EXPECT_EQ(status("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", limits(64)), 431);
}

}  // namespace
}  // namespace sb
