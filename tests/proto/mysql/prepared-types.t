# Bound parameters decoded by type: signed and unsigned integers of every size, FLOAT, DOUBLE, DATE,
# DATETIME with microseconds, a negative TIME, DECIMAL (text), a UTF-8 string with a quote and a
# newline, binary bytes (hex), NULL; then SEND_LONG_DATA for a BLOB (shown as long data, its null
# bit ignored as the server does); -v shows the JSON array.
port 3306
flags -v
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x01\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> @\x00\x00\x00\x16INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
< \x0c\x00\x00\x01\x00\x07\x00\x00\x00\x00\x00\x0e\x00\x00\x00\x00\x1e\x00\x00\x02\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x03\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x04\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x05\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x06\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x07\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x08\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x09\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x0a\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x0b\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x0c\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x0d\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x0e\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x1e\x00\x00\x0f\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00
> }\x00\x00\x00\x17\x07\x00\x00\x00\x00\x01\x00\x00\x00\x00 \x01\x01\x00\x01\x80\x02\x00\x03\x80\x08\x00\x04\x00\x05\x00\x0a\x00\x0c\x00\x0b\x00\xf6\x00\xfd\x00\xfc\x00\x06\x00\xfb\xfa\xd4\xfe\x00(k\xee\x00\xe6\x8e\xe7\xfd\xff\xff\xff\x00\x00\xa0?\x9a\x99\x99\x99\x99\x99\xb9\xbf\x04\xe8\x07\x02\x1d\x0b\xe8\x07\x02\x1d\x17;:@\xe2\x01\x00\x08\x01\x01\x00\x00\x00\x02\x03\x04\x0812345.67\x0fna\xc3\xafve "q"\x0aline\x04\x00\x01\xfe\xff
< \x07\x00\x00\x01\x00\x01\x00\x02\x00\x00\x00
> \x1e\x00\x00\x00\x18\x07\x00\x00\x00\x0c\x00a long blob, sent apart
> x\x00\x00\x00\x17\x07\x00\x00\x00\x00\x01\x00\x00\x00\x000\x01\x01\x00\x01\x80\x02\x00\x03\x80\x08\x00\x04\x00\x05\x00\x0a\x00\x0c\x00\x0b\x00\xf6\x00\xfd\x00\xfc\x00\x06\x00\xfb\xfa\xd4\xfe\x00(k\xee\x00\xe6\x8e\xe7\xfd\xff\xff\xff\x00\x00\xa0?\x9a\x99\x99\x99\x99\x99\xb9\xbf\x04\xe8\x07\x02\x1d\x0b\xe8\x07\x02\x1d\x17;:@\xe2\x01\x00\x08\x01\x01\x00\x00\x00\x02\x03\x04\x0812345.67\x0fna\xc3\xafve "q"\x0aline
< \x07\x00\x00\x01\x00\x01\x00\x02\x00\x00\x00
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] cli pid=100 client     mysql  STMT_PREPARE INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) → stmt 7 (14 params, 0 columns) (0.11ms)
  > COM_STMT_PREPARE stmt 7 INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  < prepared: stmt=7 params=14 columns=0 warnings=0

[10:00:00.000] srv pid=200 server     mysql  STMT_PREPARE INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) → stmt 7 (14 params, 0 columns) (0.09ms)
  > COM_STMT_PREPARE stmt 7 INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  < prepared: stmt=7 params=14 columns=0 warnings=0

[10:00:00.000] cli pid=100 client     mysql  INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) → OK, 1 row affected (0.11ms)
  > COM_STMT_EXECUTE stmt 7 INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) params [-5,250,-300,4000000000,-9000000000,1.25,-0.1,"2024-02-29","2024-02-29 23:59:58.123456","-26:03:04","12345.67","naïve \"q\"\nline","0x0001feff",null]
  < OK affected_rows=1 insert_id=0 warnings=0 status=0x0002

[10:00:00.000] srv pid=200 server     mysql  INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) → OK, 1 row affected (0.09ms)
  > COM_STMT_EXECUTE stmt 7 INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) params [-5,250,-300,4000000000,-9000000000,1.25,-0.1,"2024-02-29","2024-02-29 23:59:58.123456","-26:03:04","12345.67","naïve \"q\"\nline","0x0001feff",null]
  < OK affected_rows=1 insert_id=0 warnings=0 status=0x0002

[10:00:00.000] cli pid=100 client     mysql  STMT_SEND_LONG_DATA INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) → no reply expected
  > COM_STMT_SEND_LONG_DATA stmt 7 INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) [23 bytes of data]

[10:00:00.000] srv pid=200 server     mysql  STMT_SEND_LONG_DATA INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) → no reply expected
  > COM_STMT_SEND_LONG_DATA stmt 7 INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) [23 bytes of data]

[10:00:00.001] cli pid=100 client     mysql  INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) → OK, 1 row affected (0.11ms)
  > COM_STMT_EXECUTE stmt 7 INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) params [-5,250,-300,4000000000,-9000000000,1.25,-0.1,"2024-02-29","2024-02-29 23:59:58.123456","-26:03:04","12345.67","naïve \"q\"\nline","(long data)",null]
  < OK affected_rows=1 insert_id=0 warnings=0 status=0x0002

[10:00:00.001] srv pid=200 server     mysql  INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) → OK, 1 row affected (0.09ms)
  > COM_STMT_EXECUTE stmt 7 INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) params [-5,250,-300,4000000000,-9000000000,1.25,-0.1,"2024-02-29","2024-02-29 23:59:58.123456","-26:03:04","12345.67","naïve \"q\"\nline","(long data)",null]
  < OK affected_rows=1 insert_id=0 warnings=0 status=0x0002

-- sockets: 2, 2 mysql
