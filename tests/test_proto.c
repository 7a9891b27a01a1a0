// SPDX-License-Identifier: MIT
/*
 * tests/test_proto.c - the one harness for protocol parser tests: data, not code. Every file
 * tests/proto/<protocol>/<case>.t describes the bytes of one connection and the transactions
 * tinytap-show must make of them; a new protocol adds files, not a runner.
 *
 * The bytes go through the real pipeline (analyze/pipeline.h: engine, streams, detection among
 * every protocol of the table, the parser, pairing, the filter, the line or JSON sink) as DATA
 * records of a client socket and/or a server socket on 127.0.0.1. Each case runs
 *   - as written (its output must equal the expected text),
 *   - with every data line cut in two at every byte (two calls instead of one),
 *   - with every data line cut into single bytes,
 * and every variant must give the same output.
 *
 * Case file (tests/proto/README.md has the details):
 *   # comment
 *   role both|client|server|unknown   sockets recorded (default both: client pid 100 "client",
 *                                      server pid 200 "server"; unknown: one socket, no CONN)
 *   port N                             the server's port (default 8080)
 *   start late                         the sockets existed before the recording (CONN records
 *                                      say "first data": the start was not recorded)
 *   flags -v --json --errors ...       output mode and filters, as tinytap-show takes them
 *   > text                             the client sends text (escapes: \r \n \t \\ \xNN)
 *   < text                             the server sends text
 *   gap > N | gap < N                  N bytes of that direction lost (both ends)
 *   nodata > N | nodata < N            N bytes sent without content (sendfile)
 *   loss                               events lost (a gap of unknown size everywhere)
 *   wait MS                            time passes
 *   close                              both ends close
 *   == expect
 *   ...the output, then a line "-- sockets: ..." with what detection found
 *
 * TT_PROTO_REGEN=1 rewrites the expected text of every case from its output (review the diff).
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/filter.h"
#include "analyze/output.h"
#include "analyze/pipeline.h"
#include "analyze/proto.h"
#include "analyze/sink/json.h"
#include "analyze/sink/line.h"

extern const struct tt_proto toy_echo_proto;

enum { EV_DATA, EV_GAP, EV_NODATA, EV_LOSS, EV_WAIT, EV_CLOSE };

struct ev {
	int kind;
	int from_client; /* EV_DATA, EV_GAP, EV_NODATA */
	uint8_t *data;
	size_t len;
	uint64_t n; /* bytes (gap, nodata), ms (wait) */
};

struct tcase {
	char path[512];
	char role[16];
	uint16_t port;
	int late; /* start late: the connections began before the recording */
	char flags[512];
	struct ev ev[512];
	size_t nev;
	char *head; /* the file up to and with the "== expect" line */
	char *expect;
};

#define BASE_BOOT 1000000000000ull
#define BASE_WALL 1795600800000000000ll /* 2026-11-25T10:00:00Z */
#define CLI_SOCK  1001
#define SRV_SOCK  1002

static void setup(void)
{
	static int done;
	if (!done) {
		cr_assert_eq(tt_proto_register(&toy_echo_proto), 0);
		done = 1;
	}
}

/* --- the case file --------------------------------------------------------------------------- */

static size_t unescape(const char *s, uint8_t *out)
{
	size_t n = 0;
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			out[n++] = (uint8_t)*s;
			continue;
		}
		s++;
		switch (*s) {
		case 'r':
			out[n++] = '\r';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case '0':
			out[n++] = 0;
			break;
		case 'x': {
			char h[3] = {s[1], s[1] ? s[2] : 0, 0};
			out[n++] = (uint8_t)strtoul(h, NULL, 16);
			s += strlen(h);
			break;
		}
		default:
			out[n++] = (uint8_t)*s;
		}
	}
	return n;
}

