# A port alone is not PostgreSQL: binary bytes on 5432 that are not its messages stay
# unrecognised.
port 5432
> \x01\x02\x03\x04hello there, not postgres at all\x0d\x0a
< \xff\xfe nope
close
== expect
-- sockets: 2, 2 unrecognized
