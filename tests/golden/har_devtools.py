#!/usr/bin/env python3
"""Loads HAR files with the HAR importer of Chromium's own DevTools (the code behind the Network
panel's "Import HAR file"), in a headless Chromium started by the caller with a remote-debugging
port. Usage: har_devtools.py PORT FILE.har...; prints one JSON line per file: the requests the
importer made (url, method, status, resource type, WebSocket frames), or {"error": ...}.

The DevTools front end is the one bundled in that Chromium, served at /devtools/ by its debugging
server: a page of that origin imports /devtools/models/har/har.js, builds HARFormat.HARRoot from
the file (which throws on a malformed log) and Importer.requestsFromHARLog() from it."""
import asyncio
import json
import sys
import urllib.request

import websockets

PORT = int(sys.argv[1])
SCRIPT = """(async () => {
  try {
    const HAR = await import('/devtools/models/har/har.js');
    const root = new HAR.HARFormat.HARRoot(JSON.parse(%s));
    const reqs = HAR.Importer.Importer.requestsFromHARLog(root.log);
    return JSON.stringify({requests: reqs.map(r => ({
      url: r.url(), method: r.requestMethod, status: r.statusCode,
      type: r.resourceType().name(), frames: r.frames().length,
      request_headers: r.requestHeaders().length, response_headers: r.responseHeaders.length}))});
  } catch (e) { return JSON.stringify({error: String(e)}); }
})()"""


async def main():
    tabs = json.load(urllib.request.urlopen(f"http://127.0.0.1:{PORT}/json/list", timeout=10))
    page = next(t for t in tabs if t["type"] == "page")
    async with websockets.connect(page["webSocketDebuggerUrl"], max_size=1 << 28) as ws:
        n = 0

        async def call(method, **params):
            nonlocal n
            n += 1
            await ws.send(json.dumps({"id": n, "method": method, "params": params}))
            while True:
                m = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if m.get("id") == n:
                    return m

        await call("Page.enable")
        await call("Page.navigate", url=f"http://127.0.0.1:{PORT}/devtools/models/har/har.js")
        for _ in range(100):  # the document of that origin is there
            r = await call("Runtime.evaluate", expression="location.href", returnByValue=True)
            if "/devtools/" in r.get("result", {}).get("result", {}).get("value", ""):
                break
            await asyncio.sleep(0.1)
        for f in sys.argv[2:]:
            har = open(f, encoding="utf-8").read()
            r = await call("Runtime.evaluate", expression=SCRIPT % json.dumps(har),
                           awaitPromise=True, returnByValue=True)
            v = r.get("result", {}).get("result", {}).get("value")
            print(v if v else json.dumps({"error": json.dumps(r)[:300]}))


asyncio.run(main())