static void load(struct tcase *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	strcpy(c->role, "both");
	c->port = 8080;
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0, headlen = 0;
	ssize_t l;
	c->head = calloc(1, 1);
	while ((l = getline(&line, &cap, f)) > 0) {
		c->head = realloc(c->head, headlen + (size_t)l + 1);
		memcpy(c->head + headlen, line, (size_t)l + 1);
		headlen += (size_t)l;
		if (line[l - 1] == '\n')
			line[--l] = 0;
		if (!strcmp(line, "== expect"))
			break;
		if (!l || line[0] == '#')
			continue;
		cr_assert_lt(c->nev, sizeof(c->ev) / sizeof(c->ev[0]), "%s: too many lines", path);
		struct ev *e = &c->ev[c->nev];
		if ((line[0] == '>' || line[0] == '<') && (line[1] == ' ' || !line[1])) {
			e->kind = EV_DATA;
			e->from_client = line[0] == '>';
			e->data = malloc((size_t)l + 1);
			e->len = unescape(line[1] ? line + 2 : "", e->data);
			c->nev++;
		} else if (!strncmp(line, "gap ", 4) || !strncmp(line, "nodata ", 7)) {
			char *a = strchr(line, ' ') + 1;
			e->kind = line[0] == 'g' ? EV_GAP : EV_NODATA;
			e->from_client = a[0] == '>';
			e->n = strtoull(a + 1, NULL, 10);
			cr_assert(e->n > 0 && (a[0] == '>' || a[0] == '<'), "%s: bad line '%s'", path,
				  line);
			c->nev++;
		} else if (!strcmp(line, "loss")) {
			e->kind = EV_LOSS;
			c->nev++;
		} else if (!strcmp(line, "close")) {
			e->kind = EV_CLOSE;
			c->nev++;
		} else if (!strncmp(line, "wait ", 5)) {
			e->kind = EV_WAIT;
			e->n = strtoull(line + 5, NULL, 10);
			c->nev++;
		} else if (!strncmp(line, "role ", 5)) {
			snprintf(c->role, sizeof(c->role), "%s", line + 5);
		} else if (!strcmp(line, "start late")) {
			c->late = 1;
		} else if (!strncmp(line, "port ", 5)) {
			c->port = (uint16_t)atoi(line + 5);
		} else if (!strncmp(line, "flags ", 6)) {
			snprintf(c->flags, sizeof(c->flags), "%s", line + 6);
		} else {
			cr_assert_fail("%s: cannot read line '%s'", path, line);
		}
	}
	size_t ecap = 4096, elen = 0;
	c->expect = calloc(1, ecap);
	while ((l = getline(&line, &cap, f)) > 0) {
		while (elen + (size_t)l + 1 > ecap)
			c->expect = realloc(c->expect, ecap *= 2);
		memcpy(c->expect + elen, line, (size_t)l + 1);
		elen += (size_t)l;
	}
	free(line);
	fclose(f);
}

static void unload(struct tcase *c)
{
	for (size_t i = 0; i < c->nev; i++)
		free(c->ev[i].data);
	free(c->head);
	free(c->expect);
}

/* --- running it ------------------------------------------------------------------------------ */

struct run {
	struct tt_pipeline *p;
	uint64_t ts;
	int cli, srv; /* sockets recorded */
};

static void add(struct run *r, struct tt_record *rec)
{
	cr_assert_eq(tt_pipeline_add(r->p, rec), 0);
}

static void process(struct run *r, uint32_t pid, const char *comm)
{
	struct tt_record rec = {.type = TT_REC_PROCESS};
	rec.u.process.ts_ns = r->ts;
	rec.u.process.pid = pid;
	rec.u.process.origin = TT_PROC_SCAN;
	snprintf(rec.u.process.comm, sizeof(rec.u.process.comm), "%s", comm);
	add(r, &rec);
}

static void conn(struct run *r, uint64_t sock, uint32_t pid, int role, uint16_t lport,
		 uint16_t rport, int late)
{
	struct tt_record rec = {.type = TT_REC_CONN};
	struct tt_rec_conn *c = &rec.u.conn;
	c->ts_ns = r->ts;
	c->sock_id = sock;
	c->pid = c->tid = pid;
	c->fd = 5;
	c->sock_type = 1;
	c->role = (uint8_t)role;
	c->origin = late			? TT_ORIGIN_FIRST_DATA
		    : role == TT_ROLE_CLIENT ? TT_ORIGIN_CONNECT
					     : TT_ORIGIN_ACCEPT;
	c->protocol = 6;
	c->local.family = c->remote.family = TT_AF_INET;
	memcpy(c->local.addr, "\x7f\0\0\x01", 4);
	memcpy(c->remote.addr, "\x7f\0\0\x01", 4);
	c->local.port = lport;
	c->remote.port = rport;
	add(r, &rec);
}

