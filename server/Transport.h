// Byte transports and the per-connection session that sits on them.
//
//   bytes --Transport--> Session: FrameDecoder --> RpcEndpoint --> FrontEnd
//   FrontEnd replies --> RpcEndpoint --> FrameEncoder --> Transport::send
//
// A transport reads on its own thread (stdio) or on the socket server's I/O
// thread and calls Session::onBytes in order; send() may be called from any
// thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "Framing.h"
#include "JsonRpc.h"

namespace sb {

class Transport {
 public:
  virtual ~Transport() = default;
  // Queues bytes for writing; frames are written whole and in call order.
  virtual void send(std::string bytes) = 0;
  // Stops reading and closes the connection once queued bytes are written.
  virtual void close() = 0;
  virtual std::string describe() const = 0;  // for logs: "stdio", "tcp 127.0.0.1:5123"
};

enum class Framing { ContentLength, Lines };

// What a protocol front end (LSP, MCP, pipe) sees of its connection.
struct SessionContext {
  std::shared_ptr<RpcEndpoint> endpoint;
  std::function<void()> closeConnection;
  std::string peer;
};

class FrontEnd : public RpcHandler {
 public:
  // The connection is gone: cancel work, release documents.
  virtual void onDisconnect() {}
};

using FrontEndFactory = std::function<std::unique_ptr<FrontEnd>(const SessionContext&)>;

// One client connection: framing, JSON-RPC and a front end.
class Session {
 public:
  Session(std::shared_ptr<Transport> transport, Framing framing, size_t maxMessageBytes,
          const FrontEndFactory& makeFrontEnd);
  ~Session();
  void onBytes(std::string_view bytes);
  // Waits (up to `timeout`) until every request received has been answered.
  bool drain(std::chrono::milliseconds timeout);
  void onClosed();
  FrontEnd& frontEnd() { return *frontEnd_; }

 private:
  std::shared_ptr<Transport> transport_;
  std::unique_ptr<FrameDecoder> decoder_;
  std::shared_ptr<RpcEndpoint> endpoint_;
  std::unique_ptr<FrontEnd> frontEnd_;
  FrameSink sink_;
  bool closed_ = false;
};

}  // namespace sb
