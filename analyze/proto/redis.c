// SPDX-License-Identifier: MIT
/*
 * analyze/proto/redis.c - RESP2/RESP3 framing of both directions, commands paired with their
 * replies in order (pair.c), pub/sub and pushes as one-way transactions. See redis.h.
 *
 * Each direction is parsed as a stream, byte by byte where it must be and a run at a time where
 * it can (bulk payloads, lines): nothing waits for a whole message, so a 100 MiB bulk string
 * costs its kept prefix (KEEP bytes) and a counter. A message becomes a transaction when its
 * last byte is parsed (the times are its first and last bytes').
 */
#include "analyze/proto/redis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/buf.h"
#include "analyze/pair.h"

#define KEEP	  256 /* bytes of one scalar (an argument, a value, an error) kept */
#define ARG_SHOW  48  /* bytes of one argument shown in the target */
#define VAL_SHOW  32  /* bytes of a value shown on the line */
#define NUM_MAX	  40  /* a length or number line */
#define NEL	  4   /* first elements of an aggregate reply kept (pub/sub) */
#define RENDER_LINES 256

/* --- the detail of a transaction -------------------------------------------------------------- */

struct rx {
	char *key;	/* owned: the command's first key (cut) */
	char *val;	/* owned: the reply's value (cut), error text, or a message's payload */
	char *err;	/* owned: the error reply's text */
	uint64_t nargs; /* elements of the command (the name included) */
	uint64_t items; /* elements of an aggregate reply (map: pairs) */
	uint64_t vbytes; /* bytes of a bulk/verbatim value or a message's payload */
	uint64_t nerr;	 /* error elements inside an aggregate reply (EXEC) */
	uint64_t skipped; /* bytes not parsed before this transaction (resynchronising) */
	int64_t subs;	  /* subscriptions after the last confirmation */
	uint32_t confirms; /* (un)subscribe confirmations received */
	uint8_t rtype;	   /* the reply's type byte, 0 none */
	uint8_t null;	   /* a null reply */
	uint8_t vcut;	   /* val is a prefix */
	uint8_t is_inline; /* an inline command */
	uint8_t secret;	   /* the command carries a password (not kept) */
	uint8_t cut;	   /* the connection closed inside the reply */
};
_Static_assert(sizeof(struct rx) <= TT_TXN_DETAIL, "redis detail fits the txn");

static struct rx *X(struct tt_txn *t)
{
	return tt_txn_detail(t, struct rx);
}

static const struct rx *XC(const struct tt_txn *t)
{
	return tt_txn_detail(t, const struct rx);
}

/* --- the session -------------------------------------------------------------------------------- */

enum pst { P_SYNC, P_TYPE, P_LINE, P_BULK, P_BULK_END, P_INLINE, P_DEAD };

struct lvl {
	uint64_t left, total;
	uint8_t attr;
};

struct el { /* a scalar element of the reply's top aggregate */
	uint8_t type, len;
	char b[48];
	uint64_t total;
};

struct rdir {
	int st;
	uint8_t type;	/* the element whose header line is read */
	char line[NUM_MAX];
	uint32_t ll;
	uint64_t ltotal;
	uint64_t bulk_left;
	uint8_t crlf; /* bytes of the CRLF after a bulk seen */
	uint8_t lastb; /* the last byte of the line so far */
	struct lvl stk[TT_REDIS_MAX_DEPTH];
	int depth, attrs;
	/* the message being parsed */
	int in_msg, gap, holes;
	uint64_t ts0, wire;
	uint32_t pid, tid;
	uint8_t top; /* its type (after attributes) */
	uint64_t top_n;
	int null;
	uint64_t nerr;
	char val[KEEP]; /* the scalar being parsed: kept prefix */
	uint32_t vl;
	uint64_t vtotal;
	uint8_t vtype;
	struct el el[NEL];
	struct tt_buf body; /* the message's bytes (kept for -vv, capped) */
	uint64_t skipped;
	struct tt_buf inl; /* an inline command's line */
};

/* The command being parsed (request direction). */
struct cmd {
	char op[32];
	size_t opl;
	char tgt[TT_REDIS_TARGET + 32];
	size_t tl;
	int cut, full;
	char key[ARG_SHOW * 4 + 8];
	size_t kl;
	int has_key;
	uint64_t nargs;
	int64_t key_pos;     /* -1 none yet */
	int kind;	     /* enum ckind */
	int64_t secret_at;   /* an argument to hide (HELLO/MIGRATE: after AUTH), -1 none */
	int64_t secret_more; /* a second one (HELLO AUTH user pass: the pass) */
	int secret;
	int numkeys_at;	     /* EVAL-like: the index of numkeys */
};

enum ckind {
	K_OTHER,
	K_NOKEY,
	K_AUTH,
	K_HELLO,
	K_MIGRATE,
	K_CONFIG,
	K_ACL,
	K_EVAL,	   /* numkeys at 2, keys after */
	K_NUMKEYS, /* numkeys at 1, keys after (ZUNION, SINTERCARD, LMPOP...) */
	K_BNUMKEYS, /* timeout, numkeys, keys (BLMPOP, BZMPOP) */
	K_STREAMS, /* XREAD, XREADGROUP: keys after STREAMS */
	K_SUBKEY,  /* a subcommand, then the key (OBJECT, MEMORY, XINFO, XGROUP) */
	K_KEY2,	   /* BITOP op dest */
	K_MIGRATEK,
};

struct redis {
	struct tt_proto_env *env;
	const struct tt_conn_info *ci;
	struct tt_pairq pq;
	struct rdir d[2];
	struct cmd cmd;
	int req_dir; /* -1 unknown */
	int subscribed;
	int monitor; /* MONITOR answered OK: the server sends a line per command it runs */
	uint64_t gap_ts; /* the response direction lost bytes at this time (resync after) */
	int resp_lost;
};

/* --- small helpers ------------------------------------------------------------------------------ */

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static int eqi(const char *a, size_t n, const char *b)
{
	/* the first byte first: the command tables are searched for every command */
	if (!n || upper((unsigned char)a[0]) != upper((unsigned char)b[0]))
		return 0;
	return strlen(b) == n && !strncasecmp(a, b, n);
}

static int type_byte(uint8_t b)
{
	return b && strchr("+-:$*_,#(!=%~>|", b) != NULL;
}

static int is_agg(uint8_t b)
{
	return b == '*' || b == '%' || b == '~' || b == '>' || b == '|';
}

/* A signed decimal of a length line. 0, or -1 when it is not one. */
static int parse_i64(const char *s, size_t n, int64_t *v)
{
	size_t i = 0;
	int neg = 0;
	uint64_t x = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == n || n - i > 19)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

/* Appends the escaped form of an argument to b (room: cap), quoted when it must be; "…" when
 * the argument had more bytes than p. */
static size_t esc_arg(char *b, size_t cap, const char *p, size_t n, int more)
{
	size_t o = 0;
	int plain = n > 0;
	for (size_t i = 0; i < n && plain; i++) {
		unsigned char c = (unsigned char)p[i];
		plain = c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '\'';
	}
#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (o + 1 < cap)                                                                   \
			b[o++] = (c);                                                              \
	} while (0)
	if (!plain)
		PUT('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (plain) {
			PUT((char)c);
			continue;
		}
		if (c == '"' || c == '\\') {
			PUT('\\');
			PUT((char)c);
		} else if (c == '\n') {
			PUT('\\');
			PUT('n');
		} else if (c == '\r') {
			PUT('\\');
			PUT('r');
		} else if (c == '\t') {
			PUT('\\');
			PUT('t');
		} else if (c < 0x20 || c >= 0x7f) {
			static const char hx[] = "0123456789abcdef";
			PUT('\\');
			PUT('x');
			PUT(hx[c >> 4]);
			PUT(hx[c & 15]);
		} else {
			PUT((char)c);
		}
	}
	if (more && o + 4 < cap) {
		memcpy(b + o, "\xe2\x80\xa6", 3); /* … */
		o += 3;
	}
	if (!plain)
		PUT('"');
