# ws_peer.py - a WebSocket echo server and a scripted client (python3-websockets 10.x, asyncio
# API), each logging every message it sent and received as JSON lines, for
# tests/e2e/proto_websocket.sh and testdata/record.sh. Run with /usr/bin/python3 (apt's module).
#
#   ws_peer.py server PORT LOG
#       echoes every message on 127.0.0.1:PORT (permessage-deflate when the client offers it);
#       "close-me CODE" makes it close the connection with that code
#   ws_peer.py client PORT LOG NAME [--plain] [--chat N] [--ready FILE --go FILE]
#       connects to ws://127.0.0.1:PORT/NAME (--plain: without permessage-deflate) and sends
#       text, binary, fragmented text and binary, a ping, unicode text, a 70000-byte text, N chat
#       lines, an empty text, then closes with 4000 "bye"; NAME "err" instead asks the server to
#       close with 1011. --ready/--go: write FILE once connected (after two messages), then wait
#       for the other FILE to exist before going on (to start a recording mid-connection).
#
# Log lines: {"conn": NAME, "port": LOCAL_PORT, "dir": "sent"|"received", "opcode": "text"|
# "binary"|"ping"|"pong"|"close", "bytes": N, "text": STR|null, "code": N|null, "phase": "before"|
# "after"} (phase: before or after --go). Keepalive pings are off on both sides.
import asyncio
import json
import os
import sys

import websockets


def log_line(f, **kw):
    f.write(json.dumps(kw) + "\n")
    f.flush()


def describe(msg):
    if isinstance(msg, str):
        b = msg.encode()
        return "text", len(b), msg
    return "binary", len(msg), None


async def server(port, path):
    f = open(path, "a")

    async def handler(ws, url_path=None):
        name = (url_path or getattr(ws, "path", "/")).lstrip("/")
        peer = ws.remote_address[1]
        try:
            async for msg in ws:
                op, n, text = describe(msg)
                log_line(f, conn=name, port=peer, dir="received", opcode=op, bytes=n, text=text)
                if isinstance(msg, str) and msg.startswith("close-me "):
                    await ws.close(int(msg.split()[1]), "server closes")
                    break
                await ws.send(msg)
                log_line(f, conn=name, port=peer, dir="sent", opcode=op, bytes=n, text=text)
        except websockets.ConnectionClosed:
            pass  # a close with a code other than 1000/1001

    async with websockets.serve(handler, "127.0.0.1", port, ping_interval=None,
                                max_size=2**22):
        await asyncio.Future()


async def client(port, path, name, plain, chat, ready, go):
    f = open(path, "a")
    comp = None if plain else "deflate"
    phase = "before" if ready else "after"
    async with websockets.connect("ws://127.0.0.1:%d/%s" % (port, name), compression=comp,
                                  ping_interval=None, max_size=2**22) as ws:
        me = ws.local_address[1]

        def lg(d, op, n, text=None, code=None):
            log_line(f, conn=name, port=me, dir=d, opcode=op, bytes=n, text=text, code=code,
                     phase=phase)

        async def echo(msg, sent_as=None):
            await ws.send(msg)
            op, n, text = describe(sent_as if sent_as is not None else msg)
            lg("sent", op, n, text)
            back = await ws.recv()
            op, n, text = describe(back)
            lg("received", op, n, text)

        if ready:
            await echo("before the recording")
            await echo(b"\x00\x01before")
            open(ready, "w").close()
            while not os.path.exists(go):
                await asyncio.sleep(0.02)
            phase = "after"
        if name == "err":
            await echo("hello")
            await ws.send("close-me 1011")
            lg("sent", "text", 13, "close-me 1011")
            try:
                await ws.recv()
            except websockets.ConnectionClosed:
                pass
        else:
            await echo("hello world")
            await echo(bytes(range(256)) * 4)
            frags = ["frag-one ", "frag-two ", "frag-three"]
            await echo(frags, sent_as="".join(frags))
            bfrags = [b"\x01\x02", b"\x03\x04\x05"]
            await echo(bfrags, sent_as=b"".join(bfrags))
            waiter = await ws.ping(b"hb-1")
            lg("sent", "ping", 4, "hb-1")
            await waiter
            lg("received", "pong", 4, "hb-1")
            await echo("héllo wörld ✓ — ünïcödé")
            await echo("x" * 70000)
            for i in range(chat):
                await echo("chat line %d: %s" % (i, "lorem ipsum dolor sit amet"[: i % 27]))
            await echo("")
            await ws.close(4000, "bye")
        await ws.wait_closed()
        sent, rcvd = ws.close_sent, ws.close_rcvd
        if sent is not None:
            lg("sent", "close", 2 + len(sent.reason.encode()), sent.reason or None, sent.code)
        if rcvd is not None:
            lg("received", "close", 2 + len(rcvd.reason.encode()), rcvd.reason or None,
               rcvd.code)


def main():
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "server":
        asyncio.run(server(int(a[1]), a[2]))
        return
    if len(a) >= 4 and a[0] == "client":
        opts = a[4:]
        plain = "--plain" in opts
        chat = int(opts[opts.index("--chat") + 1]) if "--chat" in opts else 5
        ready = opts[opts.index("--ready") + 1] if "--ready" in opts else None
        go = opts[opts.index("--go") + 1] if "--go" in opts else None
        asyncio.run(client(int(a[1]), a[2], a[3], plain, chat, ready, go))
        return
    sys.exit("usage: ws_peer.py server PORT LOG | client PORT LOG NAME [--plain] [--chat N] "
             "[--ready FILE --go FILE]")


if __name__ == "__main__":
    main()
