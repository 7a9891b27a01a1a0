#!/usr/bin/env bash
# --format otlp checked against the OpenTelemetry protobuf definitions, without root: every line
# of the output is an ExportTraceServiceRequest in the OTLP/JSON mapping (no field that the
# schema does not have, ids as hex of the right length, enums and 64-bit integers as the mapping
# writes them); it encodes to protobuf and decodes back (protobufjs, a test-only npm package,
# with the opentelemetry-proto files npm's @opentelemetry/otlp-grpc-exporter-base@0.34 ships);
# and the decoded spans are tinytap-show --json's transactions: same trace, span and parent ids,
# kind client/server by side, error status where the outcome is an error.
# TAP SKIP when node/npm are missing or the npm registry cannot be reached.
# Env: SHOW, TT_ROOT.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
export TZ=UTC LC_ALL=C.UTF-8
T=$(mktemp -d /tmp/tt-otlp.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$ROOT/testdata" || exit 1
npmdir=${TT_NPM_CACHE:-$ROOT/build/npm}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "ok - otlp: decode with the OpenTelemetry protos # SKIP node/npm not installed"
	exit 0
fi
if ! { [ -d "$npmdir/node_modules/protobufjs" ] &&
	[ -d "$npmdir/node_modules/@opentelemetry/otlp-grpc-exporter-base/build/protos" ]; } &&
	! (mkdir -p "$npmdir" && cd "$npmdir" && timeout 300 npm install --no-audit --no-fund \
		--loglevel=error protobufjs@7 @opentelemetry/otlp-grpc-exporter-base@0.34.0 >/dev/null 2>&1); then
	echo "ok - otlp: decode with the OpenTelemetry protos # SKIP npm could not install protobufjs (registry unreachable?)"
	exit 0
fi
for r in chain demo-workload http-nginx synthetic-http; do
	"$SHOW" "$r.tinytap" --format otlp -q >"$T/$r.otlp"
	"$SHOW" "$r.tinytap" --json -q >"$T/$r.jsonl"
	if NODE_PATH="$npmdir/node_modules" node - "$npmdir" "$T/$r.otlp" "$T/$r.jsonl" >"$T/out" 2>&1 <<'JS'; then echo "ok - otlp: $r: $(cat "$T/out")"; else echo "not ok - otlp: $r: $(head -c 600 "$T/out")"; fi
const fs = require("fs");
const protobuf = require("protobufjs");
const [npmdir, otlpFile, jsonFile] = process.argv.slice(2);
const base = npmdir + "/node_modules/@opentelemetry/otlp-grpc-exporter-base/build/protos";
const root = new protobuf.Root();
root.resolvePath = (origin, target) => base + "/" + target;
root.loadSync("opentelemetry/proto/collector/trace/v1/trace_service.proto"); // camelCase names
const Req = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
// OTLP/JSON: camelCase names, ids as hex, enums as numbers, 64-bit integers as strings.
const camel = (s) => s.replace(/_([a-z])/g, (m, c) => c.toUpperCase());
function check(obj, type, path) {
  for (const [k, v] of Object.entries(obj)) {
    const f = Object.values(type.fields).find((f) => camel(f.name) === k);
    if (!f) throw new Error(`${path}.${k}: not a field of ${type.fullName}`);
    f.resolve();
    const vals = f.repeated ? v : [v];
    if (f.repeated && !Array.isArray(v)) throw new Error(`${path}.${k}: not an array`);
    for (const x of vals) {
      if (f.resolvedType instanceof protobuf.Type) check(x, f.resolvedType, `${path}.${k}`);
      else if (f.type === "bytes") {
        const want = /spanId/i.test(f.name) ? 16 : 32;
        if (typeof x !== "string" || !(x === "" && f.name === "parentSpanId") && !new RegExp(`^[0-9a-f]{${want}}$`).test(x))
          throw new Error(`${path}.${k}: not ${want} hex digits: ${x}`);
      } else if (/^(u?int64|fixed64|sfixed64)$/.test(f.type)) {
        if (typeof x !== "string" || !/^-?[0-9]+$/.test(x)) throw new Error(`${path}.${k}: 64-bit integers are strings: ${x}`);
      } else if (f.resolvedType instanceof protobuf.Enum) {
        if (!Object.values(f.resolvedType.values).includes(x)) throw new Error(`${path}.${k}: not a ${f.type}: ${x}`);
      } else if (f.type === "string" && typeof x !== "string") throw new Error(`${path}.${k}: not a string`);
    }
  }
}
// to protobufjs's object form: bytes as base64
function hexToB64(o) {
  if (Array.isArray(o)) return o.map(hexToB64);
  if (o && typeof o === "object") {
    const r = {};
    for (const [k, v] of Object.entries(o))
      r[k] = /^(traceId|spanId|parentSpanId)$/.test(k) ? Buffer.from(v, "hex").toString("base64") : hexToB64(v);
    return r;
  }
  return o;
}
const spans = [];
for (const line of fs.readFileSync(otlpFile, "utf8").split("\n").filter(Boolean)) {
  const obj = JSON.parse(line);
  check(obj, Req, "request");
  const msg = Req.fromObject(hexToB64(obj));
  const err = Req.verify(msg);
  if (err) throw new Error("verify: " + err);
  const back = Req.toObject(Req.decode(Req.encode(msg).finish()), { longs: String, bytes: String, enums: Number });
  for (const rs of back.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans)
    spans.push({ s, service: rs.resource.attributes.find((a) => a.key === "service.name").value.stringValue });
}
const txns = fs.readFileSync(jsonFile, "utf8").split("\n").filter(Boolean).map(JSON.parse);
if (spans.length !== txns.length) throw new Error(`${spans.length} spans, ${txns.length} transactions`);
const hex = (b64) => Buffer.from(b64 || "", "base64").toString("hex");
const byId = new Map(spans.map((x) => [hex(x.s.spanId), x]));
let linked = 0;
for (const t of txns) {
  const x = byId.get(t.span_id);
  if (!x) throw new Error(`no span ${t.span_id}`);
  const s = x.s;
  if (hex(s.traceId) !== t.trace_id) throw new Error(`trace of ${t.span_id}`);
  if ((hex(s.parentSpanId) || null) !== t.parent_span_id) throw new Error(`parent of ${t.span_id}`);
  if (s.kind !== (t.side === "client" ? 3 : t.side === "server" ? 2 : 1)) throw new Error(`kind of ${t.span_id}`);
  if (x.service !== t.comm) throw new Error(`service of ${t.span_id}`);
  if (((s.status && s.status.code) || 0) !== (t.outcome === "error" ? 2 : 0)) throw new Error(`status of ${t.span_id}`);
  if (t.parent_span_id) linked++;
}
console.log(`${spans.length} spans decode with the OTLP protos and match the JSON view (${linked} with a parent)`);
JS
done