/* One call of one socket: payload p (NULL: none) of n bytes, flags TT_DATA_*. */
static void call(struct run *r, uint64_t sock, int dir, const uint8_t *p, uint64_t n,
		 uint16_t flags)
{
	struct tt_record rec = {.type = TT_REC_DATA};
	struct tt_rec_data *d = &rec.u.data;
	int client = sock == CLI_SOCK;
	d->ts_ns = r->ts;
	d->ts_enter_ns = r->ts - 1000;
	d->sock_id = sock;
	d->pid = d->tid = client ? 100 : 200;
	d->fd = 5;
	d->dir = (uint8_t)dir;
	d->syscall = dir == TT_DIR_EGRESS ? TT_SYS_WRITE : TT_SYS_READ;
	d->flags = flags;
	d->call_bytes = n;
	d->cap_len = p ? (uint32_t)n : 0;
	rec.payload = p;
	add(r, &rec);
}

/* The bytes going from one end to the other: the writer's calls, then the reader's (10 us
 * later), each cut in pieces of `piece` bytes (0: whole); every piece of a side at the same time,
 * so cutting changes no timestamp. */
static void send_ev(struct run *r, const struct ev *e, const uint8_t *p, size_t n, size_t cut,
		    int bytewise, uint16_t flags)
{
	uint64_t ws = e->from_client ? CLI_SOCK : SRV_SOCK, rs = e->from_client ? SRV_SOCK : CLI_SOCK;
	int rec[2] = {e->from_client ? r->cli : r->srv, e->from_client ? r->srv : r->cli};
	uint64_t sock[2] = {ws, rs};
	int dir[2] = {TT_DIR_EGRESS, TT_DIR_INGRESS};
	for (int k = 0; k < 2; k++) {
		if (rec[k]) {
			if (!p)
				call(r, sock[k], dir[k], NULL, n, flags);
			else if (bytewise)
				for (size_t i = 0; i < n; i++)
					call(r, sock[k], dir[k], p + i, 1, flags);
			else if (cut > 0 && cut < n) {
				call(r, sock[k], dir[k], p, cut, flags);
				call(r, sock[k], dir[k], p + cut, n - cut, flags);
			} else
				call(r, sock[k], dir[k], p, n, flags);
		}
		r->ts += k ? 90000 : 10000;
	}
}

