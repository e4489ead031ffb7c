#include "HttpRequestParser.h"

#include <charconv>

namespace sb {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

HttpParseResult error(int status, std::string message) {
  HttpParseResult r;
  r.kind = HttpParseResult::Kind::Error;
  r.status = status;
  r.message = std::move(message);
  return r;
}

}  // namespace

HttpParseResult parseHttpRequest(std::string_view in, const HttpServerOptions& opt) {
  size_t end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (in.size() > opt.maxHeaderBytes) return error(431, "request headers too large");
    return {};
  }
  if (end > opt.maxHeaderBytes) return error(431, "request headers too large");
  std::string_view head = in.substr(0, end);
  HttpParseResult r;
  HttpRequest& req = r.request;
  size_t lineEnd = head.find("\r\n");
  std::string_view requestLine = head.substr(0, lineEnd);
  size_t sp1 = requestLine.find(' '), sp2 = requestLine.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return error(400, "malformed request line");
  req.method = std::string(requestLine.substr(0, sp1));
  req.target = std::string(requestLine.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view version = requestLine.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return error(505, "only HTTP/1.x is served");
  req.path = req.target.substr(0, req.target.find('?'));
  std::string_view rest =
      lineEnd == std::string_view::npos ? std::string_view() : head.substr(lineEnd + 2);
  while (!rest.empty()) {
    size_t e = rest.find("\r\n");
    std::string_view line = rest.substr(0, e);
    rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line.front() == ' ' ||
        line.front() == '\t')
      return error(400, "malformed header line");
    req.headers.emplace_back(lower(trim(line.substr(0, colon))),
                             std::string(trim(line.substr(colon + 1))));
  }
  if (req.has("transfer-encoding"))
    return error(411, "chunked request bodies are not supported: send Content-Length");
  size_t length = 0;
  if (req.has("content-length")) {
    std::string cl = req.header("content-length");
    auto [ptr, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), length);
    if (ec != std::errc() || ptr != cl.data() + cl.size())
      return error(400, "invalid Content-Length");
  }
  if (length > opt.maxBodyBytes)
    return error(413, "request body larger than " + std::to_string(opt.maxBodyBytes) + " bytes");
  if (in.size() < end + 4 + length) return {};  // the body is still arriving
  req.body = std::string(in.substr(end + 4, length));
  r.consumed = end + 4 + length;
  std::string connection = lower(req.header("connection"));
  r.closeAfter = version == "HTTP/1.0" ? connection != "keep-alive" : connection == "close";
  r.kind = HttpParseResult::Kind::Request;
  return r;
}

}  // namespace sb
