// SPDX-License-Identifier: MIT
/*
 * WebSocket sessions (RFC 6455, permessage-deflate RFC 7692). Each direction is framed on its
 * own: a frame header (2 to 14 bytes, kept across chunks), then a payload read by count, unmasked
 * on the fly (client frames), inflated on the fly (compressed messages) and never buffered whole:
 * a message's sizes are exact, its first TT_WS_TEXT_CAP bytes are kept as text and its body up to
 * the env's body_cap. Control frames (at most 125 bytes) are read into a small buffer.
 *
 * Rules broken without losing the framing (a client frame not masked, RSV bits, a fragmented
 * control frame, text that is not UTF-8, a close code that may not be sent, bad deflate data)
 * make that message [invalid: why] and parsing goes on. A header that cannot be followed (a
 * reserved opcode, a control frame over 125 bytes, a length over 2^63) is shown as an invalid
 * frame and the direction resynchronises: it looks for the next plausible frame (a header that
 * breaks no rule, a whole payload that fits its opcode, and the next header right after it) in
 * at most TT_WS_SYNC_CAP bytes at a time. The same search starts a connection recorded after
 * its upgrade, and follows lost bytes. It depends on the bytes only, never on how they were cut
 * into calls.
 *
 * Deflate windows are never guessed: each direction's inflater keeps the sender's window
 * across messages (unless *_no_context_takeover was agreed). When the window may miss history
 * (recording started late, bytes lost, a message that failed), a message that refers to what is
 * missing is shown as "[deflate window unknown]" instead of being decoded wrong: raw inflate
 * fails on a distance past what it has seen.
 */
#include "analyze/proto/websocket.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "analyze/buf.h"

enum { S_HDR = 0, S_PAYLOAD = 1, S_SYNC = 2 };

enum {
	OP_CONT = 0,
	OP_TEXT = 1,
	OP_BINARY = 2,
	OP_CLOSE = 8,
	OP_PING = 9,
	OP_PONG = 10,
	OP_UNKNOWN = 16, /* a message that began before the recording */
};

#define CTL_MAX	       125
#define PREVIEW_BYTES  60 /* text on the line */
#define HEAD_BYTES     8  /* binary payload bytes on the line (hex) */
#define KEY_MAX	       64
#define RSV1	       4
#define SYNC_MARKS     32 /* calls whose time and process the sync buffer remembers */

struct ws_detail {
	char *key;	  /* owned: the upgrade request's Sec-WebSocket-Key, or NULL */
	char *subproto;	  /* owned: the 101's Sec-WebSocket-Protocol, or NULL */
	uint64_t frames;  /* frames of the message */
	uint64_t zbytes;  /* compressed payload bytes (permessage-deflate) */
	uint64_t skipped; /* resync: bytes skipped right before it */
	uint16_t close_code;
	uint8_t opcode;
	uint8_t head_len;
	uint8_t head[HEAD_BYTES]; /* first payload bytes */
	unsigned sent : 1;	  /* this socket sent it (egress) */
	unsigned compressed : 1;
	unsigned text_cut : 1;	    /* target holds only the first bytes of the text */
	unsigned resync : 1;	    /* first message after a resynchronisation */
	unsigned after_gap : 1;	    /* ... that followed lost bytes */
	unsigned bytes_unknown : 1; /* the decoded size is not known (deflate stopped) */
	unsigned zunknown : 1;	    /* deflate window unknown: not decoded */
};
_Static_assert(sizeof(struct ws_detail) <= TT_TXN_DETAIL, "WebSocket detail fits the txn");

static struct ws_detail *WD(struct tt_txn *t)
{
	return tt_txn_detail(t, struct ws_detail);
}

static const struct ws_detail *WDC(const struct tt_txn *t)
{
	return tt_txn_detail(t, const struct ws_detail);
}

/* Streaming UTF-8 check (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
struct utf8 {
	uint8_t need, lo, hi, bad;
};

static void utf8_feed(struct utf8 *u, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && !u->bad; i++) {
		uint8_t c = p[i];
		if (u->need) {
			if (c < u->lo || c > u->hi) {
				u->bad = 1;
				break;
			}
			u->need--;
			u->lo = 0x80;
			u->hi = 0xbf;
			continue;
		}
		if (c < 0x80) {
			/* ASCII runs, 8 bytes at a time */
			while (i + 8 < n) {
				uint64_t x;
				memcpy(&x, p + i + 1, 8);
				if (x & 0x8080808080808080ull)
					break;
				i += 8;
			}
			continue;
		}
		u->lo = 0x80;
		u->hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			u->need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			u->need = 2;
			if (c == 0xe0)
				u->lo = 0xa0;
			else if (c == 0xed)
				u->hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			u->need = 3;
			if (c == 0xf0)
				u->lo = 0x90;
			else if (c == 0xf4)
				u->hi = 0x8f;
		} else {
			u->bad = 1;
		}
	}
}

static int utf8_ok(const uint8_t *p, size_t n)
{
	struct utf8 u = {0};
	utf8_feed(&u, p, n);
	return !u.bad && !u.need;
}

/* The longest prefix of p[0..n) that does not end inside a character. */
static size_t utf8_whole(const uint8_t *p, size_t n)
{
	size_t j = n;
	while (j && n - j < 3 && (p[j - 1] & 0xc0) == 0x80)
		j--;
	if (!j || p[j - 1] < 0xc0)
		return n; /* ASCII, or no lead byte near the end */
	uint8_t c = p[j - 1];
	size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	return j - 1 + len <= n ? n : j - 1;
}

/* A frame header. */
struct fh {
	int fin, rsv, op, masked, minimal;
	uint64_t plen;
	size_t hsize;
	const uint8_t *key; /* into the bytes parsed, when masked */
};

