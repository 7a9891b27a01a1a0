# tests/e2e/grpc_demo.py - a gRPC test server and client on python3-grpcio (/usr/bin/python3),
# for tests/e2e/proto_grpc.sh and testdata/record.sh (grpc). No protoc: generic handlers with
# bytes in and bytes out; the bytes are protobuf wire format made here (field 1 a string, field 2
# a varint), so -vv has something to decode.
#   grpc_demo.py server PORT            serve tt.Demo on 127.0.0.1:PORT ("ready" once up)
#   grpc_demo.py client PORT [small]    call every method (small: once each), one JSON line per
#                                       call: method, code (grpc status), req/resp messages, gzip
import json
import sys
from concurrent import futures

import grpc


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append(0x80 | (v & 0x7F))
        v >>= 7
    out.append(v)
    return bytes(out)


def msg(text, n):
    t = text.encode()
    return b"\x0a" + varint(len(t)) + t + b"\x10" + varint(n)


def text_of(b):
    n, shift, i = 0, 0, 1
    while True:
        n |= (b[i] & 0x7F) << shift
        shift += 7
        i += 1
        if not b[i - 1] & 0x80:
            return b[i:i + n].decode()


def ident(b):
    return b


def server(port):
    def unary(req, ctx):
        return msg("hello " + text_of(req), 1)

    def server_stream(req, ctx):
        for i in range(4):
            yield msg("part %d of %s" % (i, text_of(req)), i)

    def client_stream(it, ctx):
        n = sum(1 for _ in it)
        return msg("got %d" % n, n)

    def bidi(it, ctx):
        for i, m in enumerate(it):
            yield msg("echo " + text_of(m), i)

    def down(req, ctx):
        ctx.abort(grpc.StatusCode.UNAVAILABLE, "down for maintenance")

    h = grpc.method_handlers_generic_handler("tt.Demo", {
        "Unary": grpc.unary_unary_rpc_method_handler(unary, ident, ident),
        "ServerStream": grpc.unary_stream_rpc_method_handler(server_stream, ident, ident),
        "ClientStream": grpc.stream_unary_rpc_method_handler(client_stream, ident, ident),
        "Bidi": grpc.stream_stream_rpc_method_handler(bidi, ident, ident),
        "Down": grpc.unary_unary_rpc_method_handler(down, ident, ident),
    })
    s = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    s.add_generic_rpc_handlers((h,))
    s.add_insecure_port("127.0.0.1:" + port)
    s.start()
    print("ready", flush=True)
    s.wait_for_termination()


def client(port, small):
    ch = grpc.insecure_channel("127.0.0.1:" + port)
    grpc.channel_ready_future(ch).result(timeout=10)
    log = []

    def call(method, fn, arg, streaming_req, streaming_resp, **kw):
        sent = [0]

        def count(it):
            for m in it:
                sent[0] += 1
                yield m
        got = 0
        try:
            if streaming_req:
                arg = count(arg)
            else:
                sent[0] = 1
            r = fn(arg, **kw)
            if streaming_resp:
                for _ in r:
                    got += 1
            else:
                got = 1
            code = 0
        except grpc.RpcError as e:
            code = e.code().value[0]
        log.append({"method": method, "code": code, "req": sent[0], "resp": got,
                    "gzip": kw.get("compression") is not None})

    u = ch.unary_unary("/tt.Demo/Unary", ident, ident)
    ss = ch.unary_stream("/tt.Demo/ServerStream", ident, ident)
    cs = ch.stream_unary("/tt.Demo/ClientStream", ident, ident)
    bd = ch.stream_stream("/tt.Demo/Bidi", ident, ident)
    dn = ch.unary_unary("/tt.Demo/Down", ident, ident)
    rounds = 1 if small else 2
    for i in range(1 if small else 3):
        call("Unary", u, msg("world %d" % i, i), False, False)
    call("Unary", u, msg("zipped " * 20, 7), False, False, compression=grpc.Compression.Gzip)
    for i in range(rounds):
        call("ServerStream", ss, msg("stream %d" % i, i), False, True)
        call("ClientStream", cs, iter([msg("c%d" % k, k) for k in range(3 + i)]), True, False)
        call("Bidi", bd, iter([msg("b%d" % k, k) for k in range(2 + i)]), True, True)
        call("Down", dn, msg("anyone?", 0), False, False)
    ch.close()
    for entry in log:
        print(json.dumps(entry))


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2])
    else:
        client(sys.argv[2], len(sys.argv) > 3 and sys.argv[3] == "small")
