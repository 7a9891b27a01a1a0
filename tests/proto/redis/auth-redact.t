# --redact masks the password in the recorded bytes too (same length), and -vv --json keeps no
# byte of a command that carries one.
port 6379
flags --json -vv --redact
> *3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$7\r\nhunter2\r\n
< +OK\r\n
> *2\r\n$3\r\nGET\r\n$8\r\npassword\r\n
< $13\r\npassword=abc1\r\n
close
== expect
{"ts":"2026-11-25T10:00:00.000200Z","proto":"redis","op":"AUTH","target":"AUTH alice ***","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:6379","sock_id":1001,"peer_sock_id":1002,"key":null,"args":3,"reply_type":"simple_string","value":"OK","value_bytes":2,"req_body_bytes":38,"resp_body_bytes":5,"req_wire_bytes":38,"resp_wire_bytes":5,"duration_us":110,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null,"redis_error":null,"req_body":"","req_body_truncated":true,"resp_body":"+OK\r\n","resp_body_truncated":false}
{"ts":"2026-11-25T10:00:00.000210Z","proto":"redis","op":"AUTH","target":"AUTH alice ***","outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:6379","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"key":null,"args":3,"reply_type":"simple_string","value":"OK","value_bytes":2,"req_body_bytes":38,"resp_body_bytes":5,"req_wire_bytes":38,"resp_wire_bytes":5,"duration_us":90,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null,"redis_error":null,"req_body":"","req_body_truncated":true,"resp_body":"+OK\r\n","resp_body_truncated":false}
{"ts":"2026-11-25T10:00:00.000400Z","proto":"redis","op":"GET","target":"GET password","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:6379","sock_id":1001,"peer_sock_id":1002,"key":"password","args":2,"reply_type":"bulk_string","value":"password=****","value_bytes":13,"req_body_bytes":27,"resp_body_bytes":20,"req_wire_bytes":27,"resp_wire_bytes":20,"duration_us":110,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null,"redis_error":null,"req_body":"*2\r\n$3\r\nGET\r\n$8\r\npassword\r\n","req_body_truncated":false,"resp_body":"$13\r\npassword=****\r\n","resp_body_truncated":false}
{"ts":"2026-11-25T10:00:00.000410Z","proto":"redis","op":"GET","target":"GET password","outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:6379","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"key":"password","args":2,"reply_type":"bulk_string","value":"password=****","value_bytes":13,"req_body_bytes":27,"resp_body_bytes":20,"req_wire_bytes":27,"resp_wire_bytes":20,"duration_us":90,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null,"redis_error":null,"req_body":"*2\r\n$3\r\nGET\r\n$8\r\npassword\r\n","req_body_truncated":false,"resp_body":"$13\r\npassword=****\r\n","resp_body_truncated":false}
-- sockets: 2, 2 redis