static size_t hdr_size(uint8_t b1)
{
	size_t l = b1 & 127;
	return 2 + (l == 126 ? 2 : l == 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
}

/* 1 and *h, or -1 when the header goes past n. */
static int fh_parse(const uint8_t *p, size_t n, struct fh *h)
{
	if (n < 2 || n < hdr_size(p[1]))
		return -1;
	h->fin = p[0] >> 7;
	h->rsv = (p[0] >> 4) & 7;
	h->op = p[0] & 15;
	h->masked = p[1] >> 7;
	h->hsize = hdr_size(p[1]);
	uint64_t l = p[1] & 127;
	h->minimal = 1;
	if (l == 126) {
		l = (uint64_t)p[2] << 8 | p[3];
		h->minimal = l >= 126;
	} else if (l == 127) {
		uint64_t v = 0;
		for (int i = 0; i < 8; i++)
			v = v << 8 | p[2 + i];
		l = v;
		h->minimal = l > 0xffff;
	}
	h->plen = l;
	h->key = h->masked ? p + h->hsize - 4 : NULL;
	return 1;
}

static int op_known(int op)
{
	return op <= OP_BINARY || (op >= OP_CLOSE && op <= OP_PONG);
}

/* Close codes an endpoint may send (RFC 6455 7.4; 1012-1014 registered since). */
static int close_code_ok(unsigned c)
{
	return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
}

static const char *close_name(unsigned c)
{
	static const char *const n[] = {
	    "normal closure",	   "going away",	 "protocol error",
	    "unsupported data",	   NULL,		 "no status",
	    "abnormal closure",	   "invalid payload data", "policy violation",
	    "message too big",	   "mandatory extension",  "internal error",
	    "service restart",	   "try again later",	 "bad gateway",
	    "TLS handshake",
	};
	return c >= 1000 && c < 1000 + sizeof(n) / sizeof(n[0]) ? n[c - 1000] : NULL;
}

static const char *op_name(int op)
{
	static const char *const n[] = {"continuation", "text",	       "binary",      "reserved-3",
					"reserved-4",	"reserved-5",  "reserved-6",  "reserved-7",
					"close",	"ping",	       "pong",	      "reserved-11",
					"reserved-12",	"reserved-13", "reserved-14", "reserved-15",
					"continuation"};
	return op >= 0 && op <= OP_UNKNOWN ? n[op] : "?";
}

/* --- plausible frames: detection and resynchronisation ----------------------------------- */

/* What a frame may look like here: rsv1 (RSV1 on a message's first frame: deflate agreed, or
 * unknown), any_rsv (an extension we do not decode was agreed), mask (1 masked, 0 not, -1
 * either). */
struct rules {
	int rsv1, any_rsv, mask;
};

static int b0_ok(const struct rules *r, uint8_t b)
{
	int op = b & 15, rsv = (b >> 4) & 7;
	if (!op_known(op))
		return 0;
	if (op >= OP_CLOSE && !(b & 0x80))
		return 0; /* fragmented control frame */
	if (r->any_rsv)
		return 1;
	if (rsv & 3)
		return 0;
	return !(rsv & RSV1) || (r->rsv1 && (op == OP_TEXT || op == OP_BINARY));
}

static int b1_ok(const struct rules *r, uint8_t b0, uint8_t b1)
{
	if (r->mask >= 0 && (b1 >> 7) != r->mask)
		return 0;
	return (b0 & 15) < OP_CLOSE || (b1 & 127) <= CTL_MAX;
}

/* Does the payload fit its opcode: a whole uncompressed text frame is UTF-8 (the first 1 KiB is
 * looked at), a close frame has no payload or a code that may be sent. */
static int payload_ok(const struct fh *h, const uint8_t *p)
{
	uint8_t tmp[1024];
	size_t n = h->plen < sizeof(tmp) ? (size_t)h->plen : sizeof(tmp);
	if (!(h->op == OP_TEXT && h->fin && !(h->rsv & RSV1)) && h->op != OP_CLOSE)
		return 1;
	for (size_t i = 0; i < n; i++)
		tmp[i] = p[i] ^ (h->key ? h->key[i & 3] : 0);
	if (h->op == OP_CLOSE)
		return !h->plen || (h->plen >= 2 && close_code_ok((unsigned)tmp[0] << 8 | tmp[1]));
	struct utf8 u = {0};
	utf8_feed(&u, tmp, n);
	return !u.bad && (!u.need || n < h->plen);
}

/* A header that breaks none of r's rules: 1 (*h), 0 no, -1 more bytes would tell. */
static int plausible_hdr(const struct rules *r, const uint8_t *p, size_t n, struct fh *h)
{
	if (!b0_ok(r, p[0]))
		return 0;
	if (n < 2)
		return -1;
	if (!b1_ok(r, p[0], p[1]))
		return 0;
	if (fh_parse(p, n, h) < 0)
		return -1;
	return h->minimal && !(h->plen >> 63);
}

/* Is there a plausible frame at p (n bytes known): its header breaks no rule, its whole payload
 * fits its opcode, and the next frame's header right after it breaks no rule and continues it
 * (a continuation only inside a fragmented message); with final (no more bytes will come before
 * a break), the bytes may end with it. 1 yes (*masked), 0 no, -1 more bytes would tell. A frame
 * too long to be confirmed within TT_WS_SYNC_CAP bytes is not plausible. */
static int chain_at(const struct rules *r, const uint8_t *p, size_t n, int final, int *masked)
{
	struct fh h, h2;
	int k = plausible_hdr(r, p, n, &h);
	if (k <= 0)
		return k < 0 && !final ? -1 : 0;
	uint64_t total = h.hsize + h.plen;
	if (total + 14 > TT_WS_SYNC_CAP)
		return 0;
	if (n < total)
		return final ? 0 : -1;
	if (!payload_ok(&h, p + h.hsize))
		return 0;
	*masked = h.masked;
	if (n == total)
		return final ? 1 : -1;
	struct rules r2 = *r;
	r2.mask = h.masked;
	k = plausible_hdr(&r2, p + total, n - (size_t)total, &h2);
	if (k < 0)
		return final ? 1 : -1;
	if (!k)
		return 0;
	if (h.op < OP_CLOSE && h2.op < OP_CLOSE && (h2.op == OP_CONT) != !h.fin)
		return 0;
	return 1;
}

/* One direction's first bytes, from a frame boundary: frames that break no rule (1, *masked,
 * the first one's opcode, *whole when it is all there), not (0), or the first header is not
 * whole yet (-1). A payload is checked once it is whole;
 * bytes that begin inside a frame are not looked into: the next call starts afresh (the
 * recording starts between calls, and a call usually writes whole frames). */
static int dir_looks(const uint8_t *p, size_t n, int *masked, int *first_op, int *whole)
{
	struct rules r = {.rsv1 = 1, .mask = -1};
	size_t off = 0;
	int frames = 0, open = -1; /* a fragmented message is open: unknown at first */
	while (off < n && frames < 16) {
		struct fh h;
		int k = plausible_hdr(&r, p + off, n - off, &h);
		if (k < 0)
			return frames ? 1 : -1;
		if (!k)
			return 0;
		if (h.op < OP_CLOSE) {
			if (open >= 0 && (h.op == OP_CONT) != open)
				return 0;
			open = !h.fin;
		}
		r.mask = *masked = h.masked;
		if (!frames++)
			*first_op = h.op;
		if (h.plen > n - off - h.hsize)
			return 1; /* the payload goes past what is known */
		if (!payload_ok(&h, p + off + h.hsize))
			return 0;
		if (frames == 1)
			*whole = 1;
		off += h.hsize + (size_t)h.plen;
	}
	return 1;
}

/* Mid-connection only: a recorded start shows the HTTP upgrade first (and is handed over). Both
 * directions plausible, masked from the client only: 45. One direction alone is weak evidence (a
 * few bytes of anything often look like a header): its first frame must be whole, then the
 * client's frames give 25, the server's 10 (not when the first is a continuation). */
static int ws_detect(const struct tt_detect *dt)
{
	const struct tt_conn_info *ci = dt->ci;
	if (ci && ci->have_conn &&
	    (ci->origin == TT_ORIGIN_CONNECT || ci->origin == TT_ORIGIN_ACCEPT))
		return TT_DETECT_NO;
	int masked[2] = {-1, -1}, seen[2] = {0, 0}, first_op[2] = {0, 0}, whole[2] = {0, 0};
	int more = 0;
	for (int i = 0; i < 2; i++) {
		if (!dt->len[i])
			continue;
		int r = dir_looks(dt->buf[i], dt->len[i], &masked[i], &first_op[i], &whole[i]);
		if (!r)
			return TT_DETECT_NO;
		if (r < 0)
			more = 1;
		else
			seen[i] = 1;
	}
	if (more)
		return TT_DETECT_MORE;
	if (!seen[0] && !seen[1])
		return TT_DETECT_NO;
	if (seen[0] && seen[1] && masked[0] == masked[1])
		return TT_DETECT_NO;
	int cdir = tt_proto_client_dir(ci, NULL);
	for (int i = 0; i < 2; i++)
		if (seen[i] && cdir >= 0 && masked[i] != (i == cdir))
			return TT_DETECT_NO;
	if (seen[0] && seen[1])
		return 45;
	int one = seen[0] ? 0 : 1;
	if (!whole[one])
		return TT_DETECT_MORE;
	if (masked[one])
		return 25;
	return first_op[one] != OP_CONT ? 10 : TT_DETECT_NO;
}

/* --- session ------------------------------------------------------------------------------- */

struct ws;

struct wsdir {
	int dir; /* enum tt_dir */
	int state;
	/* the frame header being read */
	uint8_t hdr[14];
	size_t hlen;
	uint64_t hts; /* chunk of its first byte */
	uint32_t hpid, htid;
	/* the frame being read */
	struct fh f;
	uint8_t fkey[4];
	uint64_t pos;
	/* a control frame */
	struct tt_txn *ctl;
	uint8_t cbuf[CTL_MAX];
	size_t clen;
	int chole;
	uint64_t chole_n; /* payload bytes not captured */
	/* the data message */
	struct tt_txn *msg;
	int mop, mcomp, zfail, zend;
	struct utf8 u;
	int u_unknown;
	uint8_t txt[TT_WS_TEXT_CAP];
	size_t txt_len;
	int txt_over; /* more bytes than kept in txt, or bytes missing: txt is their start */
	/* the sender's deflate stream */
	z_stream z;
	int z_init;
	int z_known;	 /* the inflater's window is the sender's */
	int no_takeover; /* the sender starts every message with an empty window */
	/* resynchronisation: bytes looked at, and the calls they came in (mk[i] from offset
	 * mk[i].off of the stream; sbase: the stream offset of the buffer's first byte) */
	struct tt_buf sync;
	struct {
		uint64_t off, ts;
		uint32_t pid, tid;
	} mk[SYNC_MARKS];
	int nmk;
	uint64_t sbase;
	uint64_t skipped;
	int resync, after_gap, orphan_ok;
};

struct ws {
	struct tt_proto_env *env;
	const struct tt_conn_info *ci; /* borrowed: the connection outlives its session */
	struct wsdir d[2];
	int client_dir; /* enum tt_dir of the client's frames, -1 unknown */
	int deflate;	/* permessage-deflate: 1 agreed, 0 not, -1 unknown (started late) */
	int other_ext;	/* an extension we do not decode was agreed: its RSV bits are no error */
	char key[KEY_MAX];
	size_t key_len;
	char subproto[KEY_MAX]; /* the subprotocol the server chose */
	size_t subproto_len;
	const struct tt_chunk *ch; /* being fed */
};

static _Thread_local uint8_t zout[16384]; /* inflate output, used within one call */

static struct rules rules_of(const struct ws *ws, const struct wsdir *d)
{
	struct rules r = {.rsv1 = ws->deflate != 0, .any_rsv = ws->other_ext, .mask = -1};
	if (ws->client_dir >= 0)
		r.mask = d->dir == ws->client_dir;
	return r;
}

static struct tt_msg *side_msg(const struct ws *ws, const struct wsdir *d, struct tt_txn *t)
{
	return d->dir == ws->client_dir ? &t->req : &t->resp;
}

static struct tt_txn *txn_new(struct ws *ws, struct wsdir *d, int op)
{
	struct tt_txn *t = tt_txn_new();
	if (!t)
		return NULL;
	const struct tt_conn_info *ci = ws->ci;
	t->pr = &tt_websocket_proto;
	t->flags = TT_TXN_ONEWAY;
	t->side = ws->client_dir < 0		   ? TT_SIDE_UNKNOWN
		  : ws->client_dir == TT_DIR_EGRESS ? TT_SIDE_CLIENT
						    : TT_SIDE_SERVER;
	t->pid = d->hpid;
	t->tid = d->htid;
	t->sock_id = ci->sock_id;
	t->local = ci->local;
	t->remote = ci->remote;
	memcpy(t->unix_path, ci->unix_path, sizeof(t->unix_path));
	if (ws->env->fill)
		ws->env->fill(ws->env->ctx, t);
	tt_txn_set_str(t, &t->op, op_name(op), strlen(op_name(op)));
	struct tt_msg *m = side_msg(ws, d, t);
	(m == &t->req ? &t->resp : &t->req)->done = 1;
	m->seen = 1;
	m->ts_first = m->ts_last = d->hts;
	m->pid = d->hpid;
	m->tid = d->htid;
	struct ws_detail *x = WD(t);
	x->opcode = (uint8_t)op;
	x->sent = d->dir == TT_DIR_EGRESS;
	if (ws->key_len)
		tt_txn_set_str(t, &x->key, ws->key, ws->key_len);
	if (ws->subproto_len)
		tt_txn_set_str(t, &x->subproto, ws->subproto, ws->subproto_len);
	if (d->resync) {
		x->resync = 1;
		x->skipped = d->skipped;
		x->after_gap = (unsigned)d->after_gap;
		d->resync = d->after_gap = 0;
		d->skipped = 0;
	}
	return t;
}

static void invalid(struct tt_txn *t, const char *why)
{
	if (!t || !why || t->error)
		return;
	t->error = why;
	t->flags |= TT_TXN_BROKEN;
	t->outcome = TT_OUTCOME_ERROR;
}

static void emit(struct ws *ws, struct wsdir *d, struct tt_txn *t, int complete)
{
	struct tt_msg *m = side_msg(ws, d, t);
	m->done = 1;
	m->complete = complete;
	if (!t->error)
		t->outcome = complete ? t->outcome : TT_OUTCOME_NONE;
	/* in the order messages end, as a messages view lists them: a long message in flight
	 * does not hold back every line after it (the time shown is still its first byte's) */
	t->seq = ws->env->next_seq++;
	ws->env->emit(ws->env->ctx, t);
}

/* The inflater lost the sender's window (a message failed, bytes were lost). */
static void z_lost(struct wsdir *d)
{
	if (d->z_init)
		inflateReset(&d->z);
	d->z_known = 0;
}

static void msg_reset(struct wsdir *d)
{
	d->msg = NULL;
	d->mop = d->mcomp = d->zfail = d->zend = 0;
	d->u = (struct utf8){0};
	d->u_unknown = 0;
	d->txt_len = 0;
	d->txt_over = 0;
}

/* Decoded payload bytes of the data message. */
static void decoded(struct ws *ws, struct wsdir *d, const uint8_t *p, size_t n)
{
	struct tt_msg *m = side_msg(ws, d, d->msg);
	tt_msg_add_body(m, p, n, ws->env->body_cap);
	if (d->mop == OP_TEXT && !d->u_unknown)
		utf8_feed(&d->u, p, n);
	size_t cap = d->mop == OP_TEXT ? TT_WS_TEXT_CAP : HEAD_BYTES;
	size_t k = d->txt_len < cap && !d->txt_over ? cap - d->txt_len : 0;
	if (k > n)
		k = n;
	memcpy(d->txt + d->txt_len, p, k);
	d->txt_len += k;
	if (k < n)
		d->txt_over = 1;
}

/* The sender ended its deflate stream (BFINAL): the next message still refers to its window. */
static void z_stream_end(struct wsdir *d)
{
	uint8_t *dict = malloc(32768);
	uInt dl = 0;
	int ok = dict && inflateGetDictionary(&d->z, dict, &dl) == Z_OK;
	inflateReset(&d->z);
	if (!ok || (dl && inflateSetDictionary(&d->z, dict, dl) != Z_OK))
		z_lost(d);
	free(dict);
	d->zend = 1;
}

static void inflate_some(struct ws *ws, struct wsdir *d, const uint8_t *p, size_t n)
{
	struct tt_msg *m = side_msg(ws, d, d->msg);
	if (d->zfail || d->zend)
		return;
	if (!d->z_init) {
		memset(&d->z, 0, sizeof(d->z));
		if (inflateInit2(&d->z, -15) != Z_OK) {
			d->zfail = 1;
			WD(d->msg)->bytes_unknown = 1;
			return;
		}
		d->z_init = 1;
	}
	d->z.next_in = (Bytef *)(uintptr_t)p;
	d->z.avail_in = (uInt)n;
	for (;;) {
		d->z.next_out = zout;
		d->z.avail_out = sizeof(zout);
		int r = inflate(&d->z, Z_SYNC_FLUSH);
		size_t got = sizeof(zout) - d->z.avail_out;
		if (got) {
			if (m->body_bytes + got > TT_WS_INFLATE_MAX) {
				invalid(d->msg, "inflated message over 16 MiB (a deflate bomb)");
				WD(d->msg)->bytes_unknown = 1;
				d->zfail = 1;
				z_lost(d);
				return;
			}
			decoded(ws, d, zout, got);
		}
		if (r == Z_STREAM_END) {
			z_stream_end(d);
			return;
		}
		if (r == Z_BUF_ERROR)
			return; /* needs more input */
		if (r != Z_OK) {
			struct ws_detail *x = WD(d->msg);
			if (d->z_known)
				invalid(d->msg, "compressed payload is not valid deflate");
			else
				x->zunknown = 1; /* it refers to bytes before what was recorded */
			x->bytes_unknown = 1;
			d->zfail = 1;
			z_lost(d);
			return;
		}
		if (!d->z.avail_in && d->z.avail_out)
			return;
	}
}

static void msg_start(struct ws *ws, struct wsdir *d, int op, int compressed)
{
	d->msg = txn_new(ws, d, op);
	if (!d->msg)
		return;
	d->mop = op;
	d->mcomp = compressed;
	WD(d->msg)->compressed = (unsigned)compressed;
	if (compressed && d->no_takeover) {
		if (d->z_init)
			inflateReset(&d->z);
		d->z_known = 1;
	}
}

/* Ends the data message (complete: its last frame was read). */
static void msg_end(struct ws *ws, struct wsdir *d, int complete)
{
	struct tt_txn *t = d->msg;
	if (!t) {
		msg_reset(d);
		return;
	}
	struct ws_detail *x = WD(t);
	if (d->mcomp && !d->zfail && complete)
		inflate_some(ws, d, (const uint8_t *)"\x00\x00\xff\xff", 4);
	if (d->mcomp && (d->zfail || !complete))
		x->bytes_unknown = 1;
	if (d->mcomp && !complete && !d->zfail)
		z_lost(d); /* the window misses the rest of this message */
	if (d->mop == OP_TEXT && complete && !d->u_unknown && !x->bytes_unknown &&
	    (d->u.bad || d->u.need))
		invalid(t, "text message is not valid UTF-8");
	if (d->mop == OP_TEXT) {
		size_t n = d->txt_len;
		if (d->txt_over || n < side_msg(ws, d, t)->body_bytes || x->bytes_unknown) {
			n = utf8_whole(d->txt, n); /* cut on a character boundary */
			x->text_cut = 1;
		}
		tt_txn_set_str(t, &t->target, (const char *)d->txt, n);
	} else {
		x->head_len = (uint8_t)(d->txt_len < HEAD_BYTES ? d->txt_len : HEAD_BYTES);
		memcpy(x->head, d->txt, x->head_len);
	}
	if (!t->error)
		t->outcome = TT_OUTCOME_OK;
	emit(ws, d, t, complete && !x->zunknown);
	msg_reset(d);
}

/* Ends the control frame being read. */
static void ctl_end(struct ws *ws, struct wsdir *d, int complete)
{
	struct tt_txn *t = d->ctl;
	const uint8_t *p = d->cbuf;
	size_t n = d->clen;
	int hole = d->chole;
	uint64_t hole_n = d->chole_n;
	d->ctl = NULL;
	d->clen = 0;
	d->chole = 0;
	d->chole_n = 0;
	if (!t)
		return;
	struct ws_detail *x = WD(t);
	struct tt_msg *m = side_msg(ws, d, t);
	if (n)
		tt_msg_add_body(m, hole ? NULL : p, n, ws->env->body_cap);
	if (hole_n)
		tt_msg_add_body(m, NULL, hole_n, ws->env->body_cap);
	x->head_len = (uint8_t)(n < HEAD_BYTES ? n : HEAD_BYTES);
	memcpy(x->head, p, x->head_len);
	if (!t->error)
		t->outcome = TT_OUTCOME_OK;
	if (complete && !hole) {
		if (x->opcode == OP_CLOSE) {
			if (n == 1) {
				invalid(t, "close payload of 1 byte");
			} else if (n >= 2) {
				x->close_code = (uint16_t)(p[0] << 8 | p[1]);
				if (!close_code_ok(x->close_code))
					invalid(t, "close code that may not be sent");
				else if (!utf8_ok(p + 2, n - 2))
					invalid(t, "close reason is not valid UTF-8");
				else if (x->close_code != 1000 && x->close_code != 1001 && !t->error)
					t->outcome = TT_OUTCOME_ERROR;
				if (n > 2)
					tt_txn_set_str(t, &t->target, (const char *)p + 2, n - 2);
			}
		} else if (n && utf8_ok(p, n)) {
			int text = 1;
			for (size_t i = 0; i < n && text; i++)
				text = p[i] >= 0x20 || p[i] == '\t' || p[i] == '\n' || p[i] == '\r';
			if (text) /* a ping's text */
				tt_txn_set_str(t, &t->target, (const char *)p, n);
		}
	}
	emit(ws, d, t, complete && !hole);
}

static void to_sync(struct ws *ws, struct wsdir *d)
{
	(void)ws;
	d->state = S_SYNC;
	d->hlen = 0;
	d->resync = 1;
	d->orphan_ok = 1;
	if (!d->no_takeover)
		z_lost(d); /* whole messages may have gone by */
}

/* The header in d->hdr is whole: the frame starts. */
static void frame_begin(struct ws *ws, struct wsdir *d)
{
	struct fh *h = &d->f;
	fh_parse(d->hdr, d->hlen, h);
	if (h->key) {
		memcpy(d->fkey, h->key, 4);
		h->key = d->fkey;
	}
	d->pos = 0;
	const char *fatal = (h->plen >> 63)		       ? "payload length over 2^63"
			    : !op_known(h->op)		       ? "reserved opcode"
			    : h->op >= OP_CLOSE && h->plen > CTL_MAX ? "control frame over 125 bytes"
							       : NULL;
	if (fatal) {
		/* the framing is lost: the message being read ends here, the frame is shown as
		 * invalid, and the direction looks for the next plausible frame */
		if (d->msg)
			d->msg->flags |= TT_TXN_BROKEN;
		msg_end(ws, d, 0);
		struct tt_txn *t = txn_new(ws, d, h->op);
		if (t) {
			invalid(t, fatal);
			WD(t)->bytes_unknown = 1;
			struct tt_msg *m = side_msg(ws, d, t);
			m->wire_bytes = h->hsize;
			m->ts_last = ws->ch->ts;
			WD(t)->frames = 1;
			emit(ws, d, t, 0);
		}
		to_sync(ws, d);
		return;
	}
	const char *fault = NULL;
	int from_client = d->dir == ws->client_dir;
	if (h->op >= OP_CLOSE && !h->fin)
		fault = "fragmented control frame";
	else if (!h->minimal)
		fault = "payload length not in its shortest form";
	else if (from_client && !h->masked)
		fault = "client frame not masked";
	else if (!from_client && h->masked)
		fault = "server frame masked";
	else if (!ws->other_ext && (h->rsv & 3))
		fault = "RSV2 or RSV3 set without an extension";
	else if (!ws->other_ext && (h->rsv & RSV1) && (h->op == OP_CONT || h->op >= OP_CLOSE))
		fault = "RSV1 set on a continuation or control frame";
	else if (!ws->other_ext && (h->rsv & RSV1) && !ws->deflate)
		fault = "RSV1 set without permessage-deflate";
	struct tt_txn *t;
	if (h->op >= OP_CLOSE) {
		d->ctl = t = txn_new(ws, d, h->op);
		d->clen = 0;
		d->chole = 0;
	} else {
		if (h->op == OP_CONT && !d->msg) {
			/* the rest of a message: its start was before the recording (after a resync),
			 * else a rule is broken */
			msg_start(ws, d, OP_UNKNOWN, 0);
			if (d->msg && d->orphan_ok) {
				side_msg(ws, d, d->msg)->gap = 1;
				d->msg->flags |= TT_TXN_GAP;
				d->u_unknown = 1;
			} else {
				invalid(d->msg, "continuation frame without a message start");
			}
		} else if (h->op != OP_CONT) {
			if (d->msg) {
				invalid(d->msg, "message cut by the start of another");
				msg_end(ws, d, 0);
			}
			int comp = (h->rsv & RSV1) && ws->deflate && !ws->other_ext;
			msg_start(ws, d, h->op, comp);
		}
		d->orphan_ok = 0;
		t = d->msg;
	}
	if (t) {
		invalid(t, fault);
		struct tt_msg *m = side_msg(ws, d, t);
		m->wire_bytes += h->hsize;
		m->ts_last = ws->ch->ts;
		WD(t)->frames++;
	}
	d->state = S_PAYLOAD;
}

/* Payload bytes of the current frame, unmasked. */
static void frame_piece(struct ws *ws, struct wsdir *d, const uint8_t *p, size_t n)
{
	if (d->f.op >= OP_CLOSE) {
		if (!d->ctl)
			return;
		size_t k = n < CTL_MAX - d->clen ? n : CTL_MAX - d->clen;
		memcpy(d->cbuf + d->clen, p, k);
		d->clen += k;
		return;
	}
	if (!d->msg)
		return;
	if (d->mcomp) {
		WD(d->msg)->zbytes += n;
		inflate_some(ws, d, p, n);
	} else {
		decoded(ws, d, p, n);
	}
}

static void frame_data(struct ws *ws, struct wsdir *d, const uint8_t *p, size_t n)
{
	struct tt_txn *t = d->f.op >= OP_CLOSE ? d->ctl : d->msg;
	if (t) {
		struct tt_msg *m = side_msg(ws, d, t);
		m->wire_bytes += n;
		m->ts_last = ws->ch->ts;
	}
	if (!d->f.masked) {
		frame_piece(ws, d, p, n);
		return;
	}
	uint8_t tmp[4096];
	uint64_t pos = d->pos;
	while (n) {
		size_t k = n < sizeof(tmp) ? n : sizeof(tmp);
		uint8_t km[8];
		for (int i = 0; i < 8; i++)
			km[i] = d->fkey[(pos + (uint64_t)i) & 3];
		uint64_t m8;
		memcpy(&m8, km, 8);
		size_t i = 0;
		for (; i + 8 <= k; i += 8) {
			uint64_t x;
			memcpy(&x, p + i, 8);
			x ^= m8;
			memcpy(tmp + i, &x, 8);
		}
		for (; i < k; i++)
			tmp[i] = p[i] ^ km[i & 7];
		frame_piece(ws, d, tmp, k);
		p += k;
		n -= k;
		pos += k;
	}
}

static void frame_end(struct ws *ws, struct wsdir *d)
{
	d->state = S_HDR;
	d->hlen = 0;
	if (d->f.op >= OP_CLOSE)
		ctl_end(ws, d, 1);
	else if (d->f.fin)
		msg_end(ws, d, 1);
}

/* Parses n bytes; stops early (returning the bytes used) when the direction must resync. */
static size_t parse(struct ws *ws, struct wsdir *d, const uint8_t *p, size_t n)
{
	size_t used = 0;
	while (used < n && d->state != S_SYNC) {
		if (d->state == S_HDR) {
			if (!d->hlen) {
				d->hts = ws->ch->ts;
				d->hpid = ws->ch->pid;
				d->htid = ws->ch->tid;
			}
			size_t need = d->hlen < 2 ? 2 : hdr_size(d->hdr[1]);
			size_t k = need - d->hlen < n - used ? need - d->hlen : n - used;
			memcpy(d->hdr + d->hlen, p + used, k);
			d->hlen += k;
			used += k;
			if (d->hlen < 2 || d->hlen < hdr_size(d->hdr[1]))
				continue;
			frame_begin(ws, d);
			if (d->state == S_PAYLOAD && !d->f.plen)
				frame_end(ws, d);
			continue;
		}
		uint64_t left = d->f.plen - d->pos;
		size_t k = left < n - used ? (size_t)left : n - used;
		frame_data(ws, d, p + used, k);
		d->pos += k;
		used += k;
		if (d->pos == d->f.plen)
			frame_end(ws, d);
	}
	return used;
}

/* Appends to the sync buffer, remembering the call the bytes came in: 0, or -ENOMEM. */
static int sync_append(struct ws *ws, struct wsdir *d, const uint8_t *p, size_t n)
{
	uint64_t off = d->sbase + tt_buf_len(&d->sync);
	if (tt_buf_append(&d->sync, p, n) < 0)
		return -ENOMEM;
	const struct tt_chunk *c = ws->ch;
	if (d->nmk && d->mk[d->nmk - 1].ts == c->ts && d->mk[d->nmk - 1].pid == c->pid &&
	    d->mk[d->nmk - 1].tid == c->tid)
		return 0;
	if (d->nmk == SYNC_MARKS)
		return 0; /* the last call known stands for the rest */
	d->mk[d->nmk].off = off;
	d->mk[d->nmk].ts = c->ts;
	d->mk[d->nmk].pid = c->pid;
	d->mk[d->nmk].tid = c->tid;
	d->nmk++;
	return 0;
}

static void sync_consume(struct wsdir *d, size_t n)
{
	tt_buf_consume(&d->sync, n);
	d->sbase += n;
	if (!tt_buf_len(&d->sync)) {
		d->nmk = 0;
		return;
	}
	int k = 0;
	while (k + 1 < d->nmk && d->mk[k + 1].off <= d->sbase)
		k++;
	if (k) {
		memmove(d->mk, d->mk + k, (size_t)(d->nmk - k) * sizeof(d->mk[0]));
		d->nmk -= k;
	}
}

static void sync_reset(struct wsdir *d)
{
	d->sbase += tt_buf_len(&d->sync);
	tt_buf_reset(&d->sync);
	d->nmk = 0;
}

/* Parses what waits in the sync buffer, each piece with the time and process of its call. */
static void parse_buffered(struct ws *ws, struct wsdir *d)
{
	const struct tt_chunk *save = ws->ch;
	while (tt_buf_len(&d->sync) && d->state != S_SYNC) {
		struct tt_chunk c = {.dir = d->dir};
		size_t len = tt_buf_len(&d->sync), seg = len;
		if (d->nmk) {
			c.ts = d->mk[0].ts;
			c.pid = d->mk[0].pid;
			c.tid = d->mk[0].tid;
			if (d->nmk > 1 && d->mk[1].off - d->sbase < len)
				seg = (size_t)(d->mk[1].off - d->sbase);
		} else {
			c = *save;
		}
		ws->ch = &c;
		size_t used = parse(ws, d, tt_buf_data(&d->sync), seg);
		ws->ch = save;
		sync_consume(d, used);
	}
}

/* Looks for the next plausible frame in the sync buffer: 1 found (the buffer starts with it,
 * parsing resumes), 0 not yet (final: nothing more comes before a break, the bytes are given
 * up). */
static int sync_scan(struct ws *ws, struct wsdir *d, int final)
{
	const uint8_t *p = tt_buf_data(&d->sync);
	size_t n = tt_buf_len(&d->sync), i;
	struct rules r = rules_of(ws, d);
	int masked = -1, k = 0;
	for (i = 0; i < n; i++)
		if ((k = chain_at(&r, p + i, n - i, final, &masked)) != 0)
			break;
	d->skipped += i;
	sync_consume(d, i);
	if (k <= 0) {
		if (final) {
			d->skipped += tt_buf_len(&d->sync);
			sync_reset(d);
		}
		return 0;
	}
	if (ws->client_dir < 0)
		ws->client_dir = masked ? d->dir : d->dir ^ 1;
	d->state = S_HDR;
	d->hlen = 0;
	return 1;
}

/* Bytes of one direction, in order. */
static void dir_data(struct ws *ws, struct wsdir *d, const uint8_t *p, size_t n)
{
	for (;;) {
		if (d->state == S_SYNC) {
			size_t room = TT_WS_SYNC_CAP - tt_buf_len(&d->sync);
			size_t add = n < room ? n : room;
			if (add && sync_append(ws, d, p, add) < 0) {
				d->skipped += n; /* out of memory: these bytes are not looked at */
				return;
			}
			p += add;
			n -= add;
			if (!sync_scan(ws, d, 0)) {
				if (!n)
					return;
				continue;
			}
		}
		if (tt_buf_len(&d->sync)) { /* bytes waiting in the sync buffer come first */
			parse_buffered(ws, d);
			continue;
		}
		if (!n)
			return;
		size_t used = parse(ws, d, p, n);
		p += used;
		n -= used;
	}
}

/* A break in the bytes (lost, or the end): what waits in the sync buffer is looked at as a
 * whole. */
static void sync_flush(struct ws *ws, struct wsdir *d)
{
	while (d->state == S_SYNC && tt_buf_len(&d->sync)) {
		if (!sync_scan(ws, d, 1))
			break;
		parse_buffered(ws, d);
	}
}

/* len bytes of the direction lost (lost) or without content (sendfile): stepped over inside a
 * payload of known length, else the framing is lost. */
static void dir_hole(struct ws *ws, struct wsdir *d, uint64_t len, int lost)
{
	sync_flush(ws, d);
	if (d->state == S_PAYLOAD && len != TT_LEN_UNKNOWN && len <= d->f.plen - d->pos) {
		struct tt_txn *t = d->f.op >= OP_CLOSE ? d->ctl : d->msg;
		if (t) {
			struct tt_msg *m = side_msg(ws, d, t);
			m->wire_bytes += len;
			m->ts_last = ws->ch->ts;
			if (lost) {
				m->gap = 1;
				t->flags |= TT_TXN_GAP;
			}
			if (d->f.op >= OP_CLOSE) {
				d->chole = 1;
				d->chole_n += len;
			} else if (d->mcomp) {
				WD(t)->zbytes += len;
				WD(t)->bytes_unknown = 1;
				d->zfail = 1;
				z_lost(d);
			} else {
				tt_msg_add_body(m, NULL, len, ws->env->body_cap);
				d->u_unknown = 1;
				d->txt_over = 1;
			}
		}
		d->pos += len;
		if (d->pos == d->f.plen)
			frame_end(ws, d);
		return;
	}
	/* the framing is lost */
	if (d->state != S_SYNC) {
		struct tt_txn *ts[2] = {d->ctl, d->msg};
		for (int i = 0; i < 2; i++) {
			if (!ts[i])
				continue;
			if (lost) {
				side_msg(ws, d, ts[i])->gap = 1;
				ts[i]->flags |= TT_TXN_GAP;
			}
		}
		if (d->ctl) {
			d->chole = 1;
			ctl_end(ws, d, 0);
		}
		msg_end(ws, d, 0);
		to_sync(ws, d);
	}
	sync_reset(d);
	d->after_gap = 1;
	if (!d->no_takeover)
		z_lost(d);
}

/* Permessage-deflate's parameters from the 101's Sec-WebSocket-Extensions (RFC 7692 7.1): the
 * first extension agreed decides; one we do not know owns the RSV bits. */
static void parse_extensions(struct ws *ws, const char *v, int client_dir)
{
	while (v && *v) {
		v += strspn(v, " \t,");
		size_t l = strcspn(v, " \t;,");
		if (!l)
			break;
		int pmd = l == 18 && !strncasecmp(v, "permessage-deflate", 18);
		if (pmd && !ws->deflate && !ws->other_ext)
			ws->deflate = 1;
		else if (!pmd)
			ws->other_ext = 1;
		v += l;
		/* its parameters */
		while (*v && *v != ',') {
			v += strspn(v, " \t;");
			size_t pl = strcspn(v, " \t;,=");
			if (!pl) {
				if (*v && *v != ',')
					v++;
				continue;
			}
			if (pmd && pl == 26 && !strncasecmp(v, "server_no_context_takeover", 26))
				ws->d[client_dir ^ 1].no_takeover = 1;
			else if (pmd && pl == 26 && !strncasecmp(v, "client_no_context_takeover", 26))
				ws->d[client_dir].no_takeover = 1;
			v += pl;
			/* a value, maybe quoted: the inflater's window (15) takes any size */
			v += strspn(v, " \t");
			if (*v == '=') {
				v++;
				v += strspn(v, " \t");
				if (*v == '"') {
					const char *q = strchr(v + 1, '"');
					v = q ? q + 1 : v + strlen(v);
				} else {
					v += strcspn(v, " \t;,");
				}
			}
		}
	}
}

static void *ws_open(struct tt_proto_env *env, const struct tt_conn_info *ci,
		     const struct tt_handover *from)
{
	struct ws *ws = calloc(1, sizeof(*ws));
	if (!ws)
		return NULL;
	ws->env = env;
	ws->ci = ci;
	ws->client_dir = tt_proto_client_dir(ci, from);
	for (int i = 0; i < 2; i++) {
		struct wsdir *d = &ws->d[i];
		d->dir = i;
		tt_buf_init(&d->sync, TT_WS_SYNC_CAP);
	}
	if (from && from->txn && ws->client_dir >= 0) {
		/* the upgrade: frames from the first byte, windows empty */
		const struct tt_txn *u = from->txn;
		for (uint32_t i = 0; i < u->resp.n_headers; i++)
			if (!strcasecmp(u->resp.headers[i].name, "Sec-WebSocket-Extensions"))
				parse_extensions(ws, u->resp.headers[i].value, ws->client_dir);
		const char *key = tt_msg_header(&u->req, "Sec-WebSocket-Key");
		if (key) {
			ws->key_len = strnlen(key, KEY_MAX - 1);
			memcpy(ws->key, key, ws->key_len);
		}
		const char *sp = tt_msg_header(&u->resp, "Sec-WebSocket-Protocol");
		if (sp) {
			ws->subproto_len = strnlen(sp, KEY_MAX - 1);
			memcpy(ws->subproto, sp, ws->subproto_len);
		}
		for (int i = 0; i < 2; i++) {
			ws->d[i].state = S_HDR;
			ws->d[i].z_known = 1;
		}
	} else {
		/* started after the upgrade: extensions unknown, look for frames */
		ws->deflate = -1;
		for (int i = 0; i < 2; i++) {
			ws->d[i].state = S_SYNC;
			ws->d[i].resync = 1;
			ws->d[i].orphan_ok = 1;
		}
	}
	return ws;
}

static void ws_feed(void *sess, const struct tt_chunk *c)
{
	struct ws *ws = sess;
	if (c->dir != TT_DIR_EGRESS && c->dir != TT_DIR_INGRESS)
		return;
	struct wsdir *d = &ws->d[c->dir];
	ws->ch = c;
	if (c->gap || !c->data)
		dir_hole(ws, d, c->len, c->gap || c->len == TT_LEN_UNKNOWN);
	else
		dir_data(ws, d, c->data, (size_t)c->len);
	ws->ch = NULL;
}

static void ws_close(void *sess, uint64_t ts, int evicted)
{
	struct ws *ws = sess;
	if (!ws)
		return;
	struct tt_chunk end = {.ts = ts};
	ws->ch = &end;
	for (int i = 0; i < 2; i++) {
		struct wsdir *d = &ws->d[i];
		sync_flush(ws, d);
		struct tt_txn *ts2[2] = {d->ctl, d->msg};
		for (int k = 0; k < 2; k++)
			if (ts2[k] && evicted)
				ts2[k]->flags |= TT_TXN_EVICTED;
		ctl_end(ws, d, 0);
		msg_end(ws, d, 0);
		if (d->z_init)
			inflateEnd(&d->z);
		tt_buf_free(&d->sync);
	}
	free(ws);
}

/* --- output -------------------------------------------------------------------------------- */

/* "12 B", "12.3 KB", "4.5 MB" */
static size_t fmt_size(char *b, size_t n, uint64_t v)
{
	int w;
	if (v < 10000)
		w = snprintf(b, n, "%llu B", (unsigned long long)v);
	else if (v < 10ull * 1024 * 1024)
		w = snprintf(b, n, "%.1f KB", (double)v / 1024);
	else
		w = snprintf(b, n, "%.1f MB", (double)v / (1024 * 1024));
	return w < 0 ? 0 : (size_t)w < n ? (size_t)w : n - 1;
}

static void add_hex(struct tt_desc *d, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		char e[2] = {hx[p[i] >> 4], hx[p[i] & 15]};
		tt_desc_add(d, e, 2);
	}
}

