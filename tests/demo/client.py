#!/usr/bin/env python3
"""The demo's client workload: keep-alive GETs, a POST, a 404, a 500, chunked and gzip bodies.

Usage: client.py PORT
"""
import http.client
import sys

port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)  # one keep-alive connection
for method, path, body in [
    ("GET", "/", None),
    ("GET", "/api/users", None),
    ("POST", "/api/items", b'{"name":"widget","qty":3}'),
    ("GET", "/missing", None),
    ("GET", "/api/error", None),
    ("GET", "/chunked", None),
    ("GET", "/gzip", None),
    ("HEAD", "/", None),
    ("GET", "/api/slow", None),
]:
    hdrs = {"User-Agent": "tinytap-demo-client", "X-Request-Id": "demo-%s" % path.strip("/")}
    if body:
        hdrs["Content-Type"] = "application/json"
    c.request(method, path, body=body, headers=hdrs)
    r = c.getresponse()
    r.read()
c.close()
