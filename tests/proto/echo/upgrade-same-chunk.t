# The 101 and the server's first bytes of the new protocol in one write: the rest of the chunk
# is already the new protocol's. (A client must wait for the 101 before it sends any: RFC 6455
# 4.1; bytes it sends earlier are parsed as HTTP.)
flags --json
> GET /chat HTTP/1.1\r\nUpgrade: toy-echo\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: toy-echo\r\n\r\n+welcome\n
> ECHO x\n
< +x\n
close
== expect
{"ts":"2026-11-25T10:00:00.000200Z","proto":"http/1.1","op":"GET","target":"/chat","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:8080","sock_id":1001,"peer_sock_id":1002,"method":"GET","path":"/chat","host":null,"version":"HTTP/1.1","status":101,"status_text":"Switching Protocols","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":41,"resp_wire_bytes":55,"duration_us":110,"req_headers":{"Upgrade":"toy-echo"},"resp_headers":{"Upgrade":"toy-echo"},"complete":true,"incomplete":null,"upgraded":true}
{"ts":"2026-11-25T10:00:00.000210Z","proto":"http/1.1","op":"GET","target":"/chat","outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:8080","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"method":"GET","path":"/chat","host":null,"version":"HTTP/1.1","status":101,"status_text":"Switching Protocols","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":41,"resp_wire_bytes":55,"duration_us":90,"req_headers":{"Upgrade":"toy-echo"},"resp_headers":{"Upgrade":"toy-echo"},"complete":true,"incomplete":null,"upgraded":true}
{"ts":"2026-11-25T10:00:00.000300Z","proto":"echo","op":null,"target":null,"outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:8080","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"reply":"welcome","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":0,"resp_wire_bytes":9,"duration_us":null,"req_headers":{},"resp_headers":{},"complete":false,"incomplete":"no request"}
{"ts":"2026-11-25T10:00:00.000310Z","proto":"echo","op":null,"target":null,"outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:8080","sock_id":1001,"peer_sock_id":1002,"reply":"welcome","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":0,"resp_wire_bytes":9,"duration_us":null,"req_headers":{},"resp_headers":{},"complete":false,"incomplete":"no request"}
{"ts":"2026-11-25T10:00:00.000400Z","proto":"echo","op":"ECHO","target":"x","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:8080","sock_id":1001,"peer_sock_id":1002,"reply":"x","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":7,"resp_wire_bytes":3,"duration_us":110,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null}
{"ts":"2026-11-25T10:00:00.000410Z","proto":"echo","op":"ECHO","target":"x","outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:8080","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"reply":"x","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":7,"resp_wire_bytes":3,"duration_us":90,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null}
-- sockets: 2, 2 http/1.1, 2 upgraded to echo
