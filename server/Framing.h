// Message framing for byte streams: LSP's Content-Length headers and the
// newline-delimited JSON used by MCP's stdio transport and the pipe mode.
// Decoders are incremental (fed arbitrary chunks) and never allocate more than
// their configured limit, whatever a header claims.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace sb {

// What a decoder hands out: a complete message body, or a framing error that
// the session reports (the stream then resynchronises on the next message).
struct FrameSink {
  std::function<void(std::string body)> onMessage;
  std::function<void(std::string error)> onError;
};

class FrameDecoder {
 public:
  virtual ~FrameDecoder() = default;
  virtual void feed(std::string_view bytes, const FrameSink& sink) = 0;
};

class FrameEncoder {
 public:
  virtual ~FrameEncoder() = default;
  // Takes the body by value: a line frame reuses its buffer.
  virtual std::string encode(std::string body) const = 0;
};

// "Content-Length: N\r\n[Content-Type: ...\r\n]\r\n<N bytes>".
// A bad header block (missing, negative, non-numeric or oversized length, a
// header line without a colon, a header block over 8 KiB) is reported and the
// decoder skips ahead to the next "Content-Length:" it sees. JSON bodies cannot
// hold that text outside a string, so this recovers the stream in practice.
class ContentLengthDecoder final : public FrameDecoder {
 public:
  explicit ContentLengthDecoder(size_t maxBodyBytes) : maxBody_(maxBodyBytes) {}
  void feed(std::string_view bytes, const FrameSink& sink) override;

 private:
  enum class State { Headers, Body, Resync };
  void parseHeaders(const FrameSink& sink);
  void resync(const FrameSink& sink, std::string error);

  size_t maxBody_;
  State state_ = State::Headers;
  std::string buffer_;  // unconsumed header bytes, or the body being filled
  size_t bodyLength_ = 0;
};

class ContentLengthEncoder final : public FrameEncoder {
 public:
  std::string encode(std::string body) const override;
};

// One JSON value per line; blank lines are skipped, "\r\n" is accepted.
// A line longer than the limit is reported and dropped up to its newline.
class LineDecoder final : public FrameDecoder {
 public:
  explicit LineDecoder(size_t maxLineBytes) : maxLine_(maxLineBytes) {}
  void feed(std::string_view bytes, const FrameSink& sink) override;

 private:
  size_t maxLine_;
  std::string line_;
  bool discarding_ = false;
};

class LineEncoder final : public FrameEncoder {
 public:
  std::string encode(std::string body) const override;
};

}  // namespace sb
