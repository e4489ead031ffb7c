Content-Length: 10

{"jsonrpc":"2.0"}Content-Length: 44

{"jsonrpc":"2.0","id":3,"method":"shutdown"}{"id":1}Content-Length: 2

{}