Content-Length: 43

{

"jsonrpc":"2.0",
"id":7,"method":"m"}Content-Length: 2

{}