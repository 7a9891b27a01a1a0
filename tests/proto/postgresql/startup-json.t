# The startup's fields in JSON: user, database, application_name, auth (SCRAM), server_version,
# backend_pid, encryption; the SASL messages are counted, never shown.
port 5433
flags --json
> \x00\x00\x00\x08\x04\xd2\x16/
< N
> \x00\x00\x00:\x00\x03\x00\x00user\x00bob\x00database\x00bench\x00application_name\x00pgbench\x00\x00
< R\x00\x00\x00\x17\x00\x00\x00\x0aSCRAM-SHA-256\x00\x00
> p\x00\x00\x009SCRAM-SHA-256\x00\x00\x00\x00 n,,n=,r=SECRETNONCEabcdefghijklmnop
< R\x00\x00\x00=\x00\x00\x00\x0br=SECRETNONCEabcdefghijklmnopSERVER,s=c2FsdA==,i=4096
> p\x00\x00\x00Cc=biws,r=SECRETNONCEabcdefghijklmnopSERVER,p=CLIENTPROOFSECRET=
< R\x00\x00\x00\x1a\x00\x00\x00\x0cv=SERVERSIGNATURE=R\x00\x00\x00\x08\x00\x00\x00\x00S\x00\x00\x00\x18server_version\x0015.8\x00S\x00\x00\x00\x19client_encoding\x00UTF8\x00K\x00\x00\x00\x0c\x00\x00\x03\x09\x00\x00\x00cZ\x00\x00\x00\x05I
close
== expect
{"ts":"2026-11-25T10:00:00.000200Z","proto":"postgresql","op":"STARTUP","target":"user=bob database=bench application_name=pgbench","outcome":"ok","side":"client","pid":100,"tid":100,"comm":"client","cgroup_id":0,"local":"127.0.0.1:40000","remote":"127.0.0.1:5433","sock_id":1001,"peer_sock_id":1002,"query":null,"rows":null,"command_tag":null,"tx_status":"idle","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":192,"resp_wire_bytes":193,"duration_us":710,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null,"user":"bob","database":"bench","application_name":"pgbench","auth":"scram-sha-256","server_version":"15.8","backend_pid":777,"encryption":"ssl refused"}
{"ts":"2026-11-25T10:00:00.000210Z","proto":"postgresql","op":"STARTUP","target":"user=bob database=bench application_name=pgbench","outcome":"ok","side":"server","pid":200,"tid":200,"comm":"server","cgroup_id":0,"local":"127.0.0.1:5433","remote":"127.0.0.1:40000","sock_id":1002,"peer_sock_id":1001,"query":null,"rows":null,"command_tag":null,"tx_status":"idle","req_body_bytes":0,"resp_body_bytes":0,"req_wire_bytes":192,"resp_wire_bytes":193,"duration_us":690,"req_headers":{},"resp_headers":{},"complete":true,"incomplete":null,"user":"bob","database":"bench","application_name":"pgbench","auth":"scram-sha-256","server_version":"15.8","backend_pid":777,"encryption":"ssl refused"}
-- sockets: 2, 2 postgresql
