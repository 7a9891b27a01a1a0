// SPDX-License-Identifier: MIT
/*
 * HTTP/2 sessions (RFC 9113). Each direction is a frame parser that streams payloads (nothing
 * but a header block is ever accumulated, and that under a cap), so a frame's length from the
 * wire never sizes an allocation. Streams live in a map by id (capped); a stream's HEADERS make
 * its transaction, its DATA the bodies, END_STREAM / RST_STREAM end it: pairing is by stream id,
 * exact, whatever the interleaving.
 *
 * HPACK: one libnghttp2 inflater per direction, fed every header block of that direction in
 * order. When the connection's start was seen (the client preface, or an h2c upgrade) and no
 * byte was lost, the tables are exact: blocks go to the inflater as they are, and a block it
 * rejects is invalid. SETTINGS_HEADER_TABLE_SIZE takes effect where the peer's SETTINGS ACK sits
 * in the encoder's own byte stream (what the encoder had seen by then), so the inflater follows
 * it without guessing. Otherwise (recording started mid-connection, or bytes lost) the table's
 * older entries are unknown: the block's representations are walked (structure only: prefix
 * integers and string lengths; strings are never decoded here) and every reference to an entry
 * the inflater does not have is replaced by an empty placeholder the inflater emits as a field
 * without a name, counted as unknown. Entries added since the recording began are real entries
 * of the inflater's table, so later references to them decode right; an entry whose name was
 * unknown stays a field without a name. Indices count from the newest entry, so the known
 * (newest) part of the table is numbered as on the wire.
 *
 * Frame boundaries: a direction whose start was not seen (or that lost bytes) looks for two
 * consecutive plausible frame headers (or one that ends exactly where the bytes end) before it
 * parses again; the bytes it keeps meanwhile are replayed with their own times. A response whose
 * request is among those bytes is held until they are replayed, so it pairs with its request.
 */
#include "analyze/proto/http2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nghttp2/nghttp2.h>

#include "analyze/buf.h"
#include "analyze/map64.h"

enum {
	FT_DATA = 0,
	FT_HEADERS = 1,
	FT_PRIORITY = 2,
	FT_RST_STREAM = 3,
	FT_SETTINGS = 4,
	FT_PUSH_PROMISE = 5,
	FT_PING = 6,
	FT_GOAWAY = 7,
	FT_WINDOW_UPDATE = 8,
	FT_CONTINUATION = 9,
};
#define FL_END_STREAM  0x01
#define FL_ACK	       0x01
#define FL_END_HEADERS 0x04
#define FL_PADDED      0x08
#define FL_PRIORITY    0x20

#define PREFACE		 "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define PREFACE_LEN	 24
#define DEFAULT_FRAME	 16384u
#define DEFAULT_TABLE	 4096u
#define SYNC_PIECES	 32
#define PENDING_SETTINGS 8
#define NO_TABLE_SETTING UINT32_MAX
#define UPGRADE_SETTINGS 1024 /* HTTP2-Settings bytes read (base64url) */

enum { S_START, S_PREFACE, S_HEAD, S_BODY, S_SYNC, S_DONE };
enum { P_FIX, P_MID, P_PAD };
enum { HP_UNSET, HP_EXACT, HP_MID };
enum { ROLE_REQ = 0, ROLE_RESP = 1 };

struct h2;

struct stream {
	uint32_t id;
	struct tt_txn *t;
	struct tt_grpc_framer gf[2]; /* by role */
	int held; /* an answer without its request, while the request may still be replayed */
	int method_unknown;
};

/* Bytes kept while looking for a frame boundary, with the call each piece came in. */
struct piece {
	size_t off;
	uint64_t ts;
	uint32_t pid, tid;
};

struct h2dir {
	struct h2 *h;
	int dir; /* enum tt_dir */
	int st;
	size_t pre; /* preface bytes matched */
	/* the frame being parsed */
	uint8_t fh[9];
	uint8_t fhl;
	uint32_t len, left; /* payload bytes, of which not consumed yet */
	uint8_t type, flags;
	uint32_t sid;
	int part;
	uint32_t need; /* bytes left of the current part */
	uint8_t fix[8];
	uint8_t fixn, fixl;
	uint32_t pad;
	uint64_t fts; /* time and process of the frame's first byte */
	uint32_t fpid, ftid;
	uint32_t set_table; /* this SETTINGS frame's HEADER_TABLE_SIZE, or NO_TABLE_SETTING */
	/* the header block being gathered (HEADERS or PUSH_PROMISE + CONTINUATION) */
	struct tt_buf blk;
	int in_blk, blk_es;
	uint8_t blk_type;
	uint32_t blk_sid, blk_promised;
	uint64_t blk_ts, blk_wire;
	uint32_t blk_pid, blk_tid;
	/* HPACK: the inflater of the blocks this direction carries */
	nghttp2_hd_inflater *inf;
	int hp;
	uint32_t hp_max; /* SETTINGS_HEADER_TABLE_SIZE the encoder must respect (capped) */
	int hp_capped;	 /* the peer allowed more than TT_H2_MAX_TABLE */
	/* SETTINGS this direction's sender sent, not acknowledged yet: their table sizes */
	uint32_t pend[PENDING_SETTINGS];
	size_t npend;
	uint32_t max_frame; /* the receiver's SETTINGS_MAX_FRAME_SIZE */
	uint64_t lost;	    /* times bytes were lost or skipped */
	/* looking for a frame boundary */
	struct tt_buf sync;
	struct piece pc[SYNC_PIECES];
	size_t npc;
	const struct tt_chunk *ch; /* chunk being fed */
};

struct h2 {
	struct tt_proto_env *env;
	const struct tt_conn_info *ci; /* borrowed: the connection outlives its session */
	struct h2dir d[2];
	int client_dir;		 /* enum tt_dir of the client's bytes, -1 unknown */
	int fresh;		 /* the connection's start was seen: HPACK exact from it */
	struct tt_map64 streams; /* id -> struct stream * */
	uint32_t last_req_id;	 /* highest stream id a request opened */
	uint32_t last_push_id;
	struct tt_h2_frames fr;
	struct tt_msg scratch; /* the header block just decoded */
	int held;	       /* streams held (struct stream.held) */
};

/* Fields of a block read by name: where they are in h->scratch (first of each), -1 none. */
enum { K_METHOD, K_PATH, K_AUTHORITY, K_SCHEME, K_STATUS, K_HOST, K_CTYPE, K_N };
static const struct {
	const char *name;
	size_t len;
} known[K_N] = {
    {":method", 7}, {":path", 5}, {":authority", 10},	{":scheme", 7},
    {":status", 7}, {"host", 4},  {"content-type", 12},
};

/* The result of decoding one header block (into h->scratch). */
struct dres {
	int at[K_N];
	uint64_t list;	  /* RFC 7541 size of the decoded list */
	uint32_t nfields; /* fields decoded */
	uint32_t unknown; /* fields whose table entry (or name) is unknown */
	int too_large;
	const char *err;
};

static const uint8_t nothing[1];

/* --- names -------------------------------------------------------------------------------- */

static const char *const error_names[] = {
    "NO_ERROR",
    "PROTOCOL_ERROR",
    "INTERNAL_ERROR",
    "FLOW_CONTROL_ERROR",
    "SETTINGS_TIMEOUT",
    "STREAM_CLOSED",
    "FRAME_SIZE_ERROR",
    "REFUSED_STREAM",
    "CANCEL",
    "COMPRESSION_ERROR",
    "CONNECT_ERROR",
    "ENHANCE_YOUR_CALM",
    "INADEQUATE_SECURITY",
    "HTTP_1_1_REQUIRED",
};

const char *tt_h2_error_name(uint32_t code, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	if (code < sizeof(error_names) / sizeof(error_names[0]))
		return error_names[code];
	char *o = buf;
	*o++ = '0';
	*o++ = 'x';
	int started = 0;
	for (int sh = 28; sh >= 0; sh -= 4) {
		unsigned v = (code >> sh) & 15;
		if (v || started || !sh) {
			*o++ = hex[v];
			started = 1;
		}
	}
	*o = 0;
	return buf;
}

static const char *const type_names[] = {
    "DATA",	    "HEADERS", "PRIORITY", "RST_STREAM",    "SETTINGS",
    "PUSH_PROMISE", "PING",    "GOAWAY",   "WINDOW_UPDATE", "CONTINUATION",
};

static const char *type_name(uint8_t type)
{
	return type < sizeof(type_names) / sizeof(type_names[0]) ? type_names[type] : "frame";
}

/* --- frame headers ------------------------------------------------------------------------- */