/* split: data event index to cut at byte `at` (or -1), bytewise: every data line byte by byte */
static char *run_case(const struct tcase *c, long split, size_t at, int bytewise, char *counts,
		      size_t countslen)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	cr_assert_not_null(f);
	struct tt_output_opts oo = {.utc = 1, .body_show = 4096, .slow_ns = 1000000000ull};
	struct tt_filter *flt = tt_filter_new();
	cr_assert_not_null(flt);
	/* the flags, as tinytap-show takes them */
	char fl[512], err[256];
	int redact = 0;
	snprintf(fl, sizeof(fl), "%s", c->flags);
	char *save = NULL;
	for (char *tok = strtok_r(fl, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		static const struct {
			const char *flag;
			enum tt_filter_kind k;
		} fk[] = {{"--status", TT_F_STATUS}, {"--method", TT_F_METHOD}, {"--path", TT_F_PATH},
			  {"--host", TT_F_HOST},     {"--side", TT_F_SIDE},	    {"--grep", TT_F_GREP},
			  {"--header", TT_F_HEADER}, {"--proto", TT_F_PROTO},   {"--op", TT_F_OP},
			  {"--target", TT_F_TARGET}};
		if (!strcmp(tok, "-v"))
			oo.verbose = 1;
		else if (!strcmp(tok, "-vv"))
			oo.verbose = 2;
		else if (!strcmp(tok, "--json"))
			oo.json = 1;
		else if (!strcmp(tok, "--errors"))
			cr_assert_eq(tt_filter_add(flt, TT_F_ERRORS, "", err, sizeof(err)), 0);
		else if (!strcmp(tok, "--redact"))
			redact = oo.redact = 1;
		else {
			size_t i;
			for (i = 0; i < sizeof(fk) / sizeof(fk[0]); i++)
				if (!strcmp(tok, fk[i].flag))
					break;
			cr_assert(i < sizeof(fk) / sizeof(fk[0]), "%s: unknown flag %s", c->path,
				  tok);
			char *v = strtok_r(NULL, " ", &save);
			cr_assert_not_null(v, "%s: %s needs a value", c->path, tok);
			cr_assert_eq(tt_filter_add(flt, fk[i].k, v, err, sizeof(err)), 0, "%s: %s",
				     c->path, err);
		}
	}
	struct tt_sink *sink = oo.json ? tt_sink_json_new(f, &oo) : tt_sink_line_new(f, &oo);
	struct tt_pipeline_opts po = {
	    .body_cap = oo.verbose >= 2 || tt_filter_needs_bodies(flt) ? 65536 : 0,
	    .filter = flt,
	    .redact = redact};
	struct run r = {.ts = BASE_BOOT};
	r.p = tt_pipeline_new(&po, sink);
	cr_assert_not_null(r.p);
	struct tt_file_info fi = {.start_wall_ns = BASE_WALL, .start_boot_ns = BASE_BOOT};
	tt_pipeline_begin(r.p, &fi);

	int both = !strcmp(c->role, "both");
	r.cli = both || !strcmp(c->role, "client") || !strcmp(c->role, "unknown");
	r.srv = both || !strcmp(c->role, "server");
	if (r.cli)
		process(&r, 100, "client");
	if (r.srv)
		process(&r, 200, "server");
	r.ts += 100000;
	if (r.cli && strcmp(c->role, "unknown"))
		conn(&r, CLI_SOCK, 100, TT_ROLE_CLIENT, 40000, c->port, c->late);
	if (r.srv)
		conn(&r, SRV_SOCK, 200, TT_ROLE_SERVER, c->port, 40000, c->late);
	r.ts += 100000;
	long di = 0;
	for (size_t i = 0; i < c->nev; i++) {
		const struct ev *e = &c->ev[i];
		switch (e->kind) {
		case EV_DATA:
			send_ev(&r, e, e->data, e->len, di == split ? at : 0, bytewise, 0);
			di++;
			break;
		case EV_GAP:
			send_ev(&r, e, NULL, e->n, 0, 0, TT_DATA_DROPPED);
			break;
		case EV_NODATA:
			send_ev(&r, e, NULL, e->n, 0, 0, TT_DATA_NO_PAYLOAD);
			break;
		case EV_LOSS: {
			struct tt_record rec = {.type = TT_REC_LOSS};
			rec.u.loss.ts_ns = r.ts;
			rec.u.loss.events = 1;
			rec.u.loss.reason = 1;
			rec.u.loss.cpu = UINT32_MAX;
			add(&r, &rec);
			r.ts += 100000;
			break;
		}
		case EV_WAIT:
			r.ts += e->n * 1000000;
			break;
		case EV_CLOSE:
			for (int k = 0; k < 2; k++) {
				if (!(k ? r.srv : r.cli))
					continue;
				struct tt_record rec = {.type = TT_REC_CLOSE};
				rec.u.close.ts_ns = r.ts;
				rec.u.close.sock_id = k ? SRV_SOCK : CLI_SOCK;
				rec.u.close.pid = rec.u.close.tid = k ? 200 : 100;
				add(&r, &rec);
			}
			r.ts += 100000;
			break;
		}
	}
	tt_pipeline_finish(r.p);
	struct tt_pipeline_stats st;
	tt_pipeline_get_stats(r.p, &st);
	/* what detection found, as the summary line says it */
	size_t o = (size_t)snprintf(counts, countslen, "-- sockets: %" PRIu64, st.eng.streams.conns);
	for (size_t i = 0; i < tt_proto_count() && o < countslen; i++) {
		if (st.eng.streams.conns_by_proto[i])
			o += (size_t)snprintf(counts + o, countslen - o, ", %" PRIu64 " %s",
					      st.eng.streams.conns_by_proto[i], tt_proto_at(i)->name);
		if (st.eng.streams.handed_to[i] && o < countslen)
			o += (size_t)snprintf(counts + o, countslen - o, ", %" PRIu64 " upgraded to %s",
					      st.eng.streams.handed_to[i], tt_proto_at(i)->name);
	}
	if (st.eng.streams.conns_unrecognized && o < countslen)
		snprintf(counts + o, countslen - o, ", %" PRIu64 " unrecognized",
			 st.eng.streams.conns_unrecognized);
	tt_pipeline_free(r.p);
	tt_sink_free(sink);
	tt_filter_free(flt);
	fprintf(f, "%s\n", counts);
	fclose(f);
	return out;
}

static void regen(const struct tcase *c, const char *out)
{
	FILE *f = fopen(c->path, "w");
	cr_assert_not_null(f);
	fputs(c->head, f);
	fputs(out, f);
	fclose(f);
}

