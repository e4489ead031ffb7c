Content-Length: 156

{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"file:///w","capabilities":{"general":{"positionEncodings":["utf-16"]}}}}Content-Length: 52

{"jsonrpc":"2.0","method":"initialized","params":{}}Content-Length: 193

{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///w/a.py", "languageId": "python", "version": 1, "text": "def f(x):\n    return x  # é 😀\n"}}}Content-Length: 120

{"jsonrpc":"2.0","id":"sym-2","method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///w/a.py"}}}Content-Length: 68

{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"sym-2"}}Content-Length: 44

{"jsonrpc":"2.0","id":3,"method":"shutdown"}Content-Length: 33

{"jsonrpc":"2.0","method":"exit"}