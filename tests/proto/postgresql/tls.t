# SSLRequest answered S: one line says the connection is encrypted from there; the ciphertext
# is not parsed.
port 5433
> \x00\x00\x00\x08\x04\xd2\x16/
< S
> \x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f
< \x16\x03\x03\x00z\x02\x00\x00v\x03\x03@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_
close
== expect
[10:00:00.000] cli pid=100 client     pg  SSL → TLS: encrypted from here on (shown from the TLS plaintext when it was recorded) (0.11ms)
[10:00:00.000] srv pid=200 server     pg  SSL → TLS: encrypted from here on (shown from the TLS plaintext when it was recorded) (0.09ms)
-- sockets: 2, 2 postgresql