#undef PUT
	if (cap)
		b[o < cap ? o : cap - 1] = 0;
	return o;
}

/* --- transactions ------------------------------------------------------------------------------- */

static struct tt_txn *txn_new(struct redis *s, uint32_t pid, uint32_t tid)
{
	enum tt_side side = s->req_dir == TT_DIR_EGRESS	   ? TT_SIDE_CLIENT
			    : s->req_dir == TT_DIR_INGRESS ? TT_SIDE_SERVER
							   : TT_SIDE_UNKNOWN;
	return tt_proto_txn_new(&tt_redis_proto, s->env, s->ci, side, pid, tid);
}

/* The message just parsed in d becomes m. */
static void msg_fill(struct tt_txn *t, struct tt_msg *m, struct rdir *d, uint64_t ts, int keep)
{
	m->seen = m->complete = m->done = 1;
	m->ts_first = d->ts0;
	m->ts_last = ts;
	m->pid = d->pid;
	m->tid = d->tid;
	m->wire_bytes = d->wire;
	if (d->gap) {
		m->gap = 1;
		t->flags |= TT_TXN_GAP;
	}
	if (d->holes)
		m->body_holes = 1;
	size_t kept = tt_buf_len(&d->body);
	if (keep && kept)
		tt_msg_add_body(m, tt_buf_data(&d->body), kept, kept);
	else
		kept = 0;
	if (d->wire > kept) {
		m->body_bytes += d->wire - kept;
		m->body_truncated = 1;
	}
}

/* --- commands ----------------------------------------------------------------------------------- */

/* Commands whose first key is not their first argument, or that have none: sorted by name
 * (upper case, as on_arg() makes it) for bsearch; every other command's key is argument 1. */
static const struct ckind_row {
	const char *name;
	int kind;
} ckinds[] = {
    {"ACL", K_ACL},
    {"ASKING", K_NOKEY},
    {"AUTH", K_AUTH},
    {"BGREWRITEAOF", K_NOKEY},
    {"BGSAVE", K_NOKEY},
    {"BLMPOP", K_BNUMKEYS},
    {"BZMPOP", K_BNUMKEYS},
    {"CLIENT", K_NOKEY},
    {"CLUSTER", K_NOKEY},
    {"COMMAND", K_NOKEY},
    {"CONFIG", K_CONFIG},
    {"DBSIZE", K_NOKEY},
    {"DEBUG", K_NOKEY},
    {"DISCARD", K_NOKEY},
    {"ECHO", K_NOKEY},
    {"EVAL", K_EVAL},
    {"EVALSHA", K_EVAL},
    {"EVALSHA_RO", K_EVAL},
    {"EVAL_RO", K_EVAL},
    {"EXEC", K_NOKEY},
    {"FAILOVER", K_NOKEY},
    {"FCALL", K_EVAL},
    {"FCALL_RO", K_EVAL},
    {"FLUSHALL", K_NOKEY},
    {"FLUSHDB", K_NOKEY},
    {"FUNCTION", K_NOKEY},
    {"HELLO", K_HELLO},
    {"INFO", K_NOKEY},
    {"KEYS", K_NOKEY},
    {"LASTSAVE", K_NOKEY},
    {"LATENCY", K_NOKEY},
    {"LMPOP", K_NUMKEYS},
    {"LOLWUT", K_NOKEY},
    {"MEMORY", K_SUBKEY},
    {"MIGRATE", K_MIGRATE},
    {"MODULE", K_NOKEY},
    {"MONITOR", K_NOKEY},
    {"MULTI", K_NOKEY},
    {"OBJECT", K_SUBKEY},
    {"PING", K_NOKEY},
    {"PSUBSCRIBE", K_NOKEY},
    {"PSYNC", K_NOKEY},
    {"PUBLISH", K_NOKEY},
    {"PUBSUB", K_NOKEY},
    {"PUNSUBSCRIBE", K_NOKEY},
    {"QUIT", K_NOKEY},
    {"RANDOMKEY", K_NOKEY},
    {"READONLY", K_NOKEY},
    {"READWRITE", K_NOKEY},
    {"REPLCONF", K_NOKEY},
    {"REPLICAOF", K_NOKEY},
    {"RESET", K_NOKEY},
    {"ROLE", K_NOKEY},
    {"SAVE", K_NOKEY},
    {"SCAN", K_NOKEY},
    {"SCRIPT", K_NOKEY},
    {"SELECT", K_NOKEY},
    {"SHUTDOWN", K_NOKEY},
    {"SINTERCARD", K_NUMKEYS},
    {"SLAVEOF", K_NOKEY},
    {"SLOWLOG", K_NOKEY},
    {"SPUBLISH", K_NOKEY},
    {"SSUBSCRIBE", K_NOKEY},
    {"SUBSCRIBE", K_NOKEY},
    {"SUNSUBSCRIBE", K_NOKEY},
    {"SWAPDB", K_NOKEY},
    {"SYNC", K_NOKEY},
    {"TIME", K_NOKEY},
    {"UNSUBSCRIBE", K_NOKEY},
    {"UNWATCH", K_NOKEY},
    {"WAIT", K_NOKEY},
    {"WAITAOF", K_NOKEY},
    {"XGROUP", K_SUBKEY},
    {"XINFO", K_SUBKEY},
    {"XREAD", K_STREAMS},
    {"XREADGROUP", K_STREAMS},
    {"ZDIFF", K_NUMKEYS},
    {"ZINTER", K_NUMKEYS},
    {"ZINTERCARD", K_NUMKEYS},
    {"ZMPOP", K_NUMKEYS},
    {"ZUNION", K_NUMKEYS},
};

static int ckind_cmp(const void *k, const void *row)
{
	return strcmp(k, ((const struct ckind_row *)row)->name);
}

static int cmd_kind(const char *op)
{
	const struct ckind_row *r =
	    bsearch(op, ckinds, sizeof(ckinds) / sizeof(ckinds[0]), sizeof(ckinds[0]), ckind_cmp);
	return r ? r->kind : K_OTHER;
}

static void cmd_reset(struct cmd *c)
{
	c->opl = c->tl = c->kl = 0;
	c->cut = c->full = c->has_key = c->secret = 0;
	c->nargs = 0;
	c->key_pos = -1;
	c->kind = K_OTHER;
	c->secret_at = c->secret_more = -1;
	c->numkeys_at = -1;
	c->op[0] = c->tgt[0] = c->key[0] = 0;
}

static void tgt_add(struct cmd *c, const char *p, size_t n, uint64_t total)
{
	if (c->full)
		return;
	char b[ARG_SHOW * 4 + 8];
	size_t show = n < ARG_SHOW ? n : ARG_SHOW;
	size_t l = esc_arg(b, sizeof(b), p, show, total > show);
	if (total > show)
		c->cut = 1; /* one argument cut: say how many there were */
	if (c->tl + (c->tl ? 1 : 0) + l > TT_REDIS_TARGET) {
		c->cut = c->full = 1; /* the rest is not shown */
		return;
	}
	if (c->tl)
		c->tgt[c->tl++] = ' ';
	memcpy(c->tgt + c->tl, b, l);
	c->tl += l;
	c->tgt[c->tl] = 0;
}

