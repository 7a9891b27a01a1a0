# A body sent with sendfile(): its size is known, its bytes are not (JSON says so).
flags --json
role server
> GET /file HTTP/1.1\r\nHost: s\r\n\r\n
< HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n
nodata < 5000
close
== expect
{"ts":"2026-11-25T10:00:00.000210Z","proto":"http/1.1","op":"GET","target":"/file","outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:8080","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":null,"method":"GET","path":"/file","host":"s","version":"HTTP/1.1","status":200,"status_text":"OK","req_body_bytes":0,"resp_body_bytes":5000,"req_wire_bytes":31,"resp_wire_bytes":5041,"resp_body_captured":false,"duration_us":190,"req_headers":{"Host":"s"},"resp_headers":{"Content-Length":"5000"},"complete":true,"incomplete":null}
-- sockets: 1, 1 http/1.1
