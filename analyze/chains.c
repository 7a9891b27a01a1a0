// SPDX-License-Identifier: MIT
#include "analyze/chains.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/map64.h"

#define RING	    65536u /* recent client spans kept, and recent server spans */
#define THREAD_WALK 32	   /* server spans of one thread looked at, newest first */
#define ID_WALK	    32	   /* server spans of one process with one id looked at */

enum id_kind { ID_TRACEPARENT = 0, ID_B3, ID_REQUEST, ID_KINDS };
static const char *const id_rule[ID_KINDS] = {"traceparent", "b3", "request-id"};

/* What a recent span needs to be found and to pass its trace on. */
struct span {
	uint64_t span_id;
	uint8_t trace_id[16];
	uint64_t pid;		    /* with its source: proc_of() */
	uint32_t tid;
	uint64_t start, end;	    /* client: its whole time; server: [request read, response] */
	uint64_t sock, ordinal;	    /* client spans: the n-th request of its socket */
	uint64_t ids[ID_KINDS];	    /* hashes of the ids it carried (0: none) */
	uint32_t prev_thread;	    /* server ring: the previous span of the same thread + 1 */
	uint32_t prev_id[ID_KINDS]; /* server ring: the previous span of the same pid and id + 1 */
	uint64_t key;		    /* its key in the map that points at it */
	uint64_t tp_key;	    /* client ring: hash of the traceparent it sent */
	uint64_t gen;		    /* when it was kept (a ring counter): a chain only goes back */
	int used, by_thread;
};

struct tt_chains {
	struct span *cli, *srv; /* rings of RING */
	uint64_t ncli, nsrv;	/* spans kept so far: the next slot is this mod RING */
	struct tt_map64 cli_by_conn;  /* hash(sock, ordinal) -> client slot + 1 */
	struct tt_map64 cli_by_tp;    /* hash(traceparent) -> client slot + 1 */
	struct tt_map64 srv_by_thread; /* (pid << 32 | tid) -> newest server slot + 1 */
	struct tt_map64 srv_by_id;     /* hash(kind, pid, id) -> newest server slot + 1 */
	struct tt_map64 ordinals;      /* sock -> requests seen on it */
};

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
	h ^= 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return mix(h) | 1;
}

struct tt_chains *tt_chains_new(void)
{
	struct tt_chains *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cli = calloc(RING, sizeof(*c->cli));
	c->srv = calloc(RING, sizeof(*c->srv));
	if (!c->cli || !c->srv) {
		tt_chains_free(c);
		errno = ENOMEM;
		return NULL;
	}
	tt_map64_init(&c->cli_by_conn, RING);
	tt_map64_init(&c->cli_by_tp, RING);
	tt_map64_init(&c->srv_by_thread, RING);
	tt_map64_init(&c->srv_by_id, RING * ID_KINDS);
	tt_map64_init(&c->ordinals, 4 * RING);
	return c;
}

void tt_chains_free(struct tt_chains *c)
{
	if (!c)
		return;
	free(c->cli);
	free(c->srv);
	tt_map64_free(&c->cli_by_conn);
	tt_map64_free(&c->cli_by_tp);
	tt_map64_free(&c->srv_by_thread);
	tt_map64_free(&c->srv_by_id);
	tt_map64_free(&c->ordinals);
	free(c);
}

/* Two hex digits per byte value (JSON lines print two ids per transaction). */
static const char hex2[256][2] = {
#define H(n) {"0123456789abcdef"[(n) >> 4], "0123456789abcdef"[(n) & 15]}
#define H4(n) H(n), H(n + 1), H(n + 2), H(n + 3)
#define H16(n) H4(n), H4(n + 4), H4(n + 8), H4(n + 12)
    H16(0),   H16(16),  H16(32),  H16(48),  H16(64),  H16(80),  H16(96),  H16(112),
    H16(128), H16(144), H16(160), H16(176), H16(192), H16(208), H16(224), H16(240),
#undef H16
#undef H4
#undef H
};

void tt_chains_trace_hex(const uint8_t id[16], char out[33])
{
	for (int i = 0; i < 16; i++)
		memcpy(out + 2 * i, hex2[id[i]], 2);
	out[32] = 0;
}

void tt_chains_span_hex(uint64_t id, char out[17])
{
	for (int i = 7; i >= 0; i--, id >>= 8)
		memcpy(out + 2 * i, hex2[id & 0xff], 2);
	out[16] = 0;
}

/* n hex digits at s into out (n/2 bytes, right-aligned in len bytes); 0 when not hex or all
 * zero (an invalid id). */
