# The client asks for TLS (SSLRequest: 32 bytes with CLIENT_SSL): one line says so, and the
# ciphertext after it is not parsed.
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
>  \x00\x00\x01\x8c\xaa\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00
> \x16\x03\x01\x00P\x01\x00\x00L\x03\x03rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr
< \x16\x03\x03\x00@\x02\x00\x00<\x03\x03ssssssssssssssssssssssssssssssssssssssss
> \x17\x03\x03\x00 eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee
close
== expect
[10:00:00.000] cli pid=100 client     mysql  TLS → encrypted from here on (shown from the TLS plaintext when it was recorded)
[10:00:00.000] srv pid=200 server     mysql  TLS → encrypted from here on (shown from the TLS plaintext when it was recorded)
-- sockets: 2, 2 mysql