/* Argument i of a command of nargs (p: its first n bytes of total). */
static void on_arg(struct cmd *c, uint64_t i, const char *p, size_t n, uint64_t total)
{
	if (i == 0) {
		size_t l = n < sizeof(c->op) - 1 ? n : sizeof(c->op) - 1;
		for (size_t k = 0; k < l; k++)
			c->op[k] = (char)upper((unsigned char)p[k]);
		c->op[l] = 0;
		c->opl = l;
		c->kind = cmd_kind(c->op);
		char b[sizeof(c->op) * 4 + 8];
		size_t bl = esc_arg(b, sizeof(b), c->op, l, total > l);
		if (bl > TT_REDIS_TARGET)
			bl = TT_REDIS_TARGET;
		memcpy(c->tgt, b, bl);
		c->tl = bl;
		c->tgt[bl] = 0;
		switch (c->kind) {
		case K_OTHER:
			c->key_pos = 1;
			break;
		case K_SUBKEY:
		case K_KEY2:
			c->key_pos = 2;
			break;
		case K_AUTH:
			c->secret_at = (int64_t)c->nargs - 1; /* AUTH [user] pass */
			c->secret = c->nargs > 1;
			break;
		case K_EVAL:
			c->numkeys_at = 2;
			break;
		case K_NUMKEYS:
			c->numkeys_at = 1;
			break;
		case K_BNUMKEYS:
			c->numkeys_at = 2;
			break;
		default:
			break;
		}
		return;
	}
	int hide = 0;
	if ((int64_t)i == c->secret_at || (int64_t)i == c->secret_more)
		hide = 1;
	switch (c->kind) {
	case K_HELLO: /* HELLO [protover [AUTH user pass] [SETNAME name]] */
		if (eqi(p, n, "AUTH")) {
			c->secret_at = (int64_t)i + 2;
			c->secret = 1;
		}
		break;
	case K_MIGRATE: /* MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw |
			   AUTH2 user pw] [KEYS key...] */
		if (i == 3 && n)
			c->key_pos = 3;
		if (i > 5 && eqi(p, n, "AUTH")) {
			c->secret_at = (int64_t)i + 1;
			c->secret = 1;
		} else if (i > 5 && eqi(p, n, "AUTH2")) {
			c->secret_at = (int64_t)i + 2;
			c->secret = 1;
		} else if (i > 5 && eqi(p, n, "KEYS") && !c->has_key) {
			c->key_pos = (int64_t)i + 1;
		}
		break;
	case K_CONFIG: /* CONFIG SET name value [name value ...] */
		if (i >= 2 && !(i & 1) && (eqi(p, n, "requirepass") || eqi(p, n, "masterauth"))) {
			c->secret_at = (int64_t)i + 1;
			c->secret = 1;
		}
		break;
	case K_ACL: /* ACL SETUSER name rules: >pass <pass #hash !hash */
		if (i >= 3 && n && strchr("><#!", p[0])) {
			hide = 1;
			c->secret = 1;
		}
		break;
	case K_STREAMS:
		if (eqi(p, n, "STREAMS") && !c->has_key && c->key_pos < 0)
			c->key_pos = (int64_t)i + 1;
		break;
	default:
		break;
	}
	if ((int64_t)i == c->numkeys_at) {
		int64_t k;
		if (!parse_i64(p, n, &k) && k > 0)
			c->key_pos = (int64_t)i + 1;
	}
	if ((int64_t)i == c->key_pos && !hide) {
		c->kl = esc_arg(c->key, sizeof(c->key), p, n < ARG_SHOW ? n : ARG_SHOW,
				total > ARG_SHOW);
		c->has_key = 1;
	}
	if (hide)
		tgt_add(c, "***", 3, 3);
	else
		tgt_add(c, p, n, total);
}

static void request_done(struct redis *s, struct rdir *d, const struct tt_chunk *c, int is_inline)
{
	struct cmd *cm = &s->cmd;
	if (!cm->opl && !cm->nargs)
		return;
	struct tt_txn *t = txn_new(s, d->pid, d->tid);
	if (!t)
		return;
	struct rx *x = X(t);
	tt_txn_set_str(t, &t->op, cm->op, cm->opl);
	char tail[48];
	if (cm->cut) {
		int k = snprintf(tail, sizeof(tail), " (%llu args)", (unsigned long long)cm->nargs);
		if (k > 0 && cm->tl + (size_t)k < sizeof(cm->tgt)) {
			memcpy(cm->tgt + cm->tl, tail, (size_t)k + 1);
			cm->tl += (size_t)k;
		}
	}
	tt_txn_set_str(t, &t->target, cm->tgt, cm->tl);
	if (cm->has_key)
		tt_txn_set_str(t, &x->key, cm->key, cm->kl);
	x->nargs = cm->nargs;
	x->is_inline = (uint8_t)is_inline;
	x->secret = (uint8_t)cm->secret;
	x->skipped = d->skipped;
	d->skipped = 0;
	msg_fill(t, &t->req, d, c->ts, !cm->secret);
	if (tt_pair_request(&s->pq, t, 0, NULL, NULL) < 0)
		tt_txn_free(t);
}

/* An inline command: the line, split at white space. */
static void inline_done(struct redis *s, struct rdir *d, const struct tt_chunk *c)
{
	const char *p = (const char *)tt_buf_data(&d->inl);
	size_t n = tt_buf_len(&d->inl);
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	struct cmd *cm = &s->cmd;
	cmd_reset(cm);
	uint64_t args = 0;
	for (size_t i = 0; i < n;) { /* count first: AUTH hides its last argument */
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n)
			break;
		args++;
		while (i < n && p[i] != ' ' && p[i] != '\t')
			i++;
	}
	cm->nargs = args;
	uint64_t k = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n)
			break;
		size_t a = i;
		while (i < n && p[i] != ' ' && p[i] != '\t')
			i++;
		size_t l = i - a;
		on_arg(cm, k++, p + a, l < KEEP ? l : KEEP, l);
	}
	if (args) /* an empty line is no command (Redis ignores it) */
		request_done(s, d, c, 1);
	tt_buf_reset(&d->inl);
}

/* --- replies ------------------------------------------------------------------------------------ */

static const char *const sub_kinds[] = {"subscribe",   "psubscribe",   "ssubscribe",
					"unsubscribe", "punsubscribe", "sunsubscribe"};

static int sub_kind(const char *p, size_t n)
{
	for (size_t i = 0; i < 6; i++)
		if (eqi(p, n, sub_kinds[i]))
			return (int)i + 1;
	return 0;
}

static int msg_kind(const char *p, size_t n)
{
	return eqi(p, n, "message") ? 1 : eqi(p, n, "pmessage") ? 2 : eqi(p, n, "smessage") ? 3 : 0;
}

/* The first queued txn still waiting for its reply (as tt_pair_response() would pair), without
 * taking it. */
static struct tt_txn *head(struct redis *s)
{
	struct tt_pairq *pq = &s->pq;
	if (pq->skip_resp)
		return NULL;
	for (size_t i = 0; i < pq->n; i++)
		if (!pq->q[i]->resp.done)
			return pq->barrier && i >= pq->barrier_pos ? NULL : pq->q[i];
	return NULL;
}

/* Subscriptions waiting for more confirmations are over when another answer comes. */
static void close_subs(struct redis *s)
{
	struct tt_txn *t;
	while ((t = head(s)) && t->resp.seen && !t->resp.done)
		t->resp.done = 1;
}

static void set_val(struct tt_txn *t, struct rx *x, const char *p, size_t n, uint64_t total)
{
	tt_txn_set_str(t, &x->val, p, n);
	x->vbytes = total;
	x->vcut = total > n;
}

static void fill_reply(struct tt_txn *t, struct rdir *d)
{
	struct rx *x = X(t);
	x->rtype = d->top;
	x->null = (uint8_t)d->null;
	x->nerr = d->nerr;
	if (is_agg(d->top)) {
		x->items = d->top_n;
	} else if (d->top == '-' || d->top == '!') {
		tt_txn_set_str(t, &x->err, d->val, d->vl);
		t->outcome = TT_OUTCOME_ERROR;
	} else if (!d->null) {
		const char *p = d->val;
		size_t n = d->vl;
		uint64_t total = d->vtotal;
		if (d->top == '=' && n >= 4) { /* verbatim: "txt:" then the text */
			p += 4;
			n -= 4;
			total = total >= 4 ? total - 4 : 0;
		}
		set_val(t, x, p, n, total);
	}
	if (t->outcome == TT_OUTCOME_NONE)
		t->outcome = TT_OUTCOME_OK;
}

