#!/usr/bin/env python3
"""The demo's small HTTP/1.1 server on 127.0.0.1 (also used by tests).

Usage: server.py PORTFILE    -- binds an ephemeral port, writes it to PORTFILE, serves until killed.
Routes: /  /api/users  POST /api/items  /api/slow  /api/error (500)  /chunked  /gzip  anything else 404;
/api/orders asks the server at $DEMO_BACKEND (host:port) for its /api/users first (a request chain);
POST /login answers a JSON access_token and a Set-Cookie (values from X-Issue-Token/-Cookie),
gzip-compressed when the request accepts gzip.
"""
import gzip
import http.client
import http.server
import os
import json
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server_version = "tinytap-demo/1.0"
    # Buffer each response into one write: unbuffered headers-then-body writes meet Nagle and
    # delayed ACKs, and every client-side latency would read ~40 ms.
    wbufsize = 1 << 16

    def log_message(self, fmt, *args):  # quiet: the demo shows tinytap's view, not ours
        pass

    def send_body(self, status, body, ctype="application/json", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            self.send_body(200, b"<html><body><h1>tinytap demo</h1></body></html>\n", "text/html")
        elif path == "/api/users":
            users = [{"id": 1, "name": "ada"}, {"id": 2, "name": "linus"}]
            self.send_body(200, json.dumps(users).encode() + b"\n")
        elif path == "/api/orders" and os.environ.get("DEMO_BACKEND"):
            # a request chain: this request waits on one to another service
            host, port = os.environ["DEMO_BACKEND"].rsplit(":", 1)
            c = http.client.HTTPConnection(host, int(port), timeout=5)
            c.request("GET", "/api/users", headers={
                "X-Request-Id": self.headers.get("X-Request-Id", "orders")})
            users = c.getresponse().read()
            c.close()
            self.send_body(200, b'{"orders":[{"id":7,"user":1}],"users":' + users.strip() + b"}\n")
        elif path == "/api/slow":
            time.sleep(0.12)
            self.send_body(200, b'{"slow":true}\n')
        elif path == "/api/error":
            self.send_body(500, b'{"error":"database unavailable"}\n')
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"first chunk\n", b"second chunk\n", b"last chunk\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/gzip":
            body = gzip.compress(b"this body was gzip-compressed on the wire\n" * 4, mtime=0)
            self.send_body(200, body, "text/plain", [("Content-Encoding", "gzip")])
        else:
            self.send_body(404, b'{"error":"not found"}\n')

    do_HEAD = do_GET

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(n)
        if self.path == "/api/items":
            self.send_body(201, b'{"created":' + data + b"}\n")
        elif self.path == "/login":  # for the --redact tests: credentials both ways
            body = (b'{"user":"bob","access_token":"' + self.headers.get(
                "X-Issue-Token", "t0k3n").encode() + b'","expires_in":3600}\n')
            extra = [("Set-Cookie", "sid=" + self.headers.get("X-Issue-Cookie", "c00k1e") +
                      "; Path=/; HttpOnly")]
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, mtime=0)
                extra.append(("Content-Encoding", "gzip"))
            self.send_body(200, body, extra=extra)
        else:
            self.send_body(404, b'{"error":"not found"}\n')


def main():
    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
