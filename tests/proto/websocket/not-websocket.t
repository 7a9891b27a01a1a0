# Started late, bytes that are not frames (a TLS record, text): not WebSocket.
start late
> \x16\x03\x01\x00\x05hello
< \x16\x03\x03\x00\x02hi
> some text that is not a frame\n
close
== expect
-- sockets: 2, 2 unrecognized
