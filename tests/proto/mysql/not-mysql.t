# Binary bytes that only look like a packet header are not taken for MySQL (sequence not 0, no
# known command), even on port 3306.
port 3306
> \x05\x00\x00\x07\x99garbage and more garbage
< \x10\x00\x00\x03\x00\x01\x02
close
== expect
-- sockets: 2, 2 unrecognized
