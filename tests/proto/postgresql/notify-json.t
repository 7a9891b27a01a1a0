# Notifications and notices in JSON: channel, payload, backend_pid; notice.
role client
port 5433
flags --json
> Q\x00\x00\x00\x10LISTEN jobs\x00
< C\x00\x00\x00\x0bLISTEN\x00Z\x00\x00\x00\x05I
< A\x00\x00\x00\x17\x00\x00\x14\x1fjobs\x00{"id":17}\x00
close
== expect
{"ts":"2026-11-25T10:00:00.000200Z","proto":"postgresql","op":"LISTEN","target":"LISTEN jobs","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:5433","sock_id":1001,"peer_sock_id":null,"query":"LISTEN jobs","rows":null,"command_tag":"LISTEN","tx_status":"idle","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":17,"resp_wire_bytes":18,"duration_us":110,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null}
{"ts":"2026-11-25T10:00:00.000410Z","proto":"postgresql","op":"NOTIFICATION","target":"jobs","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:5433","sock_id":1001,"peer_sock_id":null,"query":null,"rows":null,"command_tag":null,"tx_status":null,"req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":0,"resp_wire_bytes":24,"duration_us":null,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null,"backend_pid":5151,"channel":"jobs","payload":"{\"id\":17}"}
-- sockets: 1, 1 postgresql
