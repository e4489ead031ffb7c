#include "Framing.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace sb {
namespace {

constexpr size_t kMaxHeaderBytes = 8 * 1024;
constexpr std::string_view kContentLength = "content-length";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Case-insensitive search for "content-length:" (used to resynchronise).
size_t findContentLength(std::string_view hay) {
  constexpr std::string_view needle = "content-length:";
  if (hay.size() < needle.size()) return std::string_view::npos;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(hay[i])) == 'c' &&
        iequals(hay.substr(i, needle.size()), needle))
      return i;
  }
  return std::string_view::npos;
}

}  // namespace

void ContentLengthDecoder::resync(const FrameSink& sink, std::string error) {
  state_ = State::Resync;
  if (sink.onError) sink.onError(std::move(error));
}

void ContentLengthDecoder::feed(std::string_view bytes, const FrameSink& sink) {
  while (!bytes.empty()) {
    switch (state_) {
      case State::Body: {
        size_t take = std::min(bytes.size(), bodyLength_ - buffer_.size());
        buffer_.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
        if (buffer_.size() == bodyLength_) {
          std::string body = std::move(buffer_);
          buffer_.clear();
          state_ = State::Headers;
          if (sink.onMessage) sink.onMessage(std::move(body));
        }
        break;
      }
      case State::Headers:
        buffer_.append(bytes);
        bytes = {};
        parseHeaders(sink);
        break;
      case State::Resync: {
        // Keep a tail long enough to match a header split across chunks.
        buffer_.append(bytes);
        bytes = {};
        size_t at = findContentLength(buffer_);
        if (at == std::string::npos) {
          if (buffer_.size() > 32) buffer_.erase(0, buffer_.size() - 32);
        } else {
          buffer_.erase(0, at);
          state_ = State::Headers;
          parseHeaders(sink);
        }
        break;
      }
    }
  }
}

// Consumes complete header blocks from buffer_; may emit several messages if
// the buffer already holds whole bodies.
void ContentLengthDecoder::parseHeaders(const FrameSink& sink) {
  while (state_ == State::Headers) {
    size_t end = buffer_.find("\r\n\r\n");
    size_t sepLen = 4;
    // Tolerate bare "\n\n" from hand-written clients, when it comes first
    // (else a "\n\n" frame followed by a normal one would merge with it).
    if (const size_t bare = buffer_.find("\n\n"); bare < end) {
      end = bare;
      sepLen = 2;
    }
    if (end == std::string::npos) {
      if (buffer_.size() > kMaxHeaderBytes) {
        buffer_.erase(0, 1);  // so resync cannot match the same header again
        return resync(sink, "header block exceeds 8 KiB without a blank line");
      }
      return;
    }
    std::string_view block(buffer_.data(), end);
    std::optional<size_t> length;
    std::string error;
    while (!block.empty() && error.empty()) {
      size_t nl = block.find('\n');
      std::string_view line = block.substr(0, nl);
      block = nl == std::string_view::npos ? std::string_view{} : block.substr(nl + 1);
      line = trim(line);
      if (line.empty()) continue;
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        error = "malformed header line (no colon)";
        break;
      }
      std::string_view name = trim(line.substr(0, colon));
      std::string_view value = trim(line.substr(colon + 1));
      if (!iequals(name, kContentLength)) continue;  // Content-Type and others are tolerated
      size_t n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc() || ptr != value.data() + value.size()) {
        error = "invalid Content-Length '" + std::string(value.substr(0, 40)) + "'";
      } else if (n > maxBody_) {
        error = "Content-Length " + std::to_string(n) + " exceeds the limit of " +
                std::to_string(maxBody_) + " bytes";
      } else {
        length = n;
      }
    }
    if (error.empty() && !length) error = "missing Content-Length header";
    if (!error.empty()) {
      // Leftovers of a damaged frame glue onto the next header line; if a
      // later "Content-Length:" sits inside this block, restart there so the
      // next message is not lost.
      size_t again = findContentLength(std::string_view(buffer_).substr(1, end));
      if (again != std::string::npos) {
        buffer_.erase(0, again + 1);
        if (sink.onError) sink.onError(std::move(error));
        continue;
      }
      buffer_.erase(0, end + sepLen);
      resync(sink, std::move(error));
      // The rest of the buffer may already hold the next message.
      std::string rest = std::move(buffer_);
      buffer_.clear();
      feed(rest, sink);
      return;
    }
    bodyLength_ = *length;
    std::string rest = buffer_.substr(end + sepLen);
    buffer_.clear();
    buffer_.reserve(std::min(bodyLength_, size_t{1} << 20));
    state_ = State::Body;
    if (bodyLength_ == 0) {
      state_ = State::Headers;
      if (sink.onMessage) sink.onMessage(std::string());
      buffer_ = std::move(rest);
      continue;
    }
    feed(rest, sink);
    return;
  }
}

std::string ContentLengthEncoder::encode(std::string body) const {
  std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

void LineDecoder::feed(std::string_view bytes, const FrameSink& sink) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    std::string_view chunk = bytes.substr(0, nl);
    bytes = nl == std::string_view::npos ? std::string_view{} : bytes.substr(nl + 1);
    if (!discarding_) {
      if (line_.size() + chunk.size() > maxLine_) {
        discarding_ = true;
        line_.clear();
        if (sink.onError)
          sink.onError("message line exceeds the limit of " + std::to_string(maxLine_) + " bytes");
      } else {
        line_.append(chunk);
      }
    }
    if (nl == std::string_view::npos) return;
    // A complete line.
    if (discarding_) {
      discarding_ = false;
      continue;
    }
    std::string line = std::move(line_);
    line_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (sink.onMessage) sink.onMessage(std::move(line));
  }
}

std::string LineEncoder::encode(std::string body) const {
  body.push_back('\n');
  return body;
}

}  // namespace sb
