# JSON: proto, op, target, outcome, and the protocol's own field (reply).
port 7
flags --json
> ECHO hi\n
< +hi\n
> BAD x\n
< -unknown verb BAD\n
close
== expect
{"ts":"2026-11-25T10:00:00.000200Z","proto":"echo","op":"ECHO","target":"hi","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:7","sock_id":1001,"peer_sock_id":1002,"reply":"hi","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":8,"resp_wire_bytes":4,"duration_us":110,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null}
{"ts":"2026-11-25T10:00:00.000210Z","proto":"echo","op":"ECHO","target":"hi","outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:7","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"reply":"hi","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":8,"resp_wire_bytes":4,"duration_us":90,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null}
{"ts":"2026-11-25T10:00:00.000400Z","proto":"echo","op":"BAD","target":"x","outcome":"error","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:7","sock_id":1001,"peer_sock_id":1002,"reply":"unknown verb BAD","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":6,"resp_wire_bytes":18,"duration_us":110,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null}
{"ts":"2026-11-25T10:00:00.000410Z","proto":"echo","op":"BAD","target":"x","outcome":"error","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:7","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"reply":"unknown verb BAD","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":6,"resp_wire_bytes":18,"duration_us":90,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null}
-- sockets: 2, 2 echo
