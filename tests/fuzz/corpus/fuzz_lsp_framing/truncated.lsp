Content-Length: 156

{"jsonrpc":"2.0",