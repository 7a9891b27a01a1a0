# seqtraffic.py PORT SECONDS RATE - traffic for the robustness tests (tests/e2e/robust_*.sh).
# Lockstep HTTP/1.1 on one keep-alive connection on 127.0.0.1:PORT: the client writes one
# 4096-byte request per call, "POST /seq/NNNNNNNNNN" with a body that is a function of N, the
# server (a forked child) reads it whole and answers one fixed 38-byte response; RATE requests per
# second for SECONDS. Imported by the checks for req() and RESP.
import os, socket, sys, time
MSG = 4096
BASE = bytearray(8192)
_x = 1
for _i in range(8192):
    _x = (_x * 1103515245 + 12345) & 0xffffffff
    BASE[_i] = 97 + (_x >> 16) % 26
BASE = bytes(BASE)
RESP = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
def req(seq):
    head = b"POST /seq/%010d HTTP/1.1\r\nHost: t\r\nContent-Length: " % seq
    n = MSG - len(head) - 8
    k = (seq * 7919) % 4096
    return head + b"%4d\r\n\r\n" % n + BASE[k:k + n]
if __name__ == "__main__":  # PORT SECONDS RATE
    port, secs, rate = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    l = socket.socket()
    l.bind(("127.0.0.1", port))
    l.listen(1)
    pid = os.fork()
    if pid == 0:
        c, _ = l.accept()
        try:
            while len(c.recv(MSG, socket.MSG_WAITALL)) == MSG:
                c.sendall(RESP)
        except OSError:  # the client was stopped by its pid
            pass
        os._exit(0)
    s = socket.create_connection(("127.0.0.1", port))
    t0, seq = time.monotonic(), 0
    while time.monotonic() - t0 < secs:
        s.sendall(req(seq))
        got = 0
        while got < len(RESP):
            got += len(s.recv(len(RESP) - got))
        seq += 1
        d = t0 + seq / rate - time.monotonic()
        if d > 0:
            time.sleep(d)
    s.close()
    os.waitpid(pid, 0)
