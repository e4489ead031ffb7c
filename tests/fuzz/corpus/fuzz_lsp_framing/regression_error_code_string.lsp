Content-Length: 51

{"jsonrpc":"2.0","id":"sb-1","error":{"code":"no"}}