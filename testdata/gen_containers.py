#!/usr/bin/env python3
# Writes testdata/containers.tinytap: a small hand-made recording with CGROUP records (FORMAT.md
# 6.9) for tinytap-show's container, unit and pod names. Regenerate: python3 testdata/gen_containers.py
#   1. a Docker Compose container (shop-web-1) calls another (shop-api-1) on a bridge network;
#      the client's CGROUP record comes after the exchange's first bytes (the recorder writes it
#      a few milliseconds after the first PROCESS of its cgroup)
#   2. curl on the host (root cgroup, kind other) calls nginx.service (a systemd unit)
#   3. a Kubernetes container (containerd: pod web-7d4b9c8f6-x2kqp, container nginx, namespace shop)
#      calls shop-api-1 and gets a 404
#   4. a Docker container whose metadata was gone (the id alone) posts to shop-api-1
#   5. curl in a cgroup whose record is hostile (control characters in the name, an unknown tag,
#      a repeated tag, an attribute cut short) calls nginx
#   6. a process whose cgroup has no CGROUP record calls nginx (the line keeps its old form)
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from mktt import file_header, conn_ip, data, block, process, cgroup

T = 1_000_000_000_000
API = "3f4a0c1e2b3d4c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6"
WEB = "8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7"
K8S = "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"
GONE = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
recs, tss = [], []


def add(ts, r):
    recs.append(r)
    tss.append(ts)


def exchange(t, csock, cpid, cip, cport, ssock, spid, sip, sport, req, resp):
    add(t, conn_ip(t, csock, cpid, 3, 1, cip, cport, sip, sport))
    add(t + 10, conn_ip(t + 10, ssock, spid, 5, 2, sip, sport, cip, cport))
    add(t + 100, data(t + 100, csock, cpid, 3, 0, req))
    add(t + 150, data(t + 150, ssock, spid, 5, 1, req))
    add(t + 800_000, data(t + 800_000, ssock, spid, 5, 0, resp))
    add(t + 850_000, data(t + 850_000, csock, cpid, 3, 1, resp))


def http_req(method, path, host, body=b""):
    h = "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: t\r\n" % (method, path, host)
    if body:
        h += "Content-Length: %d\r\n" % len(body)
    return (h + "\r\n").encode() + body


def http_resp(code, text, body):
    return ("HTTP/1.1 %d %s\r\nContent-Length: %d\r\n\r\n" % (code, text, len(body))).encode() + body


# who is who
add(T, process(T, 101, 90, 1001, "python3", "/usr/local/bin/python3.12", origin=2))
add(T + 1, cgroup(T + 1, 1001, 2, 0, [(1, "/docker/" + API), (2, API), (3, "shop-api-1"),
                                      (4, "shop/api:1.4"), (5, "shop"), (6, "api")]))
add(T + 2, process(T + 2, 301, 1, 1, "curl", "/usr/bin/curl", origin=2))
add(T + 3, cgroup(T + 3, 1, 0, 0, [(1, "/")]))
add(T + 4, process(T + 4, 401, 1, 4001, "nginx", "/usr/sbin/nginx", origin=2))
add(T + 5, cgroup(T + 5, 4001, 1, 0, [(1, "/system.slice/nginx.service"), (9, "nginx.service")]))

# 1. container to container; the client's cgroup record arrives after its first bytes
t = T + 1_000_000
add(t, process(t, 201, 190, 2001, "wget", "/bin/wget"))
exchange(t + 1000, 11, 201, "172.18.0.4", 40001, 12, 101, "172.18.0.3", 8000,
         http_req("GET", "/api/items", "api:8000"), http_resp(200, "OK", b'[{"id":1}]'))
add(t + 2000, cgroup(t + 2000, 2001, 2, 0, [(1, "/docker/" + WEB), (2, WEB), (3, "shop-web-1"),
                                          (4, "shop/web:2"), (5, "shop"), (6, "web")]))

# 2. host to a unit
t = T + 10_000_000
exchange(t, 21, 301, "127.0.0.1", 40002, 22, 401, "127.0.0.1", 80,
         http_req("GET", "/index.html", "localhost"), http_resp(200, "OK", b"<p>hi</p>"))

# 3. a Kubernetes pod
t = T + 20_000_000
add(t, process(t, 501, 480, 5001, "curl", "/usr/bin/curl"))
add(t + 1, cgroup(t + 1, 5001, 3, 0, [
    (1, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f90a.slice/cri-containerd-" + K8S + ".scope"),
    (2, K8S), (3, "nginx"), (4, "docker.io/library/nginx:1.25"), (7, "web-7d4b9c8f6-x2kqp"),
    (8, "shop"), (10, "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a")]))
exchange(t + 1000, 31, 501, "10.244.0.5", 40003, 32, 101, "172.18.0.3", 8000,
         http_req("GET", "/api/users/7", "api.shop.svc"), http_resp(404, "Not Found", b"no"))

# 4. metadata gone: the id alone
t = T + 30_000_000
add(t, process(t, 601, 590, 6001, "python3", "/usr/bin/python3"))
add(t + 1, cgroup(t + 1, 6001, 2, 1, [(1, "/system.slice/docker-" + GONE + ".scope"), (2, GONE)]))
exchange(t + 1000, 41, 601, "172.18.0.9", 40004, 42, 101, "172.18.0.3", 8000,
         http_req("POST", "/api/orders", "api:8000", b'{"n":1}'), http_resp(201, "Created", b"{}"))

# 5. a hostile record
t = T + 40_000_000
add(t, process(t, 701, 1, 7001, "curl", "/usr/bin/curl"))
add(t + 1, cgroup(t + 1, 7001, 2, 0, [(3, b"evil\x1b[31mred\nx"), (99, "unknown tag"),
                                      (3, "second name"), (4, b"img\x7f\x01")],
                  raw_tail=b"\x04\x00\xff\x00cut"))
exchange(t + 1000, 51, 701, "127.0.0.1", 40005, 52, 401, "127.0.0.1", 80,
         http_req("GET", "/evil", "localhost"), http_resp(200, "OK", b"ok"))

# 6. no record for this cgroup
t = T + 50_000_000
add(t, process(t, 801, 1, 8001, "curl", "/usr/bin/curl"))
exchange(t + 1000, 61, 801, "127.0.0.1", 40006, 62, 401, "127.0.0.1", 80,
         http_req("GET", "/nameless", "localhost"), http_resp(200, "OK", b"ok"))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "containers.tinytap")
with open(out, "wb") as f:
    f.write(file_header(T) + block(0, recs, tss))
