Content-Length: 156
Content-Type: application/vscode-jsonrpc; charset=utf-8

{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"file:///w","capabilities":{"general":{"positionEncodings":["utf-16"]}}}}Content-Length: 54

{"jsonrpc":"2.0","id":"sb-1","result":[{"tabSize":4}]}