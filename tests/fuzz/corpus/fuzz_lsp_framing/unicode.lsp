Content-Length: 84

{"jsonrpc":"2.0","id":"\ud83d\ude00","method":"Ã©ðŸ˜€","params":{"s":"\udc00 lone"}}Content-Length: 38

{"jsonrpc":"2.0","id":8,"method":"ÿþ"}Content-Length: 57

{"jsonrpc":"2.0","id":9223372036854775807,"method":"big"}