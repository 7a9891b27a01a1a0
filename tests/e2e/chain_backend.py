#!/usr/bin/env python3
"""Backends for tests/e2e/chain_real.sh (run with /usr/bin/python3: psycopg2 and redis from apt).

  chain_backend.py threaded PORT PG_PORT REDIS_PORT
      ThreadingHTTPServer: GET /t/N runs, on the thread serving it, one SELECT on PostgreSQL
      (user wire, autocommit, one connection per thread) and SET then GET order:N on Redis (one
      client per thread); answers 200 with the row's name. Prints "served /t/N" per request.
  chain_backend.py asyncio PORT REDIS_PORT DOWN_PORT
      One asyncio event loop serving many requests at once: GET /a/N waits 50 ms (so requests
      interleave on the loop's one thread), asks DOWN_PORT for /t/N (passing the request's
      traceparent on, with a new parent id, when it had one), sends GET order:N to Redis, and
      answers 200. Prints "served /a/N".
Both print "ready" when listening and stop on SIGTERM."""
import asyncio
import os
import sys
import threading


def threaded(port, pg_port, redis_port):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import psycopg2
    import redis

    local = threading.local()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            n = int(self.path.rstrip("/").split("/")[-1].split("?")[0])
            if not hasattr(local, "pg"):
                local.pg = psycopg2.connect(host="127.0.0.1", port=pg_port, user="wire",
                                            dbname="postgres")
                local.pg.autocommit = True
                local.rd = redis.Redis(host="127.0.0.1", port=redis_port)
            cur = local.pg.cursor()
            cur.execute("SELECT name FROM wire_items WHERE id = %s", (n % 2 + 1,))
            name = cur.fetchone()[0]
            local.rd.set(f"order:{n}", name)
            local.rd.get(f"order:{n}")
            body = f"order {n}: {name}\n".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            print(f"served {self.path}", flush=True)

    srv = ThreadingHTTPServer(("127.0.0.1", port), H)
    print("ready", flush=True)
    srv.serve_forever()


async def read_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    hdrs = {}
    for l in lines[1:]:
        if ":" in l:
            k, v = l.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
    return lines[0].split(" "), hdrs


async def aio(port, redis_port, down_port):
    async def handle(reader, writer):
        try:
            while True:
                try:
                    (method, path, _), hdrs = await read_head(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                n = int(path.rstrip("/").split("/")[-1])
                await asyncio.sleep(0.05)
                extra = ""
                tp = hdrs.get("traceparent")
                if tp:  # same trace, this service's own span as the parent
                    extra = f"traceparent: {tp[:36]}{os.urandom(8).hex()}{tp[52:]}\r\n"
                r, w = await asyncio.open_connection("127.0.0.1", down_port)
                w.write(f"GET /t/{n} HTTP/1.1\r\nHost: down\r\n{extra}Connection: close\r\n\r\n".encode())
                await w.drain()
                await r.read()
                w.close()
                r, w = await asyncio.open_connection("127.0.0.1", redis_port)
                key = f"order:{n}".encode()
                w.write(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(key), key))
                await w.drain()
                await r.readline()
                w.close()
                body = f"async {n}\n".encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
                print(f"served {path}", flush=True)
        finally:
            writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", port)
    print("ready", flush=True)
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    mode = sys.argv[1]
    a = [int(x) for x in sys.argv[2:]]
    if mode == "threaded":
        threaded(*a)
    else:
        asyncio.run(aio(*a))