static int parse_hex(const char *s, size_t n, uint8_t *out, size_t len)
{
	memset(out, 0, len);
	int nonzero = 0;
	for (size_t i = 0; i < n; i++) {
		int v = isdigit((unsigned char)s[i])	    ? s[i] - '0'
			: isxdigit((unsigned char)s[i]) ? (tolower((unsigned char)s[i]) - 'a' + 10)
							: -1;
		if (v < 0)
			return 0;
		nonzero |= v;
		size_t byte = len - n / 2 + i / 2;
		out[byte] = (uint8_t)(out[byte] | (i % 2 ? v : v << 4));
	}
	return nonzero != 0;
}

/* The ids a transaction's request carries: hashes for matching, and a trace id to pass on. */
struct ids {
	uint64_t h[ID_KINDS];
	uint64_t tp_full; /* hash of the whole traceparent value */
	uint8_t trace[16];
	int have_trace;
};

/* The id headers of a request, in one pass over its headers (most have none of them). */
static void id_headers(const struct tt_msg *m, const char **tp, const char **b3id, const char **b3,
		       const char **rid)
{
	*tp = *b3id = *b3 = *rid = NULL;
	for (uint32_t i = 0; i < m->n_headers; i++) {
		const char *n = m->headers[i].name, *v = m->headers[i].value;
		char c = (char)tolower((unsigned char)n[0]);
		if (c != 't' && c != 'x' && c != 'b')
			continue;
		size_t l = strlen(n);
		if (l == 11 && !*tp && !strcasecmp(n, "traceparent"))
			*tp = v;
		else if (l == 12 && !*b3id && !strcasecmp(n, "X-B3-TraceId"))
			*b3id = v;
		else if (l == 2 && !*b3 && !strcasecmp(n, "b3"))
			*b3 = v;
		else if (l == 12 && !*rid && !strcasecmp(n, "X-Request-Id"))
			*rid = v;
		else if (l == 16 && !*rid && !strcasecmp(n, "X-Correlation-Id"))
			*rid = v;
	}
}

static void find_ids(const struct tt_txn *t, struct ids *x)
{
	const char *tp, *b3, *b3single, *rid;
	memset(x, 0, sizeof(*x));
	id_headers(&t->req, &tp, &b3, &b3single, &rid);
	/* version "00": 2-32-16-2 hex digits */
	if (tp && strlen(tp) >= 55 && tp[2] == '-' && tp[35] == '-' && tp[52] == '-' &&
	    parse_hex(tp + 3, 32, x->trace, 16)) {
		x->have_trace = 1;
		x->h[ID_TRACEPARENT] = hash_bytes(1, tp + 3, 32);
		x->tp_full = hash_bytes(2, tp, 55);
	}
	size_t b3n = b3 ? strlen(b3) : 0;
	if (!b3 && (b3 = b3single))
		b3n = strcspn(b3, "-");
	uint8_t bt[16];
	if (b3 && (b3n == 16 || b3n == 32) && parse_hex(b3, b3n, bt, 16)) {
		x->h[ID_B3] = hash_bytes(3, b3, b3n);
		if (!x->have_trace) {
			memcpy(x->trace, bt, 16);
			x->have_trace = 1;
		}
	}
	if (rid && *rid)
		x->h[ID_REQUEST] = hash_bytes(4, rid, strlen(rid));
}

/* Sockets and processes of several merged recordings (analyze/input.h) are told apart by their
 * source. */
static uint64_t sock_of(const struct tt_txn *t, uint64_t sock)
{
	return sock ^ (uint64_t)t->src << 56;
}

static uint64_t proc_of(const struct tt_txn *t)
{
	return (uint64_t)t->pid | (uint64_t)t->src << 32;
}

static uint64_t span_id_of(const struct tt_txn *t)
{
	uint64_t h = mix(sock_of(t, t->sock_id) * 0x9e3779b97f4a7c15ull ^ tt_txn_start(t)) ^
		     mix(t->side + 7);
	return h ? h : 1;
}

static int has_request(const struct tt_txn *t)
{
	return t->req.seen && !(t->flags & TT_TXN_NO_REQUEST);
}

static uint64_t next_ordinal(struct tt_chains *c, uint64_t sock)
{
	uint64_t n = 0;
	tt_map64_get(&c->ordinals, sock, &n);
	if (tt_map64_put(&c->ordinals, sock, n + 1) < 0) { /* full: start again */
		tt_map64_clear(&c->ordinals);
		tt_map64_put(&c->ordinals, sock, n + 1);
	}
	return n;
}

static void set_parent(struct tt_txn *t, const struct span *p, const char *rule)
{
	t->parent_span_id = p->span_id;
	memcpy(t->trace_id, p->trace_id, 16);
	t->link_rule = rule;
}

