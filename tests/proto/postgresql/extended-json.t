# The extended query's JSON: query, statement (unnamed: ""), params as a typed array, rows,
# command_tag, tx_status.
role client
port 5433
flags --json
> P\x00\x00\x00H\x00UPDATE accounts SET balance = balance + $1 WHERE id = $2\x00\x00\x02\x00\x00\x00\x14\x00\x00\x00\x15B\x00\x00\x00 \x00\x00\x00\x01\x00\x01\x00\x02\x00\x00\x00\x08\xff\xff\xff\xff\xff\xff\xff\xfb\x00\x00\x00\x02\x00\x07\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< 1\x00\x00\x00\x042\x00\x00\x00\x04C\x00\x00\x00\x0dUPDATE 1\x00Z\x00\x00\x00\x05T
close
== expect
{"ts":"2026-11-25T10:00:00.000200Z","proto":"postgresql","op":"UPDATE","target":"UPDATE accounts SET balance = balance + $1 WHERE id = $2","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:5433","sock_id":1001,"peer_sock_id":null,"query":"UPDATE accounts SET balance = balance + $1 WHERE id = $2","statement":"","params":[-5,7],"rows":1,"command_tag":"UPDATE 1","tx_status":"in transaction","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":88,"resp_wire_bytes":30,"duration_us":110,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null}
-- sockets: 1, 1 postgresql