static void oneway(struct redis *s, struct rdir *d, const struct tt_chunk *c, int mk)
{
	struct tt_txn *t = txn_new(s, d->pid, d->tid);
	if (!t)
		return;
	struct rx *x = X(t);
	t->flags |= TT_TXN_ONEWAY;
	t->req.done = 1; /* no request: the one message is the server's */
	msg_fill(t, &t->resp, d, c->ts, 1);
	x->rtype = d->top;
	x->items = d->top_n;
	x->skipped = d->skipped;
	d->skipped = 0;
	t->outcome = TT_OUTCOME_OK;
	const struct el *e = d->el;
	if (d->top == '+') { /* MONITOR: the line of a command the server ran */
		tt_txn_set_str(t, &t->op, "monitor", 7);
		set_val(t, x, d->val, d->vl, d->vtotal);
		tt_pair_emit(&s->pq, t);
		return;
	}
	if (d->top_n && e[0].type)
		tt_txn_set_str(t, &t->op, e[0].b, e[0].len);
	else
		tt_txn_set_str(t, &t->op, "push", 4);
	/* message channel payload; pmessage pattern channel payload; smessage channel payload */
	size_t ch = mk == 2 ? 2 : 1, pl = ch + 1;
	if (d->top_n > ch && e[ch].type && !is_agg(e[ch].type)) {
		char b[200];
		size_t l = esc_arg(b, sizeof(b), e[ch].b, e[ch].len, e[ch].total > e[ch].len);
		if (mk == 2 && e[1].type) {
			char p2[100];
			size_t l2 = esc_arg(p2, sizeof(p2), e[1].b, e[1].len, e[1].total > e[1].len);
			if (l + l2 + 3 < sizeof(b)) {
				memcpy(b + l, " (", 2);
				memcpy(b + l + 2, p2, l2);
				b[l + l2 + 2] = ')';
				l += l2 + 3;
			}
		}
		tt_txn_set_str(t, &t->target, b, l);
	}
	if (mk && d->top_n == pl + 1 && pl < NEL && e[pl].type)
		set_val(t, x, e[pl].b, e[pl].len, e[pl].total);
	tt_pair_emit(&s->pq, t);
}

static void reply_done(struct redis *s, struct rdir *d, const struct tt_chunk *c)
{
	const struct el *e = d->el;
	int agg = (d->top == '*' || d->top == '>') && d->top_n && e[0].type && !is_agg(e[0].type);
	int sk = agg ? sub_kind(e[0].b, e[0].len) : 0;
	int mk = agg ? msg_kind(e[0].b, e[0].len) : 0;
	if (sk) {
		struct tt_txn *t;
		for (;;) {
			t = head(s);
			if (!t || !t->op || sub_kind(t->op, strlen(t->op)) != sk) {
				if (t && t->resp.seen && !t->resp.done) {
					t->resp.done = 1; /* another kind: that one is over */
					continue;
				}
				t = NULL;
			}
			break;
		}
		int64_t subs = 0;
		if (d->top_n >= 3 && e[2].type == ':')
			parse_i64(e[2].b, e[2].len, &subs);
		s->subscribed = subs > 0;
		if (t) {
			struct rx *x = X(t);
			if (!t->resp.seen) {
				msg_fill(t, &t->resp, d, c->ts, 1);
				fill_reply(t, d);
				t->resp.done = 0;
			} else {
				t->resp.ts_last = c->ts;
				t->resp.wire_bytes += d->wire;
				t->resp.body_bytes += d->wire;
				t->resp.body_truncated = 1;
			}
			x->confirms++;
			x->subs = subs;
			uint64_t want = x->nargs > 1 ? x->nargs - 1 : 0;
			if ((want && x->confirms >= want) || (!want && subs == 0))
				t->resp.done = 1;
			tt_pair_flush(&s->pq, NULL, NULL);
			return;
		}
		oneway(s, d, c, 0); /* a confirmation nobody asked for (recorded late) */
		return;
	}
	if (d->top == '>' || (mk && d->top == '*' && s->subscribed)) {
		oneway(s, d, c, mk);
		return;
	}
	if (s->monitor && d->top == '+' && !head(s)) { /* a command the server ran */
		oneway(s, d, c, 0);
		return;
	}
	close_subs(s);
	int skipped;
	struct tt_txn *t = tt_pair_response(&s->pq, &skipped);
	if (!t) {
		if (!(t = txn_new(s, d->pid, d->tid)))
			return;
		t->flags |= TT_TXN_NO_REQUEST;
		t->req.done = 1;
		if (tt_pair_request(&s->pq, t, 0, NULL, NULL) < 0) {
			tt_txn_free(t);
			return;
		}
	}
	X(t)->skipped += d->skipped;
	d->skipped = 0;
	msg_fill(t, &t->resp, d, c->ts, 1);
	fill_reply(t, d);
	if (t->op && !strcmp(t->op, "MONITOR") && d->top == '+')
		s->monitor = 1;
	tt_pair_flush(&s->pq, NULL, NULL);
}

/* --- framing ------------------------------------------------------------------------------------ */

static void dir_reset(struct rdir *d, int st)
{
	d->st = st;
	d->depth = d->attrs = 0;
	d->in_msg = 0;
	d->ll = 0;
	d->ltotal = 0;
	tt_buf_reset(&d->inl);
}

/* The direction cannot be parsed on: [invalid: why], then nothing more of it is read. */
static void invalid(struct redis *s, int dir, const struct tt_chunk *c, const char *why)
{
	struct rdir *d = &s->d[dir];
	uint64_t ts0 = d->in_msg ? d->ts0 : c->ts;
	struct tt_txn *t;
	if (dir == s->req_dir) {
		if (!(t = txn_new(s, c->pid, c->tid)))
			goto out;
		tt_txn_set_str(t, &t->op, s->cmd.opl ? s->cmd.op : "?", s->cmd.opl ? s->cmd.opl : 1);
		t->req.seen = t->req.done = 1;
		t->req.ts_first = ts0;
		t->req.ts_last = c->ts;
		t->req.pid = c->pid;
		t->req.tid = c->tid;
		t->req.wire_bytes = d->wire;
		t->flags |= TT_TXN_BROKEN;
		t->error = why;
		if (tt_pair_request(&s->pq, t, 0, NULL, NULL) < 0)
			tt_txn_free(t);
	} else {
		int skipped;
		close_subs(s);
		t = tt_pair_response(&s->pq, &skipped);
		if (!t) {
			if (!(t = txn_new(s, c->pid, c->tid)))
				goto out;
			t->flags |= TT_TXN_NO_REQUEST;
			t->req.done = 1;
			if (tt_pair_request(&s->pq, t, 0, NULL, NULL) < 0) {
				tt_txn_free(t);
				goto out;
			}
		}
		t->resp.seen = t->resp.done = 1;
		t->resp.ts_first = ts0;
		t->resp.ts_last = c->ts;
		t->resp.pid = c->pid;
		t->resp.tid = c->tid;
		t->resp.wire_bytes = d->wire;
		t->flags |= TT_TXN_BROKEN;
		t->error = why;
		tt_pair_responses_lost(&s->pq, c->ts, 0);
	}
	tt_pair_flush(&s->pq, NULL, NULL);
out:
	dir_reset(d, P_DEAD);
}

static void msg_start(struct rdir *d, const struct tt_chunk *c)
{
	d->in_msg = 1;
	d->gap = d->holes = 0;
	d->ts0 = c->ts;
	d->pid = c->pid;
	d->tid = c->tid;
	d->wire = 0;
	d->top = 0;
	d->top_n = 0;
	d->null = 0;
	d->nerr = 0;
	d->vl = 0;
	d->vtotal = 0;
	memset(d->el, 0, sizeof(d->el));
	tt_buf_reset(&d->body);
}

static void msg_done(struct redis *s, int dir, const struct tt_chunk *c)
{
	struct rdir *d = &s->d[dir];
	d->in_msg = 0;
	d->st = P_TYPE;
	if (dir == s->req_dir) {
		if (s->cmd.nargs)
			request_done(s, d, c, 0);
	} else {
		reply_done(s, d, c);
	}
}

/* An element (scalar or aggregate) ended; returns 1 when it ended the message. */
static int elem_done(struct rdir *d)
{
	for (;;) {
		if (d->depth == 0)
			return 1;
		struct lvl *l = &d->stk[d->depth - 1];
		if (--l->left)
			return 0;
		d->depth--;
		if (l->attr) { /* an attribute: the value it describes follows */
			d->attrs--;
			return 0;
		}
	}
}