static uint32_t be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 1: a frame header a real peer sends (known type, only its defined flags, the stream id rules
 * and fixed lengths of RFC 9113 6, at most maxlen bytes): used to find frame boundaries, never to
 * reject a frame once framing is known (unknown flags and types are legal there). */
static int plausible(const uint8_t *p, uint32_t maxlen)
{
	uint32_t len = be24(p), sid = be32(p + 5);
	uint8_t type = p[3], fl = p[4];
	if ((sid & 0x80000000u) || len > maxlen)
		return 0;
	switch (type) {
	case FT_DATA:
		return sid && !(fl & ~(FL_END_STREAM | FL_PADDED));
	case FT_HEADERS:
		return sid && len &&
		       !(fl & ~(FL_END_STREAM | FL_END_HEADERS | FL_PADDED | FL_PRIORITY));
	case FT_PRIORITY:
		return sid && len == 5 && !fl;
	case FT_RST_STREAM:
		return sid && len == 4 && !fl;
	case FT_SETTINGS:
		return !sid && len % 6 == 0 && !(fl & ~FL_ACK) && (!(fl & FL_ACK) || !len);
	case FT_PUSH_PROMISE:
		return sid && len >= 4 && !(fl & ~(FL_END_HEADERS | FL_PADDED));
	case FT_PING:
		return !sid && len == 8 && !(fl & ~FL_ACK);
	case FT_GOAWAY:
		return !sid && len >= 8 && !fl;
	case FT_WINDOW_UPDATE:
		return len == 4 && !fl;
	case FT_CONTINUATION:
		return sid && !(fl & ~FL_END_HEADERS);
	}
	return 0;
}

/* --- detection ----------------------------------------------------------------------------- */

/* One direction's first bytes: the client preface (100), a server's first SETTINGS when the
 * connection's start was recorded (80), plausible frames from the first byte (55: two of them;
 * 45: one that ends where the bytes end; 30: one longer than what is here yet). */
static int detect_dir(const uint8_t *b, size_t n, int start)
{
	size_t k = n < PREFACE_LEN ? n : PREFACE_LEN;
	if (!memcmp(b, PREFACE, k))
		return k >= 5 ? 100 : TT_DETECT_MORE;
	if (n < 9) {
		if (n >= 4 && b[3] > FT_CONTINUATION)
			return TT_DETECT_NO;
		return n >= 1 && b[0] > 0x00 ? TT_DETECT_NO : TT_DETECT_MORE;
	}
	if (!plausible(b, DEFAULT_FRAME))
		return TT_DETECT_NO;
	if (start && b[3] == FT_SETTINGS && !(b[4] & FL_ACK))
		return 80;
	size_t next = 9 + (size_t)be24(b);
	if (next + 9 <= n)
		return plausible(b + next, DEFAULT_FRAME) ? 55 : TT_DETECT_NO;
	if (next == n)
		return 45;
	if (next < n)
		return TT_DETECT_MORE; /* the second header is cut */
	return 30;
}

static int http2_detect(const struct tt_detect *dt)
{
	int s[2] = {TT_DETECT_NO, TT_DETECT_NO}, more = 0;
	int start =
	    dt->ci && (dt->ci->origin == TT_ORIGIN_CONNECT || dt->ci->origin == TT_ORIGIN_ACCEPT);
	for (int i = 0; i < 2; i++) {
		if (!dt->len[i])
			continue;
		s[i] = detect_dir(dt->buf[i], dt->len[i], start && dt->first_dir == i);
		if (s[i] == TT_DETECT_NO)
			return TT_DETECT_NO; /* both directions are framed, or it is not HTTP/2 */
		if (s[i] == TT_DETECT_MORE) {
			more = 1;
			s[i] = TT_DETECT_NO;
		}
	}
	int best = s[0] > s[1] ? s[0] : s[1];
	if (s[0] >= 45 && s[1] >= 45 && best < 65)
		best = 65; /* both directions frame the same way */
	return best ? best : more ? TT_DETECT_MORE : TT_DETECT_NO;
}

/* --- HPACK --------------------------------------------------------------------------------- */

enum { R_INDEXED, R_LIT_INC, R_LIT_NOIDX, R_LIT_NEVER, R_SIZE };

/* One representation of a header block (RFC 7541 6): its kind, its index (or new size), where
 * its value string starts (literals) and where it ends. Structure only. */
struct hrep {
	int kind;
	uint64_t index;
	size_t value_at, end;
};

