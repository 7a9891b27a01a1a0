# A COM_QUERY of 16 MiB and more: a first packet of 0xffffff bytes (its content mostly not
# captured) and a last one: one command, counted in full ([gap]: bytes not captured), and its
# packets; the answer after it parses.
port 3306
flags -v
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> \xff\xff\xff\x00\x03INSERT INTO blobs VALUES ('
nodata > 16777187
> \x06\x00\x00\x01aaaa')
< \x07\x00\x00\x02\x00\x01\x00\x02\x00\x00\x00
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] cli pid=100 client     mysql  INSERT INTO blobs VALUES ('… → OK, 1 row affected (0.31ms) [gap]
  > COM_QUERY INSERT INTO blobs VALUES ('… [16777221 bytes in 2 packets]
  < OK affected_rows=1 insert_id=0 warnings=0 status=0x0002

[10:00:00.000] srv pid=200 server     mysql  INSERT INTO blobs VALUES ('… → OK, 1 row affected (0.29ms) [gap]
  > COM_QUERY INSERT INTO blobs VALUES ('… [16777221 bytes in 2 packets]
  < OK affected_rows=1 insert_id=0 warnings=0 status=0x0002

-- sockets: 2, 2 mysql