/* A scalar at the current depth ended; its kept bytes are d->val. 0, or -1 (invalid: *why). */
static int scalar_done(struct redis *s, int dir, const struct tt_chunk *c, const char **why)
{
	struct rdir *d = &s->d[dir];
	int req = dir == s->req_dir;
	if (!d->attrs) {
		if (d->depth == 0) {
			if (req) {
				*why = "a command is an array of bulk strings";
				return -1;
			}
			d->top = d->vtype;
		} else if (d->depth == 1) {
			uint64_t i = d->stk[0].total - d->stk[0].left;
			if (req) {
				if (d->vtype != '$') {
					*why = "a command is an array of bulk strings";
					return -1;
				}
				on_arg(&s->cmd, i, d->val, d->vl, d->vtotal);
			} else {
				if (i < NEL) {
					struct el *e = &d->el[i];
					e->type = d->vtype;
					e->len = (uint8_t)(d->vl < sizeof(e->b) ? d->vl : sizeof(e->b));
					memcpy(e->b, d->val, e->len);
					e->total = d->vtotal;
				}
				if (d->vtype == '-' || d->vtype == '!')
					d->nerr++;
			}
		}
	}
	if (elem_done(d))
		msg_done(s, dir, c);
	return 0;
}

/* The header line of an element of type d->type is complete (without CRLF): line, n. */
static int header_done(struct redis *s, int dir, const struct tt_chunk *c, const char *line,
		       size_t n, const char **why)
{
	struct rdir *d = &s->d[dir];
	int req = dir == s->req_dir;
	uint8_t ty = d->type;
	int64_t v = 0;
	d->vtype = ty;
	if (strchr(":(,#_", ty)) {
		memcpy(d->val, line, n);
		d->vl = (uint32_t)n;
		d->vtotal = n;
	}
	switch (ty) {
	case '+':
	case '-':
		return scalar_done(s, dir, c, why); /* d->val holds the text */
	case ':':
	case '(':
		if (parse_i64(line, n, &v) && ty == ':') {
			*why = "an integer reply that is not a number";
			return -1;
		}
		return scalar_done(s, dir, c, why);
	case ',':
		for (size_t i = 0; i < n; i++)
			if (!strchr("0123456789.eE+-infatINFAT", line[i])) {
				*why = "a double reply that is not a number";
				return -1;
			}
		return scalar_done(s, dir, c, why);
	case '#':
		if (n != 1 || (line[0] != 't' && line[0] != 'f')) {
			*why = "a boolean reply that is not t or f";
			return -1;
		}
		return scalar_done(s, dir, c, why);
	case '_':
		if (n) {
			*why = "a null reply with a value";
			return -1;
		}
		if (d->depth == 0)
			d->null = 1;
		return scalar_done(s, dir, c, why);
	case '$':
	case '=':
	case '!':
		if (parse_i64(line, n, &v) || v < -1 || (v == -1 && ty != '$')) {
			*why = "a bulk length that is not a number";
			return -1;
		}
		if ((uint64_t)v > TT_REDIS_MAX_BULK && v > 0) {
			*why = "a bulk length over 4 GiB";
			return -1;
		}
		if (v == -1) {
			if (req) {
				*why = "a command is an array of bulk strings";
				return -1;
			}
			if (d->depth == 0)
				d->null = 1;
			return scalar_done(s, dir, c, why);
		}
		d->vl = 0;
		d->vtotal = (uint64_t)v;
		d->bulk_left = (uint64_t)v;
		d->crlf = 0;
		d->st = v ? P_BULK : P_BULK_END;
		return 0;
	default: /* an aggregate */
		if (parse_i64(line, n, &v) || v < -1 || (v == -1 && ty != '*')) {
			*why = "an aggregate length that is not a number";
			return -1;
		}
		if ((uint64_t)v > TT_REDIS_MAX_COUNT && v > 0) {
			*why = "an aggregate of more than 2^32 elements";
			return -1;
		}
		if (req && d->depth > 0) {
			*why = "a command is an array of bulk strings";
			return -1;
		}
		if (d->depth == 0 && !d->attrs && ty != '|') {
			d->top = ty;
			d->top_n = v < 0 ? 0 : (uint64_t)v;
			d->null = v < 0;
			if (req) {
				cmd_reset(&s->cmd);
				s->cmd.nargs = d->top_n;
			}
		}
		if (d->depth == 1 && !d->attrs && !req && ty != '|') {
			uint64_t i = d->stk[0].total - d->stk[0].left;
			if (i < NEL)
				d->el[i].type = ty;
		}
		uint64_t k = v < 0 ? 0 : (uint64_t)v * ((ty == '%' || ty == '|') ? 2 : 1);
		if (!k) {
			if (ty == '|')
				return 0; /* an empty attribute: the value follows */
			if (req && d->depth == 0) { /* *0 / *-1: Redis ignores it */
				d->in_msg = 0;
				d->st = P_TYPE;
				return 0;
			}
			if (elem_done(d))
				msg_done(s, dir, c);
			return 0;
		}
		if (d->depth == TT_REDIS_MAX_DEPTH) {
			*why = "aggregates nested deeper than 32";
			return -1;
		}
		struct lvl *l = &d->stk[d->depth++];
		l->left = l->total = k;
		l->attr = ty == '|';
		if (l->attr)
			d->attrs++;
		return 0;
	}
}

static void keep_body(struct redis *s, struct rdir *d, const uint8_t *p, size_t n)
{
	d->wire += n;
	if (!s->env->body_cap)
		return;
	size_t room = d->body.max - tt_buf_len(&d->body);
	if (room)
		tt_buf_append(&d->body, p, n < room ? n : room);
}

static void parse(struct redis *s, int dir, const struct tt_chunk *c, const uint8_t *p, size_t n)
{
	struct rdir *d = &s->d[dir];
	const char *why = NULL;
	while (n) {
		switch (d->st) {
		case P_DEAD:
		case P_SYNC:
			d->skipped += n;
			return;
		case P_TYPE: {
			uint8_t b = *p;
			if (!d->in_msg) {
				msg_start(d, c);
				if (dir == s->req_dir)
					cmd_reset(&s->cmd);
				if (dir == s->req_dir && b != '*') {
					d->st = P_INLINE;
					tt_buf_reset(&d->inl);
					continue;
				}
			}
			if (!type_byte(b)) {
				why = "a byte that starts no RESP type";
				goto bad;
			}
			d->type = b;
			d->lastb = 0;
			d->ll = 0;
			d->ltotal = 0;
			d->vl = 0;
			d->vtotal = 0;
			d->st = P_LINE;
			keep_body(s, d, p, 1);
			p++;
			n--;
			break;
		}
		case P_LINE: {
			const uint8_t *nl = memchr(p, '\n', n);
			size_t take = nl ? (size_t)(nl - p) + 1 : n;
			uint8_t before = take >= 2 ? p[take - 2] : d->lastb;
			d->lastb = p[take - 1];
			int text = d->type == '+' || d->type == '-';
			if (text) {
				size_t room = KEEP - d->vl;
				size_t k = take < room ? take : room;
				memcpy(d->val + d->vl, p, k);
				d->vl += (uint32_t)k;
			} else {
				size_t room = NUM_MAX - d->ll;
				size_t k = take < room ? take : room;
				memcpy(d->line + d->ll, p, k);
				d->ll += (uint32_t)k;
			}
			d->ltotal += take;
			keep_body(s, d, p, take);
			p += take;
			n -= take;
			if (!text && d->ltotal > NUM_MAX) {
				why = "a length or number longer than 40 bytes";
				goto bad;
			}
			if (d->ltotal > TT_REDIS_MAX_LINE && !(text && s->monitor)) {
				why = "a line longer than 64 KiB";
				goto bad;
			}
			if (!nl)
				break;
			/* strip CRLF (or a bare LF) from what was kept */
			uint64_t len = d->ltotal - 1;
			if (len && before == '\r')
				len--;
			if (text) {
				d->vtype = d->type;
				d->vtotal = len;
				if (d->vl > len)
					d->vl = (uint32_t)len;
				d->st = P_TYPE;
				if (scalar_done(s, dir, c, &why) < 0)
					goto bad;
			} else {
				d->st = P_TYPE;
				if (header_done(s, dir, c, d->line, (size_t)len, &why) < 0)
					goto bad;
			}
			break;
		}
		case P_BULK: {
			size_t take = n < d->bulk_left ? n : (size_t)d->bulk_left;
			if (d->vl < KEEP) {
				size_t room = KEEP - d->vl;
				size_t k = take < room ? take : room;
				memcpy(d->val + d->vl, p, k);
				d->vl += (uint32_t)k;
			}
			keep_body(s, d, p, take);
			d->bulk_left -= take;
			p += take;
			n -= take;
			if (!d->bulk_left)
				d->st = P_BULK_END;
			break;
		}
		case P_BULK_END: {
			uint8_t want = d->crlf ? '\n' : '\r';
			if (*p != want) {
				why = "a bulk string not followed by CRLF";
				goto bad;
			}
			keep_body(s, d, p, 1);
			p++;
			n--;
			if (++d->crlf == 2) {
				d->st = P_TYPE;
				if (scalar_done(s, dir, c, &why) < 0)
					goto bad;
			}
			break;
		}
		case P_INLINE: {
			const uint8_t *nl = memchr(p, '\n', n);
			size_t take = nl ? (size_t)(nl - p) + 1 : n;
			keep_body(s, d, p, take);
			if (tt_buf_append(&d->inl, p, take) < 0) {
				why = "an inline command longer than 64 KiB";
				goto bad;
			}
			p += take;
			n -= take;
			if (nl) {
				d->in_msg = 0;
				d->st = P_TYPE;
				inline_done(s, d, c);
			}
			break;
		}
		}
	}
	return;
bad:
	invalid(s, dir, c, why);
	d->skipped += n;
}