/* connection: the client's transaction of this request, at the other end of the socket. */
static const struct span *by_connection(struct tt_chains *c, const struct tt_txn *t,
					uint64_t ordinal)
{
	uint64_t v;
	uint64_t peer = t->peer_sock_id ^ (uint64_t)t->peer_src << 56; /* maybe another host's */
	if (!t->peer_sock_id || !tt_map64_get(&c->cli_by_conn, mix(peer * 31 + ordinal), &v))
		return NULL;
	const struct span *s = &c->cli[(v - 1) % RING];
	/* the same request: the server read it after the client began to send it, and answered
	 * before the client had the answer */
	if (!s->used || s->sock != peer || s->ordinal != ordinal ||
	    s->start > t->req.ts_first || (t->resp.seen && s->end && t->resp.ts_last > s->end))
		return NULL;
	return s;
}

/* The window of a server span: from reading the request to writing the response. */
static int contains(const struct span *s, uint64_t start, uint64_t end)
{
	return s->start <= start && (!s->end || end <= s->end);
}

/* thread: the one request this thread was serving when it made the call. *ambiguous when more
 * than one was open. */
static const struct span *by_thread(struct tt_chains *c, const struct tt_txn *t, uint64_t end,
				    int *ambiguous)
{
	uint64_t v;
	const struct span *found = NULL;
	*ambiguous = 0;
	if (!tt_map64_get(&c->srv_by_thread, mix(proc_of(t) * 31 + t->req.tid), &v))
		return NULL;
	uint64_t gen = UINT64_MAX;
	for (int k = 0; v && k < THREAD_WALK; k++) {
		const struct span *s = &c->srv[(v - 1) % RING];
		if (!s->used || s->gen >= gen || s->pid != proc_of(t) || s->tid != t->req.tid)
			break; /* the ring moved on: an older span of the thread is gone */
		gen = s->gen;
		if (contains(s, t->req.ts_first, end)) {
			if (found) {
				*ambiguous = 1;
				return NULL;
			}
			found = s;
		} else if (s->start < end && (!s->end || s->end > t->req.ts_first)) {
			/* a call that outlives one request of its thread and runs inside another: a
			 * blocking worker cannot do that, an event loop can; it may be for either */
			*ambiguous = 1;
			return NULL;
		}
		v = s->prev_thread;
	}
	return found;
}

/* ids: the one open request of this process that carries the same id. */
static const struct span *by_id(struct tt_chains *c, const struct tt_txn *t, uint64_t end,
				const struct ids *x, const char **rule)
{
	for (int k = 0; k < ID_KINDS; k++) {
		uint64_t v;
		if (!x->h[k] ||
		    !tt_map64_get(&c->srv_by_id, mix(x->h[k] ^ (proc_of(t) * 131 + (uint64_t)k)), &v))
			continue;
		const struct span *found = NULL;
		int n = 0;
		uint64_t gen = UINT64_MAX;
		for (int j = 0; v && j < ID_WALK; j++) {
			const struct span *s = &c->srv[(v - 1) % RING];
			if (!s->used || s->gen >= gen || s->pid != proc_of(t) || s->ids[k] != x->h[k])
				break;
			gen = s->gen;
			if (contains(s, t->req.ts_first, end)) {
				found = s;
				n++;
			}
			v = s->prev_id[k];
		}
		if (n == 1) {
			*rule = id_rule[k];
			return found;
		}
	}
	return NULL;
}

static struct span *ring_slot(struct tt_chains *c, int server, uint32_t *slot)
{
	uint64_t *next = server ? &c->nsrv : &c->ncli;
	struct span *ring = server ? c->srv : c->cli;
	*slot = (uint32_t)(*next % RING);
	(*next)++;
	struct span *s = &ring[*slot];
	if (s->used && !server) { /* forget what pointed at the old span */
		uint64_t v;
		if (tt_map64_get(&c->cli_by_conn, s->key, &v) && (v - 1) == *slot)
			tt_map64_del(&c->cli_by_conn, s->key, NULL);
		if (s->tp_key && tt_map64_get(&c->cli_by_tp, s->tp_key, &v) && (v - 1) == *slot)
			tt_map64_del(&c->cli_by_tp, s->tp_key, NULL);
	} else if (s->used) {
		uint64_t v;
		if (s->by_thread && tt_map64_get(&c->srv_by_thread, s->key, &v) &&
		    (v - 1) == *slot)
			tt_map64_del(&c->srv_by_thread, s->key, NULL);
		for (int k = 0; k < ID_KINDS; k++) {
			uint64_t ik = mix(s->ids[k] ^ (s->pid * 131 + (uint64_t)k));
			if (s->ids[k] && tt_map64_get(&c->srv_by_id, ik, &v) && (v - 1) == *slot)
				tt_map64_del(&c->srv_by_id, ik, NULL);
		}
	}
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->gen = *next;
	return s;
}

