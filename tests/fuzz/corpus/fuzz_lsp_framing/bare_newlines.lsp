Content-Length: 120

{"jsonrpc":"2.0","id":"sym-2","method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///w/a.py"}}}Content-Length: 44

{"jsonrpc":"2.0","id":3,"method":"shutdown"}