/* `"first bytes…"` of s, cut on a character boundary; bytes that are not UTF-8 as \xNN. */
static void add_preview(struct tt_desc *d, const char *s, int cut)
{
	static const char hx[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), shown = 0, i = 0;
	tt_desc_add(d, "\"", 1);
	while (i < n) {
		size_t k = 1;
		if (p[i] >= 0x80) {
			k = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;
			if (i + k > n || !utf8_ok(p + i, k))
				k = 0; /* not a character: escaped */
		}
		if (shown + (k ? k : 4) > PREVIEW_BYTES) {
			cut = 1;
			break;
		}
		if (k) {
			tt_desc_add(d, s + i, k);
			shown += k;
			i += k;
		} else {
			char e[4] = {'\\', 'x', hx[p[i] >> 4], hx[p[i] & 15]};
			tt_desc_add(d, e, 4);
			shown += 4;
			i++;
		}
	}
	tt_desc_adds(d, cut ? "…\"" : "\"");
}

static void ws_describe(const struct tt_txn *t, struct tt_desc *d)
{
	const struct ws_detail *x = WDC(t);
	const struct tt_msg *m = t->req.seen ? &t->req : &t->resp;
	char b[32];
	d->plain = 1;
	if (x->opcode == OP_CLOSE) {
		if (x->close_code) {
			d->tone = t->outcome == TT_OUTCOME_ERROR ? TT_TONE_ERROR : TT_TONE_OK;
			tt_desc_u64(d, x->close_code);
			d->tone_len = d->len;
		}
		if (t->target) {
			tt_desc_adds(d, " ");
			add_preview(d, t->target, 0);
			d->plain = 0;
		}
	} else {
		if (x->bytes_unknown)
			tt_desc_adds(d, "? B");
		else
			tt_desc_add(d, b, fmt_size(b, sizeof(b), m->body_bytes));
		if (t->target && (*t->target || !x->text_cut)) {
			tt_desc_adds(d, " ");
			add_preview(d, t->target, x->text_cut);
			d->plain = 0;
		} else if (x->head_len) {
			tt_desc_adds(d, " ");
			add_hex(d, x->head, x->head_len);
			if (m->body_bytes > x->head_len || x->bytes_unknown)
				tt_desc_adds(d, "…");
		}
	}
	int w = 0;
	if (x->zunknown)
		w = snprintf(d->note, sizeof(d->note), "[deflate window unknown]");
	else if (x->resync && x->skipped)
		w = snprintf(d->note, sizeof(d->note), "[resync: %llu bytes skipped]",
			     (unsigned long long)x->skipped);
	else if (x->resync && x->after_gap)
		w = snprintf(d->note, sizeof(d->note), "[resync after lost bytes]");
	d->note_len = w > 0 && (size_t)w < sizeof(d->note) ? (size_t)w : 0;
}

static size_t ws_line(const struct tt_txn *t, enum tt_line which, char *buf, size_t n)
{
	const struct ws_detail *x = WDC(t);
	const struct tt_msg *m = which == TT_LINE_REQ ? &t->req : &t->resp;
	if (which == TT_LINE_INTERIM || !m->seen || !n)
		return 0;
	char wire[32], zb[32];
	fmt_size(wire, sizeof(wire), m->wire_bytes);
	int w = snprintf(buf, n, "%s, %llu frame%s, %s on the wire", t->op ? t->op : "?",
			 (unsigned long long)x->frames, x->frames == 1 ? "" : "s", wire);
	if (w > 0 && (size_t)w < n && x->compressed) {
		fmt_size(zb, sizeof(zb), x->zbytes);
		w += snprintf(buf + w, n - (size_t)w, ", permessage-deflate (%s compressed)", zb);
	}
	if (w > 0 && (size_t)w < n && x->subproto)
		w += snprintf(buf + w, n - (size_t)w, ", subprotocol %s", x->subproto);
	if (w > 0 && (size_t)w < n && x->close_code) {
		const char *cn = close_name(x->close_code);
		w += snprintf(buf + w, n - (size_t)w, ", code %u%s%s", x->close_code, cn ? " " : "",
			      cn ? cn : "");
	}
	return w < 0 ? 0 : (size_t)w < n ? (size_t)w : n - 1;
}

static void ws_release(struct tt_txn *t)
{
	tt_txn_free_str(t, WD(t)->key);
	tt_txn_free_str(t, WD(t)->subproto);
}

static int str_val(const char *s, struct tt_val *v)
{
	if (!s)
		return 0;
	v->s = s;
	v->len = strlen(s);
	return 1;
}

static int get_opcode(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(op_name(WDC(t)->opcode), v);
}

static int get_direction(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(WDC(t)->sent ? "sent" : "received", v);
}

static int get_bytes(const struct tt_txn *t, struct tt_val *v)
{
	v->i = (int64_t)(t->req.seen ? t->req.body_bytes : t->resp.body_bytes);
	return !WDC(t)->bytes_unknown;
}

static int get_text(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(t->target, v);
}

static int get_key(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(WDC(t)->key, v);
}

static int get_subproto(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(WDC(t)->subproto, v);
}

static int get_close_code(const struct tt_txn *t, struct tt_val *v)
{
	v->i = WDC(t)->close_code;
	return v->i != 0;
}

static int get_frames(const struct tt_txn *t, struct tt_val *v)
{
	v->i = (int64_t)WDC(t)->frames;
	return 1;
}

static int get_compressed(const struct tt_txn *t, struct tt_val *v)
{
	v->i = 1;
	return WDC(t)->compressed;
}

static int get_text_cut(const struct tt_txn *t, struct tt_val *v)
{
	v->i = 1;
	return WDC(t)->text_cut;
}

static int get_resync(const struct tt_txn *t, struct tt_val *v)
{
	v->i = (int64_t)WDC(t)->skipped;
	return WDC(t)->resync;
}

static const struct tt_field ws_fields[] = {
    {"ws_opcode", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL,
     "text, binary, close, ping, pong (continuation: a message begun before the recording)",
     get_opcode},
    {"ws_direction", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL,
     "sent or received, by the process of this line's socket", get_direction},
    {"ws_bytes", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL,
     "payload bytes of the message (unmasked, inflated); null when not known", get_bytes},
    {"ws_text", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL,
     "first bytes of the text (text message, close reason, ping text), at most 1024",
     get_text},
    {"ws_key", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL,
     "the upgrade's Sec-WebSocket-Key: with sock_id, joins the http/1.1 upgrade transaction "
     "(its req_headers); null when the recording began after the upgrade",
     get_key},
    {"ws_frames", TT_FT_INT, TT_FJ_TAIL, TT_FJ_NULL, "frames of the message", get_frames},
    {"ws_subprotocol", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT,
     "the subprotocol the upgrade agreed (Sec-WebSocket-Protocol)", get_subproto},
    {"ws_close_code", TT_FT_INT, TT_FJ_TAIL, TT_FJ_OMIT, "close frame's status code",
     get_close_code},
    {"ws_compressed", TT_FT_BOOL, TT_FJ_TAIL, TT_FJ_OMIT, "sent with permessage-deflate",
     get_compressed},
    {"ws_text_truncated", TT_FT_BOOL, TT_FJ_TAIL, TT_FJ_OMIT,
     "ws_text holds only the first bytes", get_text_cut},
    {"ws_resync", TT_FT_INT, TT_FJ_TAIL, TT_FJ_OMIT,
     "first message after a resynchronisation (recording began late, lost bytes, an invalid "
     "frame): bytes skipped before it",
     get_resync},
};

const struct tt_proto tt_websocket_proto = {
    .name = "websocket",
    .aliases = "ws",
    .tag = "ws",
    .upgrade = "websocket",
    .detect = ws_detect,
    .open = ws_open,
    .feed = ws_feed,
    .close = ws_close,
    .describe = ws_describe,
    .line = ws_line,
    .fields = ws_fields,
    .nfields = sizeof(ws_fields) / sizeof(ws_fields[0]),
    .release = ws_release,
};
