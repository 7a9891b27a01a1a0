# Declared lengths PostgreSQL never sends: over 1 GiB, a Sync with a body, below 4 (from the
# server). Each ends as [invalid: why] and the direction resynchronises on the next whole message.
# Where a message ended is lost with it, so the answers after it go without a request until a
# ReadyForQuery with nothing awaited; what was asked meanwhile is given up on (it cannot be told
# which request those answers belong to); then pairing resumes.
role client
port 5433
> Q\x00\x00\x00\x0dSELECT 1\x00
< T\x00\x00\x00\x1a\x00\x01a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x011C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
> Q\x7f\xff\xff\xff SELECT
> Q\x00\x00\x00\x0dSELECT 2\x00
< T\x00\x00\x00\x1a\x00\x01a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x012C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
> S\x00\x00\x00\x08abcd
> Q\x00\x00\x00\x0dSELECT 3\x00
< D\x00\x00\x00\x02
< T\x00\x00\x00\x1a\x00\x01a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x013C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x0dSELECT 4\x00
< T\x00\x00\x00\x1a\x00\x01a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x014C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  SELECT 1 → SELECT 1 (0.11ms)
[10:00:00.000] cli pid=100 client     pg  QUERY → (no response) [invalid: declared length over 1 GiB]
[10:00:00.000] cli pid=100 client     pg  SELECT 2 → (no response)
[10:00:00.000] cli pid=100 client     pg  SELECT → SELECT 1 [no request]
[10:00:00.000] cli pid=100 client     pg  SYNC → (no response) [invalid: declared length wrong for the message type]
[10:00:00.000] cli pid=100 client     pg  SELECT 3 → (no response)
[10:00:00.000] cli pid=100 client     pg  ? ? → answer cut [invalid: declared length below 4]
[10:00:00.001] cli pid=100 client     pg  SELECT → SELECT 1 [no request]
[10:00:00.001] cli pid=100 client     pg  SELECT 4 → SELECT 1 (0.11ms)
-- sockets: 1, 1 postgresql
