Content-Length: 140

[{"jsonrpc":"2.0","id":10,"method":"a","params":[1,2]},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":10,"method":"b"},{"bad":true},1]Content-Length: 2

[]Content-Length: 37

{"jsonrpc":"1.0","id":4,"method":"x"}Content-Length: 43

{"jsonrpc":"2.0","id":{"o":1},"method":"x"}Content-Length: 35

{"jsonrpc":"2.0","id":5,"method":7}Content-Length: 50

{"jsonrpc":"2.0","id":6,"method":"x","params":"s"}Content-Length: 9

{not jsonContent-Length: 0

