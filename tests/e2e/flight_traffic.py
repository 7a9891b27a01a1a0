# flight_traffic.py PORT SECONDS OUT_SERVER_LOG [KEEPALIVE_CLIENTS] - traffic for the flight
# recorder test (tests/e2e/flight_rotate.sh), bounded by SECONDS.
# An HTTP/1.1 server on 127.0.0.1:PORT (threads, keep-alive) writes one line per request it
# answered ("ID STATUS") to OUT_SERVER_LOG. Clients in the same process: KEEPALIVE_CLIENTS
# threads, each on one keep-alive connection for the whole run (so connections span rotations),
# and one thread opening a new connection per request. Request ids are "/f/CLIENT/N", unique;
# response bodies are 2-16 KB of id-seeded random bytes, so files fill at a steady pace.
import http.client, http.server, random, sys, threading, time

port, secs, log_path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
nka = int(sys.argv[4]) if len(sys.argv) > 4 else 4
lock = threading.Lock()
served = []


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        n = sum(map(ord, self.path))
        body = random.Random(self.path).randbytes(2000 + n % 14000)  # does not compress
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with lock:
            served.append(self.path)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
srv.daemon_threads = True
threading.Thread(target=srv.serve_forever, daemon=True).start()
end = time.monotonic() + secs
errors = []


def keepalive(cid):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    n = 0
    while time.monotonic() < end:
        c.request("GET", "/f/ka%d/%d" % (cid, n))
        r = c.getresponse()
        r.read()
        if r.status != 200:
            errors.append(r.status)
        n += 1
        time.sleep(0.002)
    c.close()


def fresh():
    n = 0
    while time.monotonic() < end:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/f/new/%d" % n, headers={"Connection": "close"})
        r = c.getresponse()
        r.read()
        c.close()
        n += 1
        time.sleep(0.005)


ts = [threading.Thread(target=keepalive, args=(i,)) for i in range(nka)]
ts.append(threading.Thread(target=fresh))
for t in ts:
    t.start()
for t in ts:
    t.join()
time.sleep(0.3)
srv.shutdown()
with open(log_path, "w") as f:
    with lock:
        for p in served:
            f.write(p + "\n")
sys.exit(1 if errors else 0)