/* A read or write that may start a message after lost bytes. */
static int sync_ok(struct redis *s, int dir, uint8_t b)
{
	if (dir == s->req_dir) /* not an inline command: any text would look like one */
		return b == '*';
	return type_byte(b);
}

static void lost(struct redis *s, int dir, const struct tt_chunk *c)
{
	struct rdir *d = &s->d[dir];
	if (d->st == P_DEAD)
		return;
	if (dir == s->req_dir)
		tt_pair_requests_lost(&s->pq);
	else
		tt_pair_responses_lost(&s->pq, c->ts, 1);
	if (c->len != TT_LEN_UNKNOWN)
		d->skipped += c->len;
	dir_reset(d, P_SYNC);
	tt_pair_flush(&s->pq, NULL, NULL);
}

/* --- the protocol's hooks ----------------------------------------------------------------------- */

static void *redis_open(struct tt_proto_env *env, const struct tt_conn_info *ci,
			const struct tt_handover *from)
{
	struct redis *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->env = env;
	s->ci = ci;
	tt_pair_init(&s->pq, env, TT_REDIS_QUEUE);
	s->req_dir = tt_proto_client_dir(ci, from);
	int late = ci->origin == TT_ORIGIN_FIRST_DATA || ci->origin == TT_ORIGIN_UNKNOWN;
	for (int i = 0; i < 2; i++) {
		tt_buf_init(&s->d[i].body, env->body_cap);
		tt_buf_init(&s->d[i].inl, TT_REDIS_MAX_LINE);
		s->d[i].st = late ? P_SYNC : P_TYPE;
	}
	cmd_reset(&s->cmd);
	return s;
}

static void redis_feed(void *sess, const struct tt_chunk *c)
{
	struct redis *s = sess;
	int dir = c->dir & 1;
	struct rdir *d = &s->d[dir];
	if (c->gap || !c->data) {
		if ((d->st == P_BULK || d->st == P_BULK_END) &&
		    c->len <= d->bulk_left + 2u - d->crlf) {
			/* bytes of a bulk string (and its CRLF) that were not captured (the
			 * recorder's per-call cap) or lost, of a known size: counted, and the stream
			 * is still in step */
			uint64_t take = c->len < d->bulk_left ? c->len : d->bulk_left;
			d->bulk_left -= take;
			d->wire += c->len;
			if (c->gap)
				d->gap = 1;
			else
				d->holes = 1;
			if (d->bulk_left)
				return;
			d->st = P_BULK_END;
			d->crlf = (uint8_t)(d->crlf + (c->len - take));
			if (d->crlf == 2) {
				const char *why = NULL;
				d->st = P_TYPE;
				if (scalar_done(s, dir, c, &why) < 0)
					invalid(s, dir, c, why);
			}
			return;
		}
		lost(s, dir, c);
		return;
	}
	if (!c->len)
		return;
	if (s->req_dir < 0) /* the client speaks first: arrays of bulk strings or inline lines */
		s->req_dir = c->data[0] == '*' || !type_byte(c->data[0]) ? dir : dir ^ 1;
	if (d->st == P_SYNC) {
		if (!sync_ok(s, dir, c->data[0])) {
			d->skipped += c->len;
			return;
		}
		d->st = P_TYPE;
	}
	parse(s, dir, c, c->data, (size_t)c->len);
}

static void redis_close(void *sess, uint64_t ts, int evicted)
{
	struct redis *s = sess;
	struct rdir *d = s->req_dir < 0 ? NULL : &s->d[s->req_dir ^ 1];
	struct tt_txn *t = d && d->in_msg && d->st != P_DEAD ? head(s) : NULL;
	if (t && !t->resp.seen) { /* the reply being parsed is cut by the close */
		t->resp.seen = 1;
		t->resp.ts_first = d->ts0;
		t->resp.ts_last = ts;
		t->resp.pid = d->pid;
		t->resp.tid = d->tid;
		t->resp.wire_bytes = d->wire;
		X(t)->rtype = d->top;
		X(t)->cut = 1;
		t->flags |= TT_TXN_BROKEN;
		t->error = "the connection closed inside the reply";
	}
	tt_pair_end(&s->pq, evicted);
	tt_pair_fini(&s->pq);
	for (int i = 0; i < 2; i++) {
		tt_buf_free(&s->d[i].body);
		tt_buf_free(&s->d[i].inl);
	}
	free(s);
}

/* --- detection ---------------------------------------------------------------------------------- */

/* `*N\r\n$L\r\nNAME` with NAME a command-like word: 1, 0 no, -1 more bytes needed. */
static int looks_command(const uint8_t *p, size_t n)
{
	size_t i = 1;
	if (!n)
		return -1;
	if (p[0] != '*')
		return 0;
	uint64_t cnt = 0, len = 0;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		if ((cnt = cnt * 10 + (p[i] - '0')) > 1u << 20)
			return 0;
	if (i == n)
		return i < 9 ? -1 : 0;
	if (i == 1 || !cnt || p[i] != '\r')
		return 0;
	const char *want = "\r\n$";
	for (int k = 0; k < 3; k++, i++) {
		if (i == n)
			return -1;
		if (p[i] != (uint8_t)want[k])
			return 0;
	}
	size_t d0 = i;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		if ((len = len * 10 + (p[i] - '0')) > 64)
			return 0;
	if (i == n)
		return -1;
	if (i == d0 || !len || p[i] != '\r')
		return 0;
	if (++i == n)
		return -1;
	if (p[i++] != '\n')
		return 0;
	for (size_t k = 0; k < len; k++, i++) {
		if (i == n)
			return -1;
		uint8_t b = p[i];
		if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '_' || b == '-' ||
		      b == '|' || b == '.' || (k && b >= '0' && b <= '9')))
			return 0;
	}
	return 1;
}