/* out with its two sockets' transactions apart: the client's blocks, then the server's, then
 * the rest, each in its own order. A block is a transaction's line or JSON object with the -v
 * lines under it. Cutting a read may change when a socket's protocol is told (a detector asks
 * for more bytes), and so how the two sockets' lines interleave; never what either one says. */
static char *per_socket(const char *out)
{
	size_t n = strlen(out);
	char *r = malloc(n + 1), *w = r;
	cr_assert_not_null(r);
	for (int pass = 0; pass < 3; pass++) {
		int cur = 2;
		for (const char *l = out; *l;) {
			const char *e = strchr(l, '\n');
			size_t len = e ? (size_t)(e - l) + 1 : strlen(l);
			if (*l == '[' || *l == '{') {
				char sock[32];
				snprintf(sock, sizeof(sock), "\"sock_id\":%d,", CLI_SOCK);
				const char *cli = *l == '[' ? "] cli " : sock;
				snprintf(sock, sizeof(sock), "\"sock_id\":%d,", SRV_SOCK);
				const char *srv = *l == '[' ? "] srv " : sock;
				const char *hit_c = memmem(l, len, cli, strlen(cli));
				const char *hit_s = memmem(l, len, srv, strlen(srv));
				cur = hit_c ? 0 : hit_s ? 1 : 2;
			} else if (!strncmp(l, "-- ", 3)) {
				cur = 2;
			}
			if (cur == pass) {
				memcpy(w, l, len);
				w += len;
			}
			l += len;
		}
	}
	*w = 0;
	return r;
}

/* The same output, or the same per socket (per_socket()). */
static int same_output(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 1;
	char *x = per_socket(a), *y = per_socket(b);
	int same = !strcmp(x, y);
	free(x);
	free(y);
	return same;
}

static void run_file(const char *path)
{
	struct tcase c;
	char counts[512];
	load(&c, path);
	char *whole = run_case(&c, -1, 0, 0, counts, sizeof(counts));
	const char *regen_env = getenv("TT_PROTO_REGEN");
	if (regen_env && *regen_env && strcmp(whole, c.expect)) {
		regen(&c, whole);
		cr_log_warn("%s: expected output rewritten", path);
	} else {
		cr_expect_str_eq(whole, c.expect, "%s: output differs.\n--- expected:\n%s--- got:\n%s",
				 path, c.expect, whole);
	}
	long di = 0;
	for (size_t i = 0; i < c.nev; i++) {
		if (c.ev[i].kind != EV_DATA)
			continue;
		for (size_t at = 1; at < c.ev[i].len; at++) {
			char *o = run_case(&c, di, at, 0, counts, sizeof(counts));
			int same = same_output(o, whole);
			cr_expect(same,
				  "%s: line %ld cut at byte %zu differs.\n--- whole:\n%s--- "
				  "cut:\n%s",
				  path, di + 1, at, whole, o);
			free(o);
			if (!same)
				break;
		}
		di++;
	}
	char *bytes = run_case(&c, -1, 0, 1, counts, sizeof(counts));
	cr_expect(same_output(bytes, whole),
		  "%s: byte by byte differs.\n--- whole:\n%s--- bytes:\n%s", path, whole, bytes);
	free(bytes);
	free(whole);
	unload(&c);
}

/* Every case of one protocol's directory. */
static void run_dir(const char *proto)
{
	char pat[512];
	const char *root = getenv("TT_ROOT");
	snprintf(pat, sizeof(pat), "%s/tests/proto/%s/*.t", root ? root : ".", proto);
	glob_t g;
	int rc = glob(pat, 0, NULL, &g);
	cr_assert_eq(rc, 0, "no case matches %s", pat);
	for (size_t i = 0; i < g.gl_pathc; i++)
		run_file(g.gl_pathv[i]);
	cr_log_info("%s: %zu cases", proto, g.gl_pathc);
	globfree(&g);
}

TestSuite(proto, .init = setup, .timeout = 300);

Test(proto, http1)
{
	run_dir("http1");
}

Test(proto, echo)
{
	run_dir("echo");
}

Test(proto, websocket)
{
	run_dir("websocket");
}

Test(proto, mysql)
{
	run_dir("mysql");
}

Test(proto, http2)
{
	run_dir("http2");
}

Test(proto, grpc)
{
	run_dir("grpc");
}

Test(proto, postgresql)
{
	run_dir("postgresql");
}

Test(proto, redis)
{
	run_dir("redis");
}
