Content-Length: abc

{}garbage without colon

Content-Length: -5

Content-Length: 99999999999

Content-Type: x

Content-Length: 44

{"jsonrpc":"2.0","id":3,"method":"shutdown"}