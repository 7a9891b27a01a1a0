# 100-continue, then a body with a hole the parser steps over, then a response cut by the close.
flags --json
> PUT /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n
< HTTP/1.1 100 Continue\r\n\r\n
> abc
gap > 4
> xyz
< HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok
> GET /big HTTP/1.1\r\nHost: h\r\n\r\n
< HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial
close
== expect
{"ts":"2026-11-25T10:00:00.000200Z","proto":"http/1.1","op":"PUT","target":"/up","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:8080","sock_id":1001,"peer_sock_id":1002,"method":"PUT","path":"/up","host":"h","version":"HTTP/1.1","status":200,"status_text":"OK","req_body_bytes":10,"resp_body_bytes":2,"req_wire_bytes":81,"resp_wire_bytes":40,"req_body_captured":false,"duration_us":510,"req_headers":{"Host":"h","Expect":"100-continue","Content-Length":"10"},"resp_headers":{"Content-Length":"2"},"complete":false,"incomplete":"gap","interim_status":100}
{"ts":"2026-11-25T10:00:00.000210Z","proto":"http/1.1","op":"PUT","target":"/up","outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:8080","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"method":"PUT","path":"/up","host":"h","version":"HTTP/1.1","status":200,"status_text":"OK","req_body_bytes":10,"resp_body_bytes":2,"req_wire_bytes":81,"resp_wire_bytes":40,"req_body_captured":false,"duration_us":490,"req_headers":{"Host":"h","Expect":"100-continue","Content-Length":"10"},"resp_headers":{"Content-Length":"2"},"complete":false,"incomplete":"gap","interim_status":100}
{"ts":"2026-11-25T10:00:00.000800Z","proto":"http/1.1","op":"GET","target":"/big","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:8080","sock_id":1001,"peer_sock_id":1002,"method":"GET","path":"/big","host":"h","version":"HTTP/1.1","status":200,"status_text":"OK","req_body_bytes":0,"resp_body_bytes":7,"req_wire_bytes":30,"resp_wire_bytes":48,"duration_us":110,"req_headers":{"Host":"h"},"resp_headers":{"Content-Length":"1000"},"complete":false,"incomplete":"incomplete"}
{"ts":"2026-11-25T10:00:00.000810Z","proto":"http/1.1","op":"GET","target":"/big","outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:8080","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"method":"GET","path":"/big","host":"h","version":"HTTP/1.1","status":200,"status_text":"OK","req_body_bytes":0,"resp_body_bytes":7,"req_wire_bytes":30,"resp_wire_bytes":48,"duration_us":90,"req_headers":{"Host":"h"},"resp_headers":{"Content-Length":"1000"},"complete":false,"incomplete":"incomplete"}
-- sockets: 2, 2 http/1.1