static const char *const inline_words[] = {
    "PING", "AUTH",  "HELLO",	"SET",	 "GET",	    "INFO",    "QUIT",	   "ECHO",
    "SELECT", "DEL", "EXISTS", "KEYS", "INCR",	    "MONITOR", "SUBSCRIBE", "PUBLISH",
    "CONFIG", "CLIENT", "COMMAND", "FLUSHALL", "FLUSHDB", "DBSIZE", "TYPE", "TTL",
    "EXPIRE", "LPUSH", "RPUSH", "LRANGE", "HGET", "HSET", "HGETALL", "SCAN", "MULTI", "EXEC",
};

/* An inline command: a known command word, then a line ending in CRLF (not HTTP). */
static int looks_inline(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && i < 12 && ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z')))
		i++;
	if (i == n)
		return n < 12 ? -1 : 0;
	if (!i || (p[i] != ' ' && p[i] != '\r'))
		return 0;
	int known = 0;
	for (size_t k = 0; k < sizeof(inline_words) / sizeof(inline_words[0]); k++)
		known |= eqi((const char *)p, i, inline_words[k]);
	if (!known)
		return 0;
	const uint8_t *nl = memchr(p, '\n', n < 1024 ? n : 1024);
	if (!nl)
		return n < 1024 ? -1 : 0;
	size_t l = (size_t)(nl - p);
	if (!l || p[l - 1] != '\r')
		return 0;
	for (size_t k = 0; k + 6 <= l; k++)
		if (!memcmp(p + k, " HTTP/", 6))
			return 0;
	return 1;
}

/* A reply: a type byte, then a line. */
static int looks_reply(const uint8_t *p, size_t n)
{
	if (!n)
		return -1;
	if (!type_byte(p[0]) || p[0] == '|')
		return p[0] == '|' ? 1 : 0;
	const uint8_t *nl = memchr(p, '\n', n < 512 ? n : 512);
	if (!nl)
		return n < 512 ? -1 : 0;
	return nl > p + 1 && nl[-1] == '\r' ? 1 : (p[0] == '_' && nl == p + 2) ? 1 : 0;
}

static int redis_detect(const struct tt_detect *dt)
{
	int port = dt->ci && (dt->ci->local.port == 6379 || dt->ci->remote.port == 6379);
	int more = 0;
	for (int i = 0; i < 2; i++) {
		if (!dt->len[i])
			continue;
		const uint8_t *o = dt->buf[i ^ 1];
		size_t on = dt->len[i ^ 1];
		int r = looks_command(dt->buf[i], dt->len[i]);
		if (r > 0) {
			int a = on ? looks_reply(o, on) : -1;
			if (a == 0 && on && o[0] != '*')
				return TT_DETECT_NO; /* the other side is not answering RESP */
			return a > 0 ? 85 : 70;
		}
		if (r < 0)
			more = 1;
		int in = looks_inline(dt->buf[i], dt->len[i]);
		if (in > 0) {
			int a = on ? looks_reply(o, on) : -1;
			if (a > 0)
				return 65;
			if (a < 0)
				more = 1;
			else if (port)
				return 20;
		} else if (in < 0) {
			more = 1;
		}
	}
	if (port) { /* the default port: weak, from what either side sent */
		for (int i = 0; i < 2; i++)
			if (dt->len[i] && looks_reply(dt->buf[i], dt->len[i]) > 0)
				return 25;
		if (dt->len[0] || dt->len[1])
			return more ? TT_DETECT_MORE : 5;
	}
	return more ? TT_DETECT_MORE : TT_DETECT_NO;
}

/* --- what the line says ------------------------------------------------------------------------- */

static void desc_plural(struct tt_desc *d, uint64_t n, const char *one, const char *many)
{
	tt_desc_u64(d, n);
	tt_desc_adds(d, n == 1 ? one : many);
}

static void desc_val(struct tt_desc *d, const struct rx *x)
{
	size_t n = x->val ? strlen(x->val) : 0;
	int cut = x->vcut || n > VAL_SHOW;
	tt_desc_adds(d, "\"");
	tt_desc_add(d, x->val ? x->val : "", n < VAL_SHOW ? n : VAL_SHOW);
	if (cut)
		tt_desc_adds(d, "\xe2\x80\xa6");
	tt_desc_adds(d, "\" ");
	desc_plural(d, x->vbytes, " byte", " bytes");
}

static const char *type_name(uint8_t t, int null)
{
	if (null)
		return "null";
	switch (t) {
	case '+':
		return "simple_string";
	case '-':
		return "error";
	case ':':
		return "integer";
	case '$':
		return "bulk_string";
	case '*':
		return "array";
	case '_':
		return "null";
	case ',':
		return "double";
	case '#':
		return "boolean";
	case '(':
		return "big_number";
	case '!':
		return "blob_error";
	case '=':
		return "verbatim_string";
	case '%':
		return "map";
	case '~':
		return "set";
	case '>':
		return "push";
	}
	return NULL;
}

static void redis_describe(const struct tt_txn *t, struct tt_desc *d)
{
	const struct rx *x = XC(t);
	if (t->flags & TT_TXN_ONEWAY) {
		if (x->rtype == '+') { /* a MONITOR line */
			size_t n = x->val ? strlen(x->val) : 0;
			tt_desc_add(d, x->val ? x->val : "", n);
			if (x->vcut)
				tt_desc_adds(d, "\xe2\x80\xa6");
			return;
		}
		if (t->target) {
			tt_desc_adds(d, t->target);
			if (x->val)
				tt_desc_adds(d, " ");
		}
		if (x->val)
			desc_val(d, x);
		else if (!t->target)
			desc_plural(d, x->items, " item", " items");
		return;
	}
	if (!t->resp.seen)
		return;
	if (x->cut) {
		d->tone = TT_TONE_ERROR;
		tt_desc_adds(d, "reply cut: ");
		d->tone_len = d->len;
		desc_plural(d, t->resp.wire_bytes, " byte", " bytes");
		return;
	}
	d->tone = TT_TONE_OK;
	if (x->null) {
		tt_desc_adds(d, "(nil)");
		d->tone_len = d->len;
		return;
	}
	switch (x->rtype) {
	case '+':
		tt_desc_add(d, x->val ? x->val : "", x->val ? strlen(x->val) : 0);
		d->tone_len = d->len;
		break;
	case '-':
	case '!': {
		const char *e = x->err ? x->err : "";
		d->tone = TT_TONE_ERROR;
		size_t w = strcspn(e, " ");
		tt_desc_adds(d, e);
		d->tone_len = w ? w : d->len;
		break;
	}
	case ':':
		tt_desc_adds(d, "(integer) ");
		tt_desc_adds(d, x->val ? x->val : "");
		break;
	case ',':
		tt_desc_adds(d, "(double) ");
		tt_desc_adds(d, x->val ? x->val : "");
		break;
	case '(':
		tt_desc_adds(d, "(big number) ");
		tt_desc_adds(d, x->val ? x->val : "");
		break;
	case '#':
		tt_desc_adds(d, x->val && x->val[0] == 't' ? "(true)" : "(false)");
		break;
	case '$':
	case '=':
		desc_val(d, x);
		break;
	case '>':
	case '*':
		if (x->confirms) { /* (un)subscribe: the subscriptions the server counts after it */
			tt_desc_adds(d, t->op && strstr(t->op, "UNSUB") ? "unsubscribed, "
									: "subscribed, ");
			desc_plural(d, (uint64_t)(x->subs < 0 ? 0 : x->subs), " subscription",
				    " subscriptions");
			d->tone_len = d->len;
			break;
		}
		desc_plural(d, x->items, " item", " items");
		break;
	case '%':
		desc_plural(d, x->items, " entry", " entries");
		break;
	case '~':
		desc_plural(d, x->items, " member", " members");
		break;
	default: /* the reply did not parse: [invalid: why] follows */
		d->tone = TT_TONE_ERROR;
		tt_desc_adds(d, "unparsable reply");
		d->tone_len = d->len;
		break;
	}
	if (x->nerr && is_agg(x->rtype)) {
		tt_desc_adds(d, " (");
		desc_plural(d, x->nerr, " error)", " errors)");
	}
}