/* A map that is full forgets everything and starts again: links are lost, never wrong. */
static void put(struct tt_map64 *m, uint64_t k, uint64_t v)
{
	if (tt_map64_put(m, k, v) < 0) {
		tt_map64_clear(m);
		tt_map64_put(m, k, v);
	}
}

static uint64_t prev_of(struct tt_map64 *m, uint64_t k)
{
	uint64_t v = 0;
	tt_map64_get(m, k, &v);
	return v;
}

void tt_chains_link(struct tt_chains *c, struct tt_txn *t)
{
	struct ids x;
	find_ids(t, &x);
	t->span_id = span_id_of(t);
	t->parent_span_id = 0;
	t->link_rule = NULL;
	uint64_t end = t->resp.seen ? t->resp.ts_last : t->req.ts_last;
	const struct span *p = NULL;
	const char *rule = NULL;
	uint64_t ordinal = has_request(t) ? next_ordinal(c, sock_of(t, t->sock_id)) : UINT64_MAX;

	if (t->side == TT_SIDE_SERVER) {
		if (ordinal != UINT64_MAX && (p = by_connection(c, t, ordinal)))
			rule = "connection";
		uint64_t v;
		if (!p && x.tp_full && tt_map64_get(&c->cli_by_tp, x.tp_full, &v) &&
		    c->cli[(v - 1) % RING].used && c->cli[(v - 1) % RING].tp_key == x.tp_full) {
			p = &c->cli[(v - 1) % RING];
			rule = "traceparent";
		}
	} else if (t->side == TT_SIDE_CLIENT && has_request(t)) {
		int ambiguous; /* an event loop: only an id can tell which request it serves */
		if ((p = by_thread(c, t, end, &ambiguous)))
			rule = "thread";
		else
			p = by_id(c, t, end, &x, &rule);
	}
	if (p) {
		set_parent(t, p, rule);
	} else if (x.have_trace) {
		memcpy(t->trace_id, x.trace, 16);
	} else {
		uint64_t a = mix(t->span_id ^ 0x5bd1e995), b = mix(a ^ t->span_id);
		memcpy(t->trace_id, &a, 8);
		memcpy(t->trace_id + 8, &b, 8);
	}

	/* remember it for the spans to come */
	if (!has_request(t))
		return;
	uint32_t slot;
	if (t->side == TT_SIDE_CLIENT) {
		struct span *s = ring_slot(c, 0, &slot);
		s->span_id = t->span_id;
		memcpy(s->trace_id, t->trace_id, 16);
		s->pid = proc_of(t);
		s->tid = t->req.tid;
		s->start = t->req.ts_first;
		s->end = t->resp.seen ? t->resp.ts_last : 0;
		s->sock = sock_of(t, t->sock_id);
		s->ordinal = ordinal;
		s->key = mix(s->sock * 31 + ordinal);
		put(&c->cli_by_conn, s->key, slot + 1);
		if (x.tp_full) {
			s->tp_key = x.tp_full;
			put(&c->cli_by_tp, x.tp_full, slot + 1);
		}
	} else if (t->side == TT_SIDE_SERVER) {
		struct span *s = ring_slot(c, 1, &slot);
		s->span_id = t->span_id;
		memcpy(s->trace_id, t->trace_id, 16);
		s->pid = proc_of(t);
		/* the thread that did the work: one that both read the request and wrote the
		 * response (a request handed from one thread to another has none) */
		s->tid = t->req.tid;
		s->start = t->req.ts_last;
		s->end = t->resp.seen ? t->resp.ts_first : 0;
		memcpy(s->ids, x.h, sizeof(s->ids));
		if (!t->resp.seen || t->resp.tid == t->req.tid) {
			s->by_thread = 1;
			s->key = mix(s->pid * 31 + s->tid);
			s->prev_thread = (uint32_t)prev_of(&c->srv_by_thread, s->key);
			put(&c->srv_by_thread, s->key, slot + 1);
		}
		for (int k = 0; k < ID_KINDS; k++) {
			if (!x.h[k])
				continue;
			uint64_t ik = mix(x.h[k] ^ (s->pid * 131 + (uint64_t)k));
			s->prev_id[k] = (uint32_t)prev_of(&c->srv_by_id, ik);
			put(&c->srv_by_id, ik, slot + 1);
		}
	}
}