/* A prefix integer at *o (RFC 7541 5.1), at most 2^28: 0, or -1 when cut or too large. */
static int hint(const uint8_t *p, size_t n, size_t *o, int prefix, uint64_t *v)
{
	uint64_t mask = (1u << prefix) - 1;
	if (*o >= n)
		return -1;
	uint64_t x = p[(*o)++] & mask;
	if (x < mask) {
		*v = x;
		return 0;
	}
	for (int shift = 0;; shift += 7) {
		if (*o >= n || shift > 21)
			return -1;
		uint8_t c = p[(*o)++];
		x += (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
	}
	*v = x;
	return 0;
}

/* Steps over a string literal (RFC 7541 5.2) by its length. */
static int hskip(const uint8_t *p, size_t n, size_t *o)
{
	uint64_t len;
	if (hint(p, n, o, 7, &len) < 0 || len > n - *o)
		return -1;
	*o += (size_t)len;
	return 0;
}

static int hrep_at(const uint8_t *p, size_t n, size_t o, struct hrep *r)
{
	uint8_t b = p[o];
	int prefix;
	if (b & 0x80)
		r->kind = R_INDEXED, prefix = 7;
	else if (b & 0x40)
		r->kind = R_LIT_INC, prefix = 6;
	else if (b & 0x20)
		r->kind = R_SIZE, prefix = 5;
	else if (b & 0x10)
		r->kind = R_LIT_NEVER, prefix = 4;
	else
		r->kind = R_LIT_NOIDX, prefix = 4;
	if (hint(p, n, &o, prefix, &r->index) < 0)
		return -1;
	r->value_at = r->end = o;
	if (r->kind == R_INDEXED || r->kind == R_SIZE)
		return 0;
	if (!r->index && hskip(p, n, &o) < 0)
		return -1;
	r->value_at = o;
	if (hskip(p, n, &o) < 0)
		return -1;
	r->end = o;
	return 0;
}

/* Encodes v as a prefix integer into out (>= 6 bytes); the first byte's high bits are 0. */
static size_t henc(uint8_t *out, int prefix, uint32_t v)
{
	uint32_t mask = (1u << prefix) - 1;
	size_t k = 0;
	if (v < mask) {
		out[k++] = (uint8_t)v;
		return k;
	}
	out[k++] = (uint8_t)mask;
	v -= mask;
	while (v >= 128) {
		out[k++] = (uint8_t)(0x80 | (v & 0x7f));
		v >>= 7;
	}
	out[k++] = (uint8_t)v;
	return k;
}

static void got_field(struct h2dir *d, struct dres *r, const nghttp2_nv *nv)
{
	r->nfields++;
	r->list += nv->namelen + nv->valuelen + 32;
	if (r->nfields > TT_H2_MAX_FIELDS || r->list > TT_H2_MAX_LIST) {
		/* decoding goes on (the table must stay right), keeping nothing */
		r->too_large = 1;
		return;
	}
	if (d->hp == HP_MID && !nv->namelen) {
		r->unknown++;
		return;
	}
	struct tt_msg *sc = &d->h->scratch;
	uint32_t i = sc->n_headers;
	if (tt_msg_add_header(sc, (const char *)nv->name, nv->namelen, (const char *)nv->value,
			      nv->valuelen) < 0)
		return;
	for (int k = 0; k < K_N; k++)
		if (r->at[k] < 0 && nv->namelen == known[k].len &&
		    !memcmp(nv->name, known[k].name, known[k].len)) {
			r->at[k] = (int)i;
			break;
		}
}

/* The decoded value of a field read by name, or NULL. */
static const char *field(const struct h2 *h, const struct dres *r, int k)
{
	return r->at[k] >= 0 ? h->scratch.headers[r->at[k]].value : NULL;
}

/* Gives n bytes of a block to the inflater; final: they end it. 0, or -1 (it rejected them). */
static int inflate(struct h2dir *d, struct dres *r, const uint8_t *p, size_t n, int final)
{
	if (!p)
		p = nothing;
	for (;;) {
		nghttp2_nv nv;
		int fl = 0;
		ssize_t rv = nghttp2_hd_inflate_hd2(d->inf, &nv, &fl, p, n, final);
		if (rv < 0)
			return -1;
		p += rv;
		n -= (size_t)rv;
		if ((fl & NGHTTP2_HD_INFLATE_EMIT) && r)
			got_field(d, r, &nv);
		if (fl & NGHTTP2_HD_INFLATE_FINAL) {
			nghttp2_hd_inflate_end_headers(d->inf);
			return 0;
		}
		if (!(fl & NGHTTP2_HD_INFLATE_EMIT) && !n)
			return 0;
	}
}

/* Mid-connection: the table as large as kept (entries the real table evicted never get
 * referenced; older ones it still has are unknown anyway). */
static void hp_widen(struct h2dir *d)
{
	uint8_t up[8];
	size_t k = henc(up, 5, TT_H2_MAX_TABLE);
	up[0] |= 0x20;
	d->hp = HP_MID;
	if (nghttp2_hd_inflate_change_table_size(d->inf, TT_H2_MAX_TABLE) == 0)
		inflate(d, NULL, up, k, 1);
}

static void hp_init(struct h2dir *d, int mode)
{
	if (d->inf)
		nghttp2_hd_inflate_del(d->inf);
	d->inf = NULL;
	d->hp = mode;
	if (nghttp2_hd_inflate_new(&d->inf) != 0) {
		d->inf = NULL;
		return;
	}
	if (mode == HP_MID)
		hp_widen(d);
	else if (d->hp_max != DEFAULT_TABLE)
		nghttp2_hd_inflate_change_table_size(d->inf, d->hp_max);
}

/* The receiver of this direction's blocks allows a table of v bytes (its SETTINGS, acked). */
static void hp_setting(struct h2dir *d, uint32_t v)
{
	d->hp_capped = v > TT_H2_MAX_TABLE;
	d->hp_max = d->hp_capped ? TT_H2_MAX_TABLE : v;
	if (d->inf && d->hp == HP_EXACT)
		nghttp2_hd_inflate_change_table_size(d->inf, d->hp_max);
}

/* A table size update at the block's start larger than the table kept. */
static int size_over(const uint8_t *p, size_t n, uint32_t max)
{
	size_t o = 0;
	struct hrep r;
	while (o < n && hrep_at(p, n, o, &r) == 0 && r.kind == R_SIZE) {
		if (r.index > max)
			return 1;
		o = r.end;
	}
	return 0;
}

/* Decodes a block whose table is partly unknown (see the top of the file). */
static int inflate_mid(struct h2dir *d, struct dres *r, const uint8_t *p, size_t n)
{
	static const uint8_t placeholder[3] = {0x00, 0x00, 0x00};
	static const uint8_t newname[][2] = {
	    [R_LIT_INC] = {0x40, 0x00}, [R_LIT_NOIDX] = {0x00, 0x00}, [R_LIT_NEVER] = {0x10, 0x00}};
	size_t o = 0;
	while (o < n) {
		struct hrep rp;
		if (hrep_at(p, n, o, &rp) < 0) {
			r->err = "hpack: malformed header block";
			return -1;
		}
		size_t have = nghttp2_hd_inflate_get_num_table_entries(d->inf);
		int rc = 0;
		if (rp.kind == R_SIZE) {
			/* the table stays as large as kept */
		} else if (rp.kind == R_INDEXED && !rp.index) {
			r->err = "hpack: index 0";
			return -1;
		} else if (rp.index > have) {
			if (rp.kind == R_INDEXED)
				rc = inflate(d, r, placeholder, sizeof(placeholder), 0);
			else
				rc = inflate(d, r, newname[rp.kind], 2, 0) ||
				     inflate(d, r, p + rp.value_at, rp.end - rp.value_at, 0);
		} else {
			rc = inflate(d, r, p + o, rp.end - o, 0);
		}
		if (rc) {
			r->err = "hpack: bad header block";
			return -1;
		}
		o = rp.end;
	}
	if (inflate(d, r, NULL, 0, 1)) {
		r->err = "hpack: bad header block";
		return -1;
	}
	return 0;
}

/* Decodes the gathered block into h->scratch. */
static void decode_block(struct h2dir *d, struct dres *r)
{
	struct tt_msg *sc = &d->h->scratch;
	sc->n_headers = 0;
	sc->header_bytes = 0;
	sc->hbuf_len = 0;
	sc->headers_truncated = 0;
	memset(r, 0, sizeof(*r));
	for (int k = 0; k < K_N; k++)
		r->at[k] = -1;
	if (d->hp == HP_UNSET)
		hp_init(d, d->h->fresh ? HP_EXACT : HP_MID);
	if (!d->inf) {
		r->err = "out of memory";
		return;
	}
	const uint8_t *p = tt_buf_data(&d->blk);
	size_t n = tt_buf_len(&d->blk);
	if (d->hp == HP_EXACT && d->hp_capped && size_over(p, n, d->hp_max))
		hp_widen(d); /* a table larger than kept: what it has is still right */
	if (d->hp == HP_EXACT) {
		if (inflate(d, r, p, n, 1))
			r->err = "hpack: bad header block";
	} else {
		inflate_mid(d, r, p, n);
	}
	tt_buf_reset(&d->blk);
}

/* --- transactions -------------------------------------------------------------------------- */

static enum tt_side side_of(const struct h2 *h)
{
	if (h->client_dir < 0)
		return TT_SIDE_UNKNOWN;
	return h->client_dir == TT_DIR_EGRESS ? TT_SIDE_CLIENT : TT_SIDE_SERVER;
}

static struct tt_txn *txn_new(struct h2 *h, uint32_t pid, uint32_t tid, uint32_t sid)
{
	struct tt_txn *t = tt_proto_txn_new(&tt_http2_proto, h->env, h->ci, side_of(h), pid, tid);
	if (!t)
		return NULL;
	struct tt_h2 *x = tt_h2(t);
	x->stream_id = sid;
	x->rst_code = -1;
	x->grpc.status = -1;
	return t;
}

static void emit(struct h2 *h, struct tt_txn *t)
{
	t->req.done = t->resp.done = 1;
	tt_h2(t)->frames = h->fr;
	if (t->pr == &tt_grpc_proto)
		tt_grpc_finish(t);
	if (h->env->emit)
		h->env->emit(h->env->ctx, t);
	else
		tt_txn_free(t);
}

static struct stream *stream_get(struct h2 *h, uint32_t id)
{
	uint64_t v;
	return tt_map64_get(&h->streams, id, &v) ? (struct stream *)(uintptr_t)v : NULL;
}

static void stream_emit(struct h2 *h, struct stream *s)
{
	tt_map64_del(&h->streams, s->id, NULL);
	if (s->held)
		h->held--;
	emit(h, s->t);
	free(s);
}

/* The requests' direction still keeps bytes it has not parsed: they may hold the request of an
 * answer already here. */
static int req_pending(const struct h2 *h)
{
	for (int i = 0; i < 2; i++)
		if ((h->client_dir < 0 || h->client_dir == i) && h->d[i].st == S_SYNC &&
		    tt_buf_len(&h->d[i].sync))
			return 1;
	return 0;
}

static void stream_check(struct h2 *h, struct stream *s)
{
	struct tt_txn *t = s->t;
	if (!t->req.done || !t->resp.done)
		return;
	if ((t->flags & TT_TXN_NO_REQUEST) && !t->req.seen && req_pending(h)) {
		if (!s->held) {
			s->held = 1;
			h->held++;
		}
		return;
	}
	stream_emit(h, s);
}

/* Held answers whose requests did not come with the replayed bytes go on without them. */
static void release_held(struct h2 *h)
{
	if (!h->held || req_pending(h))
		return;
	size_t pos = 0;
	uint64_t k, v;
	while (h->held && tt_map64_next(&h->streams, &pos, &k, &v)) {
		struct stream *s = (struct stream *)(uintptr_t)v;
		if (s->held) {
			stream_emit(h, s);
			pos = 0; /* the map changed */
		}
	}
}

/* Too many open streams: the oldest (lowest id) goes, flagged. */
static void evict_oldest(struct h2 *h)
{
	size_t pos = 0;
	uint64_t k, v;
	struct stream *old = NULL;
	while (tt_map64_next(&h->streams, &pos, &k, &v)) {
		struct stream *s = (struct stream *)(uintptr_t)v;
		if (!old || s->id < old->id)
			old = s;
	}
	if (old) {
		old->t->flags |= TT_TXN_EVICTED;
		stream_emit(h, old);
	}
}

static struct stream *stream_new(struct h2 *h, uint32_t id, uint32_t pid, uint32_t tid)
{
	if (tt_map64_len(&h->streams) >= TT_H2_MAX_STREAMS)
		evict_oldest(h);
	struct stream *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->id = id;
	if (!(s->t = txn_new(h, pid, tid, id)) ||
	    tt_map64_put(&h->streams, id, (uint64_t)(uintptr_t)s) < 0) {
		if (s->t) {
			h->env->next_seq--; /* never handed out: keep the sequence without a hole */
			tt_txn_free(s->t);
		}
		free(s);
		return NULL;
	}
	return s;
}

static struct tt_msg *role_msg(struct tt_txn *t, int role)
{
	return role == ROLE_REQ ? &t->req : &t->resp;
}

static int role_of(const struct h2dir *d)
{
	return d->dir == d->h->client_dir ? ROLE_REQ : ROLE_RESP;
}

/* A direction's message of a stream ended (END_STREAM). */
static void msg_end(struct h2 *h, struct stream *s, int role, uint64_t ts)
{
	struct tt_txn *t = s->t;
	struct tt_msg *m = role_msg(t, role);
	if (m->done)
		return;
	m->done = 1;
	m->complete = m->seen && !(role == ROLE_REQ && s->method_unknown);
	m->ts_last = ts;
	if (t->pr == &tt_grpc_proto)
		tt_grpc_end(t, &s->gf[role], role);
	stream_check(h, s);
}

/* Copies the decoded fields into m (headers, or trailers after them). */
static void add_fields(struct tt_msg *m, const struct tt_msg *sc)
{
	for (uint32_t i = 0; i < sc->n_headers; i++) {
		const struct tt_kv *kv = &sc->headers[i];
		tt_msg_add_header(m, kv->name, strlen(kv->name), kv->value, strlen(kv->value));
	}
	if (sc->headers_truncated)
		m->headers_truncated = 1;
}

static void set_str(struct tt_txn *t, char **f, const char *s)
{
	if (s)
		tt_txn_set_str(t, f, s, strnlen(s, TT_TXN_MAX_TARGET));
}

static int parse_status(const char *s)
{
	if (!s || strlen(s) != 3)
		return 0;
	int v = 0;
	for (int i = 0; i < 3; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v >= 100 ? v : 0;
}

/* The request's pseudo-header fields into the core and the HTTP detail. */
static void set_request(struct h2 *h, struct tt_txn *t, struct stream *s, const struct dres *r)
{
	struct tt_h2 *x = tt_h2(t);
	const char *meth = field(h, r, K_METHOD), *auth = field(h, r, K_AUTHORITY);
	set_str(t, &t->op, meth);
	set_str(t, &t->target, field(h, r, K_PATH));
	set_str(t, &x->http.authority, auth ? auth : field(h, r, K_HOST));
	set_str(t, &x->scheme, field(h, r, K_SCHEME));
	if (!x->http.version)
		tt_txn_set_str(t, &x->http.version, "HTTP/2", 6);
	s->method_unknown = !meth;
}

/* A header block of a stream's message: its headers, or trailers. */
static void stream_headers(struct h2dir *d, struct stream *s, int role, const struct dres *r,
			   int es)
{
	struct h2 *h = d->h;
	struct tt_txn *t = s->t;
	struct tt_h2 *x = tt_h2(t);
	struct tt_msg *m = role_msg(t, role);
	const struct tt_msg *sc = &h->scratch;
	uint64_t ts = d->ch->ts;
	if (m->done)
		return; /* after END_STREAM: a closed stream's frame */
	uint32_t u = x->unknown[role] + r->unknown;
	x->unknown[role] = u > UINT16_MAX ? UINT16_MAX : (uint16_t)u;
	if (r->too_large && !t->error) {
		t->error = "header list too large";
		t->flags |= TT_TXN_BROKEN;
	}
	if (!m->seen) {
		int st = role == ROLE_RESP ? parse_status(field(h, r, K_STATUS)) : 0;
		if (st >= 100 && st < 200 && st != 101) {
			x->http.interim_status = st; /* the final response follows */
			return;
		}
		m->seen = 1;
		m->ts_first = d->blk_ts;
		m->pid = d->blk_pid;
		m->tid = d->blk_tid;
		add_fields(m, sc);
		const char *ct = field(h, r, K_CTYPE);
		if (role == ROLE_REQ) {
			set_request(h, t, s, r);
			if (tt_grpc_content_type(ct))
				tt_grpc_start(t, field(h, r, K_PATH));
		} else {
			tt_http_set_status(t, st);
			tt_txn_set_str(t, &x->http.resp_version, "HTTP/2", 6);
			if (t->pr != &tt_grpc_proto && tt_grpc_content_type(ct)) {
				tt_grpc_start(t, NULL);
				x->grpc.msgs[ROLE_REQ] = -1; /* its messages went by uncounted */
			}
		}
	} else {
		add_fields(m, sc); /* trailers */
	}
	if (t->pr == &tt_grpc_proto)
		tt_grpc_headers(t, m, role);
	m->wire_bytes += d->blk_wire;
	m->ts_last = ts;
	if (es)
		msg_end(h, s, role, ts);
}

/* Connection error in direction d: its frames are not parsed any more; the stream the frame was
 * about (or a transaction made for the error) says why. */
static void fail(struct h2dir *d, uint32_t sid, const char *why)
{
	struct h2 *h = d->h;
	int role = role_of(d);
	uint64_t ts = d->ch ? d->ch->ts : d->fts;
	d->st = S_DONE;
	d->in_blk = 0;
	struct stream *s = sid ? stream_get(h, sid) : NULL;
	struct tt_txn *t = s ? s->t : NULL;
	if (!s) {
		t = txn_new(h, d->fpid, d->ftid, sid);
		if (t) {
			tt_h2(t)->conn_error = 1;
			tt_txn_set_str(t, &t->op, type_name(d->type), strlen(type_name(d->type)));
			struct tt_msg *m = role_msg(t, role);
			m->seen = 1;
			m->ts_first = d->fts;
			m->ts_last = ts;
			m->pid = d->fpid;
			m->tid = d->ftid;
			if (role == ROLE_RESP)
				t->flags |= TT_TXN_NO_REQUEST;
		}
	}
	if (t && !t->error) {
		t->error = why;
		t->flags |= TT_TXN_BROKEN;
	}
	if (!s) {
		if (t)
			emit(h, t);
	}
	/* every message this direction was sending is over */
	size_t pos = 0;
	uint64_t k, v;
	struct stream *ended[TT_H2_MAX_STREAMS];
	size_t ne = 0;
	while (tt_map64_next(&h->streams, &pos, &k, &v) && ne < TT_H2_MAX_STREAMS)
		ended[ne++] = (struct stream *)(uintptr_t)v;
	for (size_t i = 0; i < ne; i++) {
		struct tt_msg *m = role_msg(ended[i]->t, role);
		if (!m->done) {
			if (m->seen)
				ended[i]->t->flags |= TT_TXN_BROKEN;
			m->done = 1;
			m->ts_last = m->seen ? m->ts_last : ts;
			stream_check(h, ended[i]);
		}
	}
}

/* A complete HEADERS block. */
static void headers_done(struct h2dir *d, const struct dres *r)
{
	struct h2 *h = d->h;
	uint32_t sid = d->blk_sid;
	int req_like = r->at[K_METHOD] >= 0 || r->at[K_PATH] >= 0;
	int resp_like = r->at[K_STATUS] >= 0;
	if (h->client_dir < 0 && req_like != resp_like)
		h->client_dir = req_like ? d->dir : d->dir ^ 1;
	struct stream *s = stream_get(h, sid);
	int role;
	if (h->client_dir >= 0)
		role = role_of(d);
	else if (req_like != resp_like)
		role = req_like ? ROLE_REQ : ROLE_RESP;
	else
		role = s && s->t->req.seen ? ROLE_RESP : ROLE_REQ;
	if (role == ROLE_REQ) {
		if (!s) {
			/* a stream that ended or went (trailers of an evicted one) */
			if (sid <= h->last_req_id)
				return;
			if (!req_like && !r->unknown && !r->too_large)
				return; /* trailers of a request sent before the recording */
			if (!(sid & 1) && h->client_dir >= 0) {
				fail(d, sid, "request on an even stream id");
				return;
			}
			if (!(s = stream_new(h, sid, d->blk_pid, d->blk_tid)))
				return;
			h->last_req_id = sid;
		} else if (!s->t->req.seen && (s->t->flags & TT_TXN_NO_REQUEST)) {
			/* the request of an answer that came first (replayed bytes) */
			s->t->flags &= ~TT_TXN_NO_REQUEST;
			s->t->req.done = 0;
			if (s->held) {
				s->held = 0;
				h->held--;
			}
		}
	} else if (!s) {
		if (!(s = stream_new(h, sid, d->blk_pid, d->blk_tid)))
			return;
		s->t->flags |= TT_TXN_NO_REQUEST; /* its request was before the recording */
		s->t->req.done = 1;
	}
	stream_headers(d, s, role, r, d->blk_es);
}

/* A complete PUSH_PROMISE block: the promised stream's request. */
static void push_done(struct h2dir *d, const struct dres *r)
{
	struct h2 *h = d->h;
	uint32_t id = d->blk_promised;
	if (h->client_dir < 0)
		h->client_dir = d->dir ^ 1; /* only servers push */
	if (!id || (id & 1)) {
		fail(d, d->blk_sid, "PUSH_PROMISE of an odd stream id");
		return;
	}
	if (id <= h->last_push_id || stream_get(h, id))
		return;
	h->last_push_id = id;
	struct stream *s = stream_new(h, id, d->blk_pid, d->blk_tid);
	if (!s)
		return;
	struct tt_txn *t = s->t;
	tt_h2(t)->push_parent = d->blk_sid;
	struct tt_msg *m = &t->req;
	m->seen = 1;
	m->ts_first = d->blk_ts;
	m->pid = d->blk_pid;
	m->tid = d->blk_tid;
	add_fields(m, &h->scratch);
	set_request(h, t, s, r);
	uint32_t u = r->unknown > UINT16_MAX ? UINT16_MAX : r->unknown;
	tt_h2(t)->unknown[ROLE_REQ] = (uint16_t)u;
	if (r->too_large) {
		t->error = "header list too large";
		t->flags |= TT_TXN_BROKEN;
	}
	m->wire_bytes = d->blk_wire;
	msg_end(h, s, ROLE_REQ, d->ch->ts); /* a promised request has no body */
}

static void block_done(struct h2dir *d)
{
	struct dres r;
	d->in_blk = 0;
	decode_block(d, &r);
	if (r.err) {
		fail(d, d->blk_sid, r.err);
		return;
	}
	if (d->blk_type == FT_PUSH_PROMISE)
		push_done(d, &r);
	else
		headers_done(d, &r);
}

static void stream_reset(struct h2dir *d, uint32_t code)
{
	struct h2 *h = d->h;
	struct stream *s = stream_get(h, d->sid);
	if (!s)
		return;
	struct tt_txn *t = s->t;
	struct tt_h2 *x = tt_h2(t);
	x->rst_code = (int32_t)(code & 0x7fffffff);
	x->rst_by = (uint8_t)(h->client_dir < 0		? TT_SIDE_UNKNOWN
			      : d->dir == h->client_dir ? TT_SIDE_CLIENT
							: TT_SIDE_SERVER);
	if (code)
		t->outcome = TT_OUTCOME_ERROR;
	for (int role = 0; role < 2; role++) {
		struct tt_msg *m = role_msg(t, role);
		if (!m->done) {
			m->done = 1;
			if (!m->seen)
				m->ts_last = d->ch->ts;
		}
	}
	stream_emit(h, s);
}

/* --- frames -------------------------------------------------------------------------------- */

/* A SETTINGS entry of direction d's sender. */
static void setting(struct h2dir *d, uint16_t id, uint32_t v)
{
	struct h2dir *o = &d->h->d[d->dir ^ 1];
	if (id == 1)
		d->set_table = v; /* applies to the peer's encoder once the peer acknowledges */
	else if (id == 5 && v >= DEFAULT_FRAME && v <= 0xffffff && v > o->max_frame)
		o->max_frame = v; /* frames the peer sends may be this large */
}

static void settings_end(struct h2dir *d)
{
	struct h2dir *o = &d->h->d[d->dir ^ 1];
	if (d->flags & FL_ACK) {
		/* d acknowledges o's oldest SETTINGS: d's encoder follows it from here on */
		if (o->npend) {
			uint32_t v = o->pend[0];
			memmove(o->pend, o->pend + 1, (o->npend - 1) * sizeof(o->pend[0]));
			o->npend--;
			if (v != NO_TABLE_SETTING)
				hp_setting(d, v);
		}
		return;
	}
	if (d->npend == PENDING_SETTINGS) { /* a peer that never acknowledges: keep the newest */
		memmove(d->pend, d->pend + 1, (PENDING_SETTINGS - 1) * sizeof(d->pend[0]));
		d->npend--;
	}
	d->pend[d->npend++] = d->set_table;
}

/* The middle part of a frame's payload (p NULL: bytes without content). */
static void mid_bytes(struct h2dir *d, const uint8_t *p, size_t n, int gap)
{
	struct h2 *h = d->h;
	switch (d->type) {
	case FT_DATA: {
		struct stream *s = stream_get(h, d->sid);
		if (!s || h->client_dir < 0)
			return;
		int role = role_of(d);
		struct tt_txn *t = s->t;
		struct tt_msg *m = role_msg(t, role);
		if (!m->seen || m->done)
			return;
		tt_msg_add_body(m, p, n, h->env->body_cap);
		if (gap) {
			m->gap = 1;
			t->flags |= TT_TXN_GAP;
		}
		if (t->pr == &tt_grpc_proto)
			tt_grpc_data(t, &s->gf[role], role, p, n);
		return;
	}
	case FT_HEADERS:
	case FT_PUSH_PROMISE:
	case FT_CONTINUATION:
		if (tt_buf_append(&d->blk, p, n) < 0)
			fail(d, d->blk_sid, "header block too large");
		return;
	}
}

static void frame_end(struct h2dir *d)
{
	struct h2 *h = d->h;
	uint64_t ts = d->ch->ts;
	d->st = S_HEAD;
	d->fhl = 0;
	switch (d->type) {
	case FT_DATA: {
		struct stream *s = stream_get(h, d->sid);
		if (!s || h->client_dir < 0)
			return;
		int role = role_of(d);
		struct tt_msg *m = role_msg(s->t, role);
		if (!m->seen || m->done)
			return;
		m->wire_bytes += 9 + (uint64_t)d->len;
		m->ts_last = ts;
		if (d->flags & FL_END_STREAM)
			msg_end(h, s, role, ts);
		return;
	}
	case FT_HEADERS:
	case FT_PUSH_PROMISE:
	case FT_CONTINUATION:
		d->blk_wire += 9 + (uint64_t)d->len;
		if (d->flags & FL_END_HEADERS)
			block_done(d);
		return;
	case FT_SETTINGS:
		settings_end(d);
		return;
	case FT_RST_STREAM:
		stream_reset(d, be32(d->fix));
		return;
	}
}

/* The fixed fields at the payload's start are in d->fix: the rest of the payload's layout. */
static void fix_done(struct h2dir *d)
{
	const uint8_t *f = d->fix;
	switch (d->type) {
	case FT_SETTINGS:
		setting(d, (uint16_t)(f[0] << 8 | f[1]), be32(f + 2));
		if (d->left >= 6) { /* the next entry */
			d->need = 6;
			d->fixl = 0;
			return;
		}
		break;
	case FT_DATA:
	case FT_HEADERS:
	case FT_PUSH_PROMISE:
		d->pad = (d->flags & FL_PADDED) ? f[0] : 0;
		if (d->pad > d->left) {
			fail(d, d->sid, "bad padding");
			return;
		}
		if (d->type == FT_PUSH_PROMISE)
			d->blk_promised = be32(f + d->fixn - 4) & 0x7fffffff;
		break;
	}
	d->part = P_MID;
	d->need = d->left - d->pad;
}

/* Moves to the next part of the payload while the current one is empty. */
static void advance(struct h2dir *d)
{
	while (d->st == S_BODY && !d->need) {
		if (d->part == P_FIX) {
			fix_done(d);
		} else if (d->part == P_MID) {
			d->part = P_PAD;
			d->need = d->pad;
		} else {
			frame_end(d);
		}
	}
}

static void frame_start(struct h2dir *d)
{
	struct h2 *h = d->h;
	const uint8_t *f = d->fh;
	d->len = d->left = be24(f);
	d->type = f[3];
	d->flags = f[4];
	d->sid = be32(f + 5) & 0x7fffffff;
	d->pad = 0;
	d->set_table = NO_TABLE_SETTING;
	switch (d->type) {
	case FT_SETTINGS:
		h->fr.settings++;
		break;
	case FT_PING:
		h->fr.ping++;
		break;
	case FT_WINDOW_UPDATE:
		h->fr.window_update++;
		break;
	case FT_PRIORITY:
		h->fr.priority++;
		break;
	case FT_GOAWAY:
		h->fr.goaway++;
		break;
	case FT_RST_STREAM:
		h->fr.rst_stream++;
		break;
	case FT_DATA:
	case FT_HEADERS:
	case FT_PUSH_PROMISE:
	case FT_CONTINUATION:
		break;
	default:
		h->fr.other++;
	}
	const char *bad = NULL;
	int on_stream = d->type == FT_DATA || d->type == FT_HEADERS || d->type == FT_PRIORITY ||
			d->type == FT_RST_STREAM || d->type == FT_PUSH_PROMISE ||
			d->type == FT_CONTINUATION;
	int on_conn = d->type == FT_SETTINGS || d->type == FT_PING || d->type == FT_GOAWAY;
	uint8_t fixn = 0;
	switch (d->type) {
	case FT_DATA:
		fixn = (d->flags & FL_PADDED) ? 1 : 0;
		break;
	case FT_HEADERS:
		fixn = (uint8_t)(((d->flags & FL_PADDED) ? 1 : 0) +
				 ((d->flags & FL_PRIORITY) ? 5 : 0));
		break;
	case FT_PUSH_PROMISE:
		fixn = (uint8_t)(((d->flags & FL_PADDED) ? 1 : 0) + 4);
		break;
	case FT_PRIORITY:
		fixn = 5;
		bad = d->len != 5 ? "bad PRIORITY length" : NULL;
		break;
	case FT_RST_STREAM:
		fixn = 4;
		bad = d->len != 4 ? "bad RST_STREAM length" : NULL;
		break;
	case FT_SETTINGS:
		fixn = d->len ? 6 : 0;
		bad = d->len % 6 || ((d->flags & FL_ACK) && d->len) ? "bad SETTINGS length" : NULL;
		break;
	case FT_PING:
		fixn = 8;
		bad = d->len != 8 ? "bad PING length" : NULL;
		break;
	case FT_GOAWAY:
		fixn = 8;
		bad = d->len < 8 ? "bad GOAWAY length" : NULL;
		break;
	case FT_WINDOW_UPDATE:
		fixn = 4;
		bad = d->len != 4 ? "bad WINDOW_UPDATE length" : NULL;
		break;
	}
	if (d->in_blk && (d->type != FT_CONTINUATION || d->sid != d->blk_sid))
		bad = "header block interrupted by another frame";
	else if (d->type == FT_CONTINUATION && !d->in_blk)
		bad = "CONTINUATION without HEADERS";
	else if (on_stream && !d->sid)
		bad = d->type == FT_DATA	   ? "DATA on stream 0"
		      : d->type == FT_HEADERS	   ? "HEADERS on stream 0"
		      : d->type == FT_CONTINUATION ? "CONTINUATION on stream 0"
						   : "stream frame on stream 0";
	else if (on_conn && d->sid)
		bad = d->type == FT_SETTINGS ? "SETTINGS on a stream"
		      : d->type == FT_PING   ? "PING on a stream"
					     : "GOAWAY on a stream";
	else if (h->fresh && d->len > d->max_frame)
		bad = "frame larger than SETTINGS_MAX_FRAME_SIZE";
	else if (d->type == FT_PUSH_PROMISE && h->client_dir == d->dir)
		bad = "PUSH_PROMISE from the client";
	else if (fixn > d->len)
		bad = "frame shorter than its fields";
	if (bad) {
		fail(d, on_stream ? d->sid : 0, bad);
		return;
	}
	if (d->type == FT_HEADERS || d->type == FT_PUSH_PROMISE) {
		d->in_blk = 1;
		d->blk_type = d->type;
		d->blk_sid = d->sid;
		d->blk_es = d->type == FT_HEADERS && (d->flags & FL_END_STREAM);
		d->blk_ts = d->fts;
		d->blk_pid = d->fpid;
		d->blk_tid = d->ftid;
		d->blk_wire = 0;
		d->blk_promised = 0;
		tt_buf_reset(&d->blk);
	}
	d->st = S_BODY;
	d->part = P_FIX;
	d->fixn = fixn;
	d->fixl = 0;
	d->need = fixn;
	advance(d);
}

/* --- finding frame boundaries ------------------------------------------------------------- */

static uint32_t sync_max(const struct h2dir *d)
{
	return d->max_frame > DEFAULT_FRAME ? d->max_frame : DEFAULT_FRAME;
}

/* Bytes dropped from the front of what sync keeps. */
static void sync_drop(struct h2dir *d, size_t k)
{
	if (!k)
		return;
	tt_buf_consume(&d->sync, k);
	size_t w = 0;
	for (size_t i = 0; i < d->npc; i++) {
		size_t end = i + 1 < d->npc ? d->pc[i + 1].off : (size_t)-1;
		if (end != (size_t)-1 && end <= k)
			continue; /* wholly dropped */
		d->pc[w] = d->pc[i];
		d->pc[w].off = d->pc[i].off > k ? d->pc[i].off - k : 0;
		w++;
	}
	d->npc = w;
	if (!tt_buf_len(&d->sync))
		d->npc = 0;
	d->lost++;
}

static void sync_add(struct h2dir *d, const uint8_t *p, size_t n)
{
	const struct tt_chunk *c = d->ch;
	if (n > TT_H2_SYNC_BYTES) {
		sync_drop(d, tt_buf_len(&d->sync));
		p += n - TT_H2_SYNC_BYTES;
		n = TT_H2_SYNC_BYTES;
	} else if (tt_buf_len(&d->sync) + n > TT_H2_SYNC_BYTES) {
		sync_drop(d, tt_buf_len(&d->sync) + n - TT_H2_SYNC_BYTES);
	}
	size_t off = tt_buf_len(&d->sync);
	struct piece *last = d->npc ? &d->pc[d->npc - 1] : NULL;
	if (!last || last->ts != c->ts || last->pid != c->pid || last->tid != c->tid) {
		if (d->npc < SYNC_PIECES)
			d->pc[d->npc++] = (struct piece){off, c->ts, c->pid, c->tid};
	}
	if (tt_buf_append(&d->sync, p, n) < 0)
		sync_drop(d, tt_buf_len(&d->sync)); /* out of memory: start over */
}

static void dir_bytes(struct h2dir *d, const uint8_t *p, size_t n);

/* Frames start at offset o of what sync keeps: parse it all again, call by call. */
static void sync_accept(struct h2dir *d, size_t o)
{
	struct tt_buf b = d->sync;
	struct piece pc[SYNC_PIECES];
	size_t npc = d->npc;
	memcpy(pc, d->pc, npc * sizeof(pc[0]));
	tt_buf_init(&d->sync, TT_H2_SYNC_BYTES);
	d->npc = 0;
	if (o)
		d->lost++;
	d->st = S_HEAD;
	d->fhl = 0;
	const struct tt_chunk *save = d->ch;
	const uint8_t *data = tt_buf_data(&b);
	size_t len = tt_buf_len(&b);
	for (size_t i = 0; i < npc; i++) {
		size_t from = pc[i].off > o ? pc[i].off : o;
		size_t to = i + 1 < npc ? pc[i + 1].off : len;
		if (from >= to)
			continue;
		struct tt_chunk c = {.ts = pc[i].ts,
				     .pid = pc[i].pid,
				     .tid = pc[i].tid,
				     .dir = d->dir,
				     .data = data + from,
				     .len = to - from};
		d->ch = &c;
		dir_bytes(d, c.data, (size_t)c.len);
	}
	d->ch = save;
	tt_buf_free(&b);
	release_held(d->h);
}

/* Looks for a frame boundary in what sync keeps. at_end: no more bytes will follow them (a gap
 * or the close): one frame that ends exactly there is enough. */
static void sync_try(struct h2dir *d, int at_end)
{
	const uint8_t *b = tt_buf_data(&d->sync);
	size_t n = tt_buf_len(&d->sync), o;
	uint32_t max = sync_max(d);
	for (o = 0; o + 9 <= n; o++) {
		if (!plausible(b + o, max))
			continue;
		size_t next = o + 9 + be24(b + o);
		if (next + 9 <= n) {
			if (plausible(b + next, max)) {
				sync_accept(d, o);
				return;
			}
			continue;
		}
		if (at_end) {
			if (next <= n) {
				sync_accept(d, o);
				return;
			}
			continue;
		}
		break; /* more bytes will tell */
	}
	if (at_end) {
		sync_drop(d, n);
		release_held(d->h);
		return;
	}
	sync_drop(d, o);
}

/* --- feeding ------------------------------------------------------------------------------- */

static void preface_done(struct h2dir *d)
{
	struct h2 *h = d->h;
	if (h->client_dir < 0)
		h->client_dir = d->dir;
	if (!d->lost && h->client_dir == d->dir)
		h->fresh = 1;
	d->st = S_HEAD;
	d->fhl = 0;
}

static void dir_bytes(struct h2dir *d, const uint8_t *p, size_t n)
{
	while (n && d->st != S_DONE) {
		switch (d->st) {
		case S_START:
			if (p[0] == 'P' && (d->h->client_dir < 0 || d->h->client_dir == d->dir)) {
				d->st = S_PREFACE;
				d->pre = 0;
			} else {
				d->st = S_SYNC;
			}
			break;
		case S_PREFACE: {
			size_t k = PREFACE_LEN - d->pre < n ? PREFACE_LEN - d->pre : n;
			size_t i = 0;
			while (i < k && p[i] == (uint8_t)PREFACE[d->pre + i])
				i++;
			if (i < k) {
				/* not the preface: look for frames from the byte that differs */
				d->lost++;
				d->st = S_SYNC;
				p += i;
				n -= i;
				break;
			}
			d->pre += k;
			p += k;
			n -= k;
			if (d->pre == PREFACE_LEN)
				preface_done(d);
			break;
		}
		case S_HEAD: {
			if (!d->fhl) {
				d->fts = d->ch->ts;
				d->fpid = d->ch->pid;
				d->ftid = d->ch->tid;
			}
			size_t k = 9u - d->fhl < n ? 9u - d->fhl : n;
			memcpy(d->fh + d->fhl, p, k);
			d->fhl = (uint8_t)(d->fhl + k);
			p += k;
			n -= k;
			if (d->fhl == 9)
				frame_start(d);
			break;
		}
		case S_BODY: {
			size_t k = d->need < n ? d->need : n;
			if (d->part == P_FIX) {
				memcpy(d->fix + d->fixl, p, k);
				d->fixl = (uint8_t)(d->fixl + k);
			} else if (d->part == P_MID) {
				mid_bytes(d, p, k, 0);
			}
			d->need -= (uint32_t)k;
			d->left -= (uint32_t)k;
			p += k;
			n -= k;
			advance(d);
			break;
		}
		case S_SYNC:
			sync_add(d, p, n);
			sync_try(d, 0);
			return;
		}
	}
}

/* Bytes of direction d are lost (or not captured) and framing with them: look for frames again;
 * what this direction's tables held is unknown from here on. */
static void lose(struct h2dir *d, int gap)
{
	struct h2 *h = d->h;
	d->lost++;
	if (d->st == S_SYNC)
		sync_try(d, 1);
	d->in_blk = 0;
	tt_buf_reset(&d->blk);
	d->st = S_SYNC;
	d->fhl = 0;
	hp_init(d, HP_MID);
	if (h->client_dir < 0)
		return;
	int role = role_of(d);
	size_t pos = 0;
	uint64_t k, v;
	while (tt_map64_next(&h->streams, &pos, &k, &v)) {
		struct tt_txn *t = ((struct stream *)(uintptr_t)v)->t;
		struct tt_msg *m = role_msg(t, role);
		if (m->seen && !m->done) {
			m->gap = 1;
			m->body_holes = 1;
			if (gap)
				t->flags |= TT_TXN_GAP;
			else
				t->flags |= TT_TXN_BROKEN;
		}
	}
}

static void dir_hole(struct h2dir *d, uint64_t len, int gap)
{
	if (d->st == S_DONE)
		return;
	if (d->st == S_BODY && len != TT_LEN_UNKNOWN && len <= d->need &&
	    (d->part == P_PAD || (d->part == P_MID && d->type != FT_HEADERS &&
				  d->type != FT_PUSH_PROMISE && d->type != FT_CONTINUATION))) {
		if (d->part == P_MID)
			mid_bytes(d, NULL, (size_t)len, gap);
		d->need -= (uint32_t)len;
		d->left -= (uint32_t)len;
		advance(d);
		return;
	}
	lose(d, gap);
}

/* --- the h2c upgrade ----------------------------------------------------------------------- */

static int b64url(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

/* HTTP2-Settings (base64url of a SETTINGS payload): the client's settings, acknowledged by the
 * 101 itself (RFC 7540 3.2.1). */
static void upgrade_settings(struct h2 *h, struct h2dir *cd, const char *v)
{
	uint8_t raw[UPGRADE_SETTINGS * 3 / 4 + 3];
	size_t n = 0, bits = 0;
	uint32_t acc = 0;
	for (size_t i = 0; v[i] && i < UPGRADE_SETTINGS; i++) {
		int x = b64url((unsigned char)v[i]);
		if (x < 0)
			break;
		acc = acc << 6 | (uint32_t)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[n++] = (uint8_t)(acc >> bits);
		}
	}
	struct h2dir *sd = &h->d[cd->dir ^ 1];
	for (size_t i = 0; i + 6 <= n; i += 6) {
		uint16_t id = (uint16_t)(raw[i] << 8 | raw[i + 1]);
		uint32_t val = be32(raw + i + 2);
		cd->set_table = NO_TABLE_SETTING;
		setting(cd, id, val);
		if (cd->set_table != NO_TABLE_SETTING)
			hp_setting(sd, cd->set_table);
	}
}

/* Stream 1 is the upgrade request's (RFC 7540 3.2): it is copied from the HTTP/1.1 exchange. */
static void upgrade_stream(struct h2 *h, const struct tt_txn *u)
{
	struct stream *s = stream_new(h, 1, u->req.pid ? u->req.pid : u->pid, u->req.tid);
	if (!s)
		return;
	h->last_req_id = 1;
	struct tt_txn *t = s->t;
	struct tt_h2 *x = tt_h2(t);
	const struct tt_http *uh = tt_http_c(u);
	x->from_upgrade = 1;
	set_str(t, &t->op, u->op);
	set_str(t, &t->target, u->target);
	set_str(t, &x->http.authority, uh->authority);
	set_str(t, &x->http.version, uh->version ? uh->version : "HTTP/1.1");
	tt_txn_set_str(t, &x->scheme, "http", 4);
	const struct tt_msg *r = &u->req;
	struct tt_msg *m = &t->req;
	for (uint32_t i = 0; i < r->n_headers; i++)
		tt_msg_add_header(m, r->headers[i].name, strlen(r->headers[i].name),
				  r->headers[i].value, strlen(r->headers[i].value));
	m->headers_truncated |= r->headers_truncated;
	if (r->body_len)
		tt_msg_add_body(m, r->body, r->body_len, h->env->body_cap);
	m->body_bytes = r->body_bytes;
	m->body_truncated = r->body_truncated || r->body_bytes > m->body_len;
	m->body_holes = r->body_holes;
	m->seen = r->seen;
	m->complete = r->complete;
	m->done = 1;
	m->gap = r->gap;
	m->ts_first = r->ts_first;
	m->ts_last = r->ts_last;
	m->pid = r->pid;
	m->tid = r->tid;
	m->wire_bytes = r->wire_bytes;
	if (!r->complete)
		t->flags |= TT_TXN_BROKEN;
}

/* --- session ------------------------------------------------------------------------------- */

static void *http2_open(struct tt_proto_env *env, const struct tt_conn_info *ci,
			const struct tt_handover *from)
{
	struct h2 *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->env = env;
	h->ci = ci;
	h->client_dir = tt_proto_client_dir(ci, from);
	tt_map64_init(&h->streams, TT_H2_MAX_STREAMS + 1);
	for (int i = 0; i < 2; i++) {
		struct h2dir *d = &h->d[i];
		d->h = h;
		d->dir = i;
		d->hp_max = DEFAULT_TABLE;
		d->max_frame = DEFAULT_FRAME;
		tt_buf_init(&d->blk, TT_H2_MAX_BLOCK);
		tt_buf_init(&d->sync, TT_H2_SYNC_BYTES);
		/* the server's bytes right after a 101 are frames; else (a server's first bytes
		 * may come from before the recording) frames are looked for */
		d->st =
		    h->client_dir >= 0 && h->client_dir != i ? (from ? S_HEAD : S_SYNC) : S_START;
	}
	if (from && from->txn && h->client_dir >= 0) {
		h->fresh = 1; /* HTTP/2 starts after the 101: both tables are empty */
		const char *hs = tt_msg_header(&from->txn->req, "HTTP2-Settings");
		if (hs)
			upgrade_settings(h, &h->d[h->client_dir], hs);
		upgrade_stream(h, from->txn);
	}
	return h;
}

static void http2_feed(void *sess, const struct tt_chunk *c)
{
	struct h2 *h = sess;
	if (c->dir != TT_DIR_EGRESS && c->dir != TT_DIR_INGRESS)
		return;
	struct h2dir *d = &h->d[c->dir];
	d->ch = c;
	if (c->gap || !c->data)
		dir_hole(d, c->len, c->gap || c->len == TT_LEN_UNKNOWN);
	else
		dir_bytes(d, c->data, (size_t)c->len);
	d->ch = NULL;
}

static void http2_close(void *sess, uint64_t ts, int evicted)
{
	struct h2 *h = sess;
	if (!h)
		return;
	struct tt_chunk end = {.ts = ts};
	for (int i = 0; i < 2; i++) {
		struct h2dir *d = &h->d[i];
		d->ch = &end;
		end.dir = i;
		if (d->st == S_SYNC && tt_buf_len(&d->sync))
			sync_try(d, 1);
		d->ch = NULL;
	}
	/* what is still open ends here, in stream order */
	while (tt_map64_len(&h->streams)) {
		size_t pos = 0;
		uint64_t k, v;
		struct stream *first = NULL;
		while (tt_map64_next(&h->streams, &pos, &k, &v)) {
			struct stream *s = (struct stream *)(uintptr_t)v;
			if (!first || s->t->seq < first->t->seq)
				first = s;
		}
		struct tt_txn *t = first->t;
		if (evicted)
			t->flags |= TT_TXN_EVICTED;
		for (int role = 0; role < 2; role++) {
			struct tt_msg *m = role_msg(t, role);
			if (m->done)
				continue;
			if (m->seen) {
				t->flags |= TT_TXN_BROKEN; /* cut by the close */
				if (t->pr == &tt_grpc_proto)
					tt_grpc_end(t, &first->gf[role], role);
			} else if (role == ROLE_RESP) {
				t->flags |= TT_TXN_NO_RESPONSE;
			}
			m->done = 1;
			if (!m->seen)
				m->ts_last = ts;
		}
		if (first->held) {
			first->held = 0;
			h->held--;
		}
		stream_emit(h, first);
	}
	tt_map64_free(&h->streams);
	for (int i = 0; i < 2; i++) {
		struct h2dir *d = &h->d[i];
		if (d->inf)
			nghttp2_hd_inflate_del(d->inf);
		tt_buf_free(&d->blk);
		tt_buf_free(&d->sync);
	}
	tt_msg_clear(&h->scratch);
	free(h);
}

/* --- output -------------------------------------------------------------------------------- */

/* "[headers: hpack state unknown]" when fields of t could not be decoded. */
static int unknown_any(const struct tt_txn *t)
{
	const struct tt_h2 *x = tt_h2_c(t);
	return x->unknown[0] || x->unknown[1];
}

static void http2_describe(const struct tt_txn *t, struct tt_desc *d)
{
	const struct tt_h2 *x = tt_h2_c(t);
	char nb[12];
	if (x->conn_error) {
		d->plain = 1;
		d->tone = TT_TONE_ERROR;
		tt_desc_adds(d, "connection error");
		d->tone_len = d->len;
	} else if (x->http.status) {
		tt_http_describe(t, d);
	} else if (t->resp.seen) {
		d->plain = 1;
		tt_desc_adds(d, "? "); /* its :status was not decoded */
		tt_desc_u64(d, t->resp.body_bytes);
		tt_desc_adds(d, " bytes");
	}
	if (x->rst_code >= 0 && (x->rst_code || !t->resp.complete)) {
		d->plain = 1;
		if (d->len)
			tt_desc_adds(d, ", ");
		else
			d->tone = x->rst_code ? TT_TONE_ERROR : TT_TONE_PLAIN;
		tt_desc_adds(d, "reset ");
		tt_desc_adds(d, tt_h2_error_name((uint32_t)x->rst_code, nb));
		if (!d->tone_len)
			d->tone_len = d->len;
	}
	char *o = d->note;
	size_t room = sizeof(d->note);
	int w = x->push_parent
		    ? snprintf(o, room, "[h2 push %u on stream %u]", x->stream_id, x->push_parent)
		    : snprintf(o, room, "[h2 stream %u]", x->stream_id);
	size_t l = w > 0 && (size_t)w < room ? (size_t)w : 0;
	if (unknown_any(t)) {
		static const char m[] = " [headers: hpack state unknown]";
		if (l + sizeof(m) <= room) {
			memcpy(o + l, m, sizeof(m));
			l += sizeof(m) - 1;
		}
	}
	d->note_len = l;
}

static size_t http2_line(const struct tt_txn *t, enum tt_line which, char *buf, size_t n)
{
	const struct tt_h2 *x = tt_h2_c(t);
	int w = 0;
	const char *unk = "";
	char mark[64];
	int role = which == TT_LINE_RESP ? ROLE_RESP : ROLE_REQ;
	if (which != TT_LINE_INTERIM && x->unknown[role]) {
		snprintf(mark, sizeof(mark), "  [headers: hpack state unknown: %u field%s]",
			 x->unknown[role], x->unknown[role] == 1 ? "" : "s");
		unk = mark;
	}
	switch (which) {
	case TT_LINE_REQ:
		if (t->pr == &tt_grpc_proto && x->grpc.service)
			w = snprintf(buf, n, "POST /%s/%s HTTP/2%s", x->grpc.service,
				     x->grpc.method ? x->grpc.method : "", unk);
		else
			w = snprintf(buf, n, "%s %s %s%s", t->op ? t->op : "?",
				     t->target ? t->target : "?",
				     x->http.version ? x->http.version : "HTTP/2", unk);
		break;
	case TT_LINE_INTERIM:
		if (!x->http.interim_status)
			return 0;
		w = snprintf(buf, n, "(interim %d)", x->http.interim_status);
		break;
	case TT_LINE_RESP:
		if (x->http.status)
			w = snprintf(buf, n, "HTTP/2 %d%s", x->http.status, unk);
		else
			w = snprintf(buf, n, "HTTP/2 ?%s", unk);
		break;
	}
	return w < 0 ? 0 : (size_t)w < n ? (size_t)w : n - 1;
}

void tt_h2_release(struct tt_txn *t)
{
	struct tt_h2 *x = tt_h2(t);
	tt_http_release(t);
	tt_txn_free_str(t, x->scheme);
	tt_txn_free_str(t, x->grpc.service);
	tt_txn_free_str(t, x->grpc.method);
	tt_txn_free_str(t, x->grpc.message);
}

static int str_val(const char *s, struct tt_val *v)
{
	if (!s)
		return 0;
	v->s = s;
	v->len = strlen(s);
	return 1;
}

int tt_h2_get_stream_id(const struct tt_txn *t, struct tt_val *v)
{
	v->i = tt_h2_c(t)->stream_id;
	return 1;
}

int tt_h2_get_authority(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(tt_h2_c(t)->http.authority, v);
}

int tt_h2_get_scheme(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(tt_h2_c(t)->scheme, v);
}

int tt_h2_get_pushed_by(const struct tt_txn *t, struct tt_val *v)
{
	v->i = tt_h2_c(t)->push_parent;
	return v->i != 0;
}

int tt_h2_get_reset(const struct tt_txn *t, struct tt_val *v)
{
	static _Thread_local char nb[12];
	const struct tt_h2 *x = tt_h2_c(t);
	if (x->rst_code < 0)
		return 0;
	return str_val(tt_h2_error_name((uint32_t)x->rst_code, nb), v);
}

int tt_h2_get_unknown(const struct tt_txn *t, struct tt_val *v)
{
	const struct tt_h2 *x = tt_h2_c(t);
	v->i = (int64_t)x->unknown[0] + x->unknown[1];
	return v->i != 0;
}

int tt_h2_get_frames(const struct tt_txn *t, struct tt_val *v)
{
	const struct tt_h2_frames *f = &tt_h2_c(t)->frames;
	v->i = (int64_t)f->settings + f->ping + f->window_update + f->priority + f->goaway +
	       f->rst_stream + f->other;
	return v->i != 0;
}

void tt_h2_json_frames(const struct tt_txn *t, struct tt_wb *w)
{
	const struct tt_h2_frames *f = &tt_h2_c(t)->frames;
	const struct {
		const char *k;
		uint32_t v;
	} e[] = {
	    {"settings", f->settings}, {"ping", f->ping},     {"window_update", f->window_update},
	    {"priority", f->priority}, {"goaway", f->goaway}, {"rst_stream", f->rst_stream},
	    {"other", f->other}};
	int first = 1;
	tt_wb_c(w, '{');
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		if (!e[i].v)
			continue;
		if (!first)
			tt_wb_c(w, ',');
		first = 0;
		tt_wb_c(w, '"');
		tt_wb_s(w, e[i].k);
		tt_wb_lit(w, "\":");
		tt_wb_u64(w, e[i].v);
	}
	tt_wb_c(w, '}');
}

static const struct tt_field http2_fields[] = {TT_HTTP_FIELD_ROWS, TT_H2_FIELD_ROWS};

const struct tt_proto tt_http2_proto = {
    .name = "http/2",
    .flags = TT_PROTO_HTTP, /* struct tt_h2 starts with struct tt_http */
    .aliases = "h2,h2c,http2",
    .upgrade = "h2c",
    .detect = http2_detect,
    .open = http2_open,
    .feed = http2_feed,
    .close = http2_close,
    .describe = http2_describe,
    .line = http2_line,
    .fields = http2_fields,
    .nfields = sizeof(http2_fields) / sizeof(http2_fields[0]),
    .release = tt_h2_release,
};