static size_t redis_line(const struct tt_txn *t, enum tt_line which, char *buf, size_t n)
{
	const struct rx *x = XC(t);
	int w = 0;
	if (which == TT_LINE_REQ && t->req.seen) {
		w = snprintf(buf, n, "%s%s", t->target ? t->target : (t->op ? t->op : "?"),
			     x->is_inline ? " (inline)" : "");
	} else if (which == TT_LINE_RESP && t->resp.seen) {
		struct tt_desc d;
		memset(&d, 0, sizeof(d));
		redis_describe(t, &d);
		const char *tn = type_name(x->rtype, x->null);
		w = snprintf(buf, n, "%s %s", tn ? tn : "reply", d.text);
	}
	return w < 0 ? 0 : (size_t)w < n ? (size_t)w : n - 1;
}

/* -vv: the kept RESP bytes of a message, one value a line, nested ones indented. */
static void redis_body(const struct tt_txn *t, const struct tt_msg *m, struct tt_wb *w,
		       const char *pfx, size_t cap)
{
	const uint8_t *p = m->body;
	size_t n = m->body_len, i = 0, lines = 0, shown = 0;
	uint64_t left[TT_REDIS_MAX_DEPTH + 1];
	int depth = 0, cut = m->body_truncated;
	if (m == &t->req && XC(t)->secret) {
		tt_wb_printf(w, "%s[not kept: the command carries a password]\n", pfx);
		return;
	}
	if (m == &t->req && XC(t)->is_inline) {
		tt_wb_s(w, pfx);
		tt_wb_safe(w, (const char *)p, n < cap ? n : cap);
		tt_wb_c(w, '\n');
		return;
	}
	while (i < n && lines < RENDER_LINES && shown < cap) {
		uint8_t ty = p[i];
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		if (!nl || !type_byte(ty))
			break;
		size_t ll = (size_t)(nl - (p + i)) - 1;
		if (ll && p[i + ll] == '\r')
			ll--;
		const char *line = (const char *)p + i + 1;
		size_t next = (size_t)(nl - p) + 1;
		int64_t v = 0;
		int agg = 0;
		tt_wb_s(w, pfx);
		for (int k = 0; k < depth; k++)
			tt_wb_lit(w, "  ");
		lines++;
		if (ty == '$' || ty == '=' || ty == '!') {
			if (parse_i64(line, ll, &v) || v < -1)
				break;
			if (v < 0) {
				tt_wb_lit(w, "(nil)\n");
			} else {
				size_t have = n - next < (uint64_t)v ? n - next : (size_t)v;
				size_t sh = have < cap - shown ? have : cap - shown;
				tt_wb_c(w, '"');
				tt_wb_safe(w, (const char *)p + next, sh);
				tt_wb_c(w, '"');
				shown += sh;
				if (sh < (uint64_t)v)
					tt_wb_printf(w, "\xe2\x80\xa6 (%lld bytes)", (long long)v);
				tt_wb_c(w, '\n');
				if (have < (uint64_t)v) {
					cut = 1;
					i = n;
					break;
				}
				next += (size_t)v + 2;
			}
		} else if (is_agg(ty)) {
			if (parse_i64(line, ll, &v) || v < -1)
				break;
			const char *nm = ty == '|' ? "attribute" : type_name(ty, 0);
			tt_wb_printf(w, "(%s) %lld\n", nm, (long long)v);
			if (v > 0 && depth < TT_REDIS_MAX_DEPTH) {
				left[depth++] = (uint64_t)v * ((ty == '%' || ty == '|') ? 2 : 1);
				agg = 1;
			}
		} else {
			tt_wb_printf(w, "(%s) ", type_name(ty, 0));
			tt_wb_safe(w, line, ll);
			tt_wb_c(w, '\n');
		}
		i = next;
		if (!agg)
			while (depth && !--left[depth - 1])
				depth--;
	}
	if (cut || i < n)
		tt_wb_printf(w, "%s[\xe2\x80\xa6 %llu bytes in all]\n", pfx,
			     (unsigned long long)m->body_bytes);
}

/* --- fields ------------------------------------------------------------------------------------- */

static int str_field(const char *s, struct tt_val *v)
{
	if (!s)
		return 0;
	v->s = s;
	v->len = strlen(s);
	return 1;
}

static int get_key(const struct tt_txn *t, struct tt_val *v)
{
	return str_field(XC(t)->key, v);
}

static int get_args(const struct tt_txn *t, struct tt_val *v)
{
	if (!t->req.seen || !XC(t)->nargs)
		return 0;
	v->i = (int64_t)XC(t)->nargs;
	return 1;
}

static int get_type(const struct tt_txn *t, struct tt_val *v)
{
	const char *n = type_name(XC(t)->rtype, XC(t)->null);
	return n ? str_field(n, v) : 0;
}

static int get_items(const struct tt_txn *t, struct tt_val *v)
{
	const struct rx *x = XC(t);
	if (!is_agg(x->rtype) || x->null)
		return 0;
	v->i = (int64_t)x->items;
	return 1;
}

static int get_value(const struct tt_txn *t, struct tt_val *v)
{
	return str_field(XC(t)->val, v);
}

static int get_vbytes(const struct tt_txn *t, struct tt_val *v)
{
	const struct rx *x = XC(t);
	if (!x->val)
		return 0;
	v->i = (int64_t)x->vbytes;
	return 1;
}

static int get_error(const struct tt_txn *t, struct tt_val *v)
{
	return str_field(XC(t)->err, v);
}

static int get_inline(const struct tt_txn *t, struct tt_val *v)
{
	if (!XC(t)->is_inline)
		return 0;
	v->i = 1;
	return 1;
}

static int get_skipped(const struct tt_txn *t, struct tt_val *v)
{
	if (!XC(t)->skipped)
		return 0;
	v->i = (int64_t)XC(t)->skipped;
	return 1;
}

static int get_subs(const struct tt_txn *t, struct tt_val *v)
{
	if (!XC(t)->confirms)
		return 0;
	v->i = XC(t)->subs;
	return 1;
}

static void redis_release(struct tt_txn *t)
{
	struct rx *x = X(t);
	tt_txn_free_str(t, x->key);
	tt_txn_free_str(t, x->val);
	tt_txn_free_str(t, x->err);
}

static const struct tt_field redis_fields[] = {
    {"key", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "the command's first key (cut)", get_key},
    {"args", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "elements of the command, its name included",
     get_args},
    {"inline", TT_FT_BOOL, TT_FJ_HEAD, TT_FJ_OMIT, "an inline command (a typed line)", get_inline},
    {"reply_type", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL,
     "RESP type of the reply (simple_string, error, integer, bulk_string, array, map, push...)",
     get_type},
    {"reply_items", TT_FT_INT, TT_FJ_HEAD, TT_FJ_OMIT, "elements of an aggregate reply (map: pairs)",
     get_items},
    {"value", TT_FT_STR, TT_FJ_HEAD, TT_FJ_OMIT,
     "a scalar reply's value or a message's payload (cut)", get_value},
    {"value_bytes", TT_FT_INT, TT_FJ_HEAD, TT_FJ_OMIT, "bytes of that value", get_vbytes},
    {"subscriptions", TT_FT_INT, TT_FJ_HEAD, TT_FJ_OMIT,
     "subscriptions after the last (un)subscribe confirmation", get_subs},
    {"redis_error", TT_FT_STR, TT_FJ_TAIL, TT_FJ_NULL, "the error reply's text", get_error},
    {"skipped_bytes", TT_FT_INT, TT_FJ_TAIL, TT_FJ_OMIT,
     "bytes not parsed before it (lost bytes, resynchronising)", get_skipped},
};

const struct tt_proto tt_redis_proto = {
    .name = "redis",
    .aliases = "resp",
    .tag = "redis",
    .flags = TT_PROTO_OP_IN_TARGET,
    .detect = redis_detect,
    .open = redis_open,
    .feed = redis_feed,
    .close = redis_close,
    .describe = redis_describe,
    .line = redis_line,
    .fields = redis_fields,
    .nfields = sizeof(redis_fields) / sizeof(redis_fields[0]),
    .release = redis_release,
    .body = redis_body,
};
