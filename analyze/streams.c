// SPDX-License-Identifier: MIT
#include "analyze/streams.h"
#include "analyze/map64.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define DETECT_TRIES	 8
#define PRE_CAP		 256 /* first bytes kept per direction while detection waits */
#define CLOSING_CAP	 (1u << 20)
#define MAX_HANDOVERS	 4 /* per chunk: a protocol handing over to itself cannot loop */

struct sdir {
	int in_call;
	uint64_t call_ts;
	uint32_t call_tid;
	uint16_t call_idx;
	uint64_t call_bytes, call_pos;
	int have_last; /* identity of the last finished call: its late segments are dropped */
	uint64_t last_ts;
	uint32_t last_tid;
	uint16_t last_idx;
	uint8_t pre[PRE_CAP]; /* first bytes, while detection needs more to decide */
	size_t pre_len;
	uint64_t pre_ts;
};

struct conn {
	uint64_t sock_id;
	struct conn *hnext;
	struct conn *prev, *next; /* activity order, least recent first */
	struct tt_conn_info ci;
	int had_data;
	const struct tt_proto *proto;
	void *sess;
	int ignored, tries;
	int first_dir; /* direction of the first payload byte, -1 none yet */
	/* a handover asked for during the current feed (env->handover) */
	const struct tt_proto *next_proto;
	void *next_sess;
	uint64_t next_used;
	struct sdir d[2];
	int closing;
	uint64_t close_ts;
	uint64_t loss_epoch; /* losses already applied to this connection */
	uint64_t peer_sock;  /* the other end's socket, when it is in the recording too */
	uint64_t tuple;	     /* its key in s->tuples (INET: hash of local, remote), 0 none */
	int tls;	     /* TLS plaintext seen: the plaintext layer is analyzed, not the wire */
	const struct tt_proto *detected; /* what detection chose (counted in conns_by_proto) */
	uint32_t pid; /* the process of its first CONN or DATA record */
};

struct closing_ent {
	uint64_t sock_id, close_ts;
};

struct tt_streams {
	struct tt_proto_env *env;
	uint32_t max_conns;
	struct conn **buckets;
	size_t nbuckets, count;
	struct conn *head, *tail;
	uint64_t loss_epoch, loss_ts; /* LOSS records seen; applied lazily per connection */
	struct closing_ent *cq;	      /* ring of closed sockets waiting for their grace period */
	size_t cq_head, cq_len, cq_cap;
	struct tt_map64 tuples;	      /* hash of (local, remote) -> sock_id, for finding peers */
	struct tt_streams_stats st;
};

static void on_handover(void *hctx, const struct tt_conn_info *ci, const struct tt_proto *next,
			const struct tt_handover *h, uint64_t used);
static void feed_conn(struct tt_streams *s, struct conn *c, const struct tt_chunk *ch);

static size_t hash(uint64_t k, size_t n)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k & (n - 1);
}

struct tt_streams *tt_streams_new(struct tt_proto_env *env, uint32_t max_conns)
{
	struct tt_streams *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->env = env;
	env->handover = on_handover;
	env->hctx = s;
	s->max_conns = max_conns ? max_conns : 16384;
	tt_map64_init(&s->tuples, (size_t)s->max_conns * 2);
	s->nbuckets = 256;
	s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
	if (!s->buckets) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

static struct conn *lookup(struct tt_streams *s, uint64_t id)
{
	for (struct conn *c = s->buckets[hash(id, s->nbuckets)]; c; c = c->hnext)
		if (c->sock_id == id)
			return c;
	return NULL;
}

static void lru_unlink(struct tt_streams *s, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		s->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		s->tail = c->prev;
	c->prev = c->next = NULL;
}

static void lru_append(struct tt_streams *s, struct conn *c)
{
	c->prev = s->tail;
	c->next = NULL;
	if (s->tail)
		s->tail->next = c;
	else
		s->head = c;
	s->tail = c;
}

/* Events were lost since this connection last saw data: it may have lost bytes in both
 * directions. Applied when the connection is next used (or ends), so a LOSS costs O(1). */
static void catch_up_loss(struct tt_streams *s, struct conn *c)
{
	if (c->loss_epoch == s->loss_epoch)
		return;
	c->loss_epoch = s->loss_epoch;
	if (!c->sess)
		return;
	for (int d = 0; d < 2; d++) {
		struct tt_chunk ch = {.ts = s->loss_ts, .dir = d, .len = TT_LEN_UNKNOWN, .gap = 1};
		s->st.gaps++;
		feed_conn(s, c, &ch);
	}
}

static void conn_finish(struct tt_streams *s, struct conn *c, uint64_t ts, int evicted)
{
	catch_up_loss(s, c);
	/* the session's last transactions go out while the connection can still be looked up
	 * (tt_streams_peer()) */
	if (c->sess)
		c->proto->close(c->sess, ts, evicted);
	else if (c->had_data) {
		s->st.conns_unrecognized++;
		if (s->env->unrecognized)
			s->env->unrecognized(s->env->ctx, c->pid);
	}
	if (c->next_sess) /* a handover that never got to run */
		c->next_proto->close(c->next_sess, ts, evicted);
	uint64_t owner;
	if (c->tuple && tt_map64_get(&s->tuples, c->tuple, &owner) && owner == c->sock_id)
		tt_map64_del(&s->tuples, c->tuple, NULL);
	struct conn **pp = &s->buckets[hash(c->sock_id, s->nbuckets)];
	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	lru_unlink(s, c);
	s->count--;
	free(c);
}

static void grow(struct tt_streams *s)
{
	size_t n = s->nbuckets * 2;
	struct conn **b = calloc(n, sizeof(*b));
	if (!b)
		return;
	for (size_t i = 0; i < s->nbuckets; i++) {
		struct conn *c = s->buckets[i];
		while (c) {
			struct conn *nx = c->hnext;
			size_t h = hash(c->sock_id, n);
			c->hnext = b[h];
			b[h] = c;
			c = nx;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = n;
}

static struct conn *conn_get(struct tt_streams *s, uint64_t id, uint64_t ts)
{
	struct conn *c = lookup(s, id);
	if (c)
		return c;
	while (s->count >= s->max_conns && s->head) {
		s->st.conns_evicted++;
		conn_finish(s, s->head, ts, 1);
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->sock_id = id;
	c->ci.sock_id = id;
	c->first_dir = -1;
	c->loss_epoch = s->loss_epoch;
	if (s->count + 1 > s->nbuckets)
		grow(s);
	size_t h = hash(id, s->nbuckets);
	c->hnext = s->buckets[h];
	s->buckets[h] = c;
	lru_append(s, c);
	s->count++;
	return c;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static uint64_t addr_key(const struct tt_addr *a)
{
	uint64_t w0, w1;
	memcpy(&w0, a->addr, 8);
	memcpy(&w1, a->addr + 8, 8);
	return mix(mix(mix(a->family, a->port), w0), w1);
}

static int same_addr(const struct tt_addr *a, const struct tt_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack server's socket says of an
 * IPv4 client: busybox httpd, nginx on [::]) as the IPv4 address the other end has. */
static struct tt_addr canon(const struct tt_addr *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	struct tt_addr c = *a;
	if (a->family == TT_AF_INET6 && !memcmp(a->addr, mapped, 12)) {
		c.family = TT_AF_INET;
		c.scope_id = 0;
		memmove(c.addr, a->addr + 12, 4);
		memset(c.addr + 4, 0, 12);
	}
	return c;
}

/* Both ends of a local connection are in the recording when one socket's (local, remote) is the
 * other's (remote, local) (AF_UNIX: the CONN record names the peer's inode); an IPv4-mapped
 * address counts as the IPv4 one. */
static void find_peer(struct tt_streams *s, struct conn *c)
{
	const struct tt_conn_info *ci = &c->ci;
	struct tt_addr cl = canon(&ci->local), cr = canon(&ci->remote);
	if (ci->local.family == TT_AF_UNIX) {
		if (!c->peer_sock)
			return;
		struct conn *o = lookup(s, c->peer_sock);
		if (o)
			o->peer_sock = c->sock_id;
		return;
	}
	if ((ci->local.family != TT_AF_INET && ci->local.family != TT_AF_INET6) ||
	    !ci->local.port || !ci->remote.port)
		return;
	uint64_t lk = addr_key(&cl), rk = addr_key(&cr), other;
	c->tuple = mix(lk, rk) | 1; /* never 0 */
	if (tt_map64_get(&s->tuples, mix(rk, lk) | 1, &other) && other != c->sock_id) {
		struct conn *o = lookup(s, other);
		struct tt_addr ol = o ? canon(&o->ci.local) : cl, orm = o ? canon(&o->ci.remote) : cr;
		if (o && same_addr(&ol, &cr) && same_addr(&orm, &cl)) {
			o->peer_sock = c->sock_id;
			c->peer_sock = o->sock_id;
		}
	}
	if (tt_map64_put(&s->tuples, c->tuple, c->sock_id) < 0)
		c->tuple = 0; /* no room: this end is not found by its peer */
}

uint64_t tt_streams_peer(const struct tt_streams *s, uint64_t sock_id)
{
	struct conn *c = lookup((struct tt_streams *)s, sock_id);
	return c ? c->peer_sock : 0;
}

void tt_streams_conn(struct tt_streams *s, const struct tt_rec_conn *r)
{
	struct conn *c = lookup(s, r->sock_id);
	/* A rotated file's snapshot repeats what an earlier file of the set already said: the same
	 * connection goes on (read alone, the file learns it from the snapshot). */
	if (c && c->ci.have_conn && r->origin == TT_ORIGIN_SNAPSHOT)
		return;
	if (c && c->had_data && (r->origin == TT_ORIGIN_CONNECT || r->origin == TT_ORIGIN_ACCEPT)) {
		/* A new connection on a reused inode number: the old one is over. */
		conn_finish(s, c, r->ts_ns, 0);
		c = NULL;
	}
	if (!c)
		c = conn_get(s, r->sock_id, r->ts_ns);
	if (!c)
		return;
	if (!c->ci.have_conn && !c->had_data)
		c->pid = r->pid;
	c->ci.have_conn = 1;
	c->ci.role = r->role;
	c->ci.origin = r->origin;
	c->ci.local = r->local;
	c->ci.remote = r->remote;
	memcpy(c->ci.unix_path, r->unix_path, sizeof(c->ci.unix_path));
	c->ci.unix_path[sizeof(c->ci.unix_path) - 1] = 0;
	if (r->local.family == TT_AF_UNIX)
		c->peer_sock = r->unix_peer_id;
	if (!c->tuple)
		find_peer(s, c);
}

static struct conn *conn_of(const struct tt_conn_info *ci)
{
	return (struct conn *)(void *)((const char *)ci - offsetof(struct conn, ci));
}

static void count_proto(uint64_t *by_id, const struct tt_proto *p)
{
	int id = tt_proto_id(p);
	if (id >= 0 && id < TT_PROTO_MAX)
		by_id[id]++;
}

/* env->handover: opens the next protocol's session now (the handover's txn is only lent for
 * this call); feed_conn() switches to it when the current feed returns. */
static void on_handover(void *hctx, const struct tt_conn_info *ci, const struct tt_proto *next,
			const struct tt_handover *h, uint64_t used)
{
	struct tt_streams *s = hctx;
	struct conn *c = conn_of(ci);
	if (c->next_sess || !next)
		return;
	void *ns = next->open(s->env, &c->ci, h);
	if (!ns)
		return;
	c->next_proto = next;
	c->next_sess = ns;
	c->next_used = used;
}

/* Gives a chunk to the connection's session, and what is left of it to the protocol a handover
 * passed the connection to. */
static void feed_conn(struct tt_streams *s, struct conn *c, const struct tt_chunk *ch)
{
	struct tt_chunk rest = *ch;
	c->proto->feed(c->sess, &rest);
	for (int i = 0; c->next_sess; i++) {
		c->proto->close(c->sess, rest.ts, 0);
		c->proto = c->next_proto;
		c->sess = c->next_sess;
		c->next_sess = NULL;
		s->st.handovers++;
		count_proto(s->st.handed_to, c->proto);
		uint64_t used = c->next_used;
		if (!rest.data || used >= rest.len || i >= MAX_HANDOVERS)
			break;
		rest.data += used;
		rest.len -= used;
		c->proto->feed(c->sess, &rest);
	}
}

static void deliver(struct tt_streams *s, struct conn *c, const struct tt_rec_data *r,
		    const uint8_t *data, uint64_t len, int gap)
{
	if (c->ignored || len == 0)
		return;
	struct sdir *sd = &c->d[r->dir];
	struct tt_chunk ch = {.ts = r->ts_ns,
			      .pid = r->pid,
			      .tid = r->tid,
			      .dir = r->dir,
			      .data = data,
			      .len = len,
			      .gap = gap};
	if (gap) {
		s->st.gaps++;
		if (len != TT_LEN_UNKNOWN)
			s->st.gap_bytes += len;
	} else if (data) {
		s->st.bytes += len;
	}
	if (c->sess) {
		feed_conn(s, c, &ch);
		return;
	}
	if (!data) {
		sd->pre_len = 0; /* what came before is not contiguous with what follows */
		return;
	}
	if (c->first_dir < 0)
		c->first_dir = r->dir;
	const uint8_t *buf = data;
	size_t blen = (size_t)len;
	uint8_t tmp[4096];
	if (sd->pre_len) {
		size_t add = blen < sizeof(tmp) - sd->pre_len ? blen : sizeof(tmp) - sd->pre_len;
		memcpy(tmp, sd->pre, sd->pre_len);
		memcpy(tmp + sd->pre_len, data, add);
		buf = tmp;
		blen = sd->pre_len + add;
	}
	struct sdir *od = &c->d[r->dir ^ 1];
	struct tt_detect dt = {.first_dir = c->first_dir, .ci = &c->ci};
	dt.buf[r->dir] = buf;
	dt.len[r->dir] = blen;
	dt.buf[r->dir ^ 1] = od->pre;
	dt.len[r->dir ^ 1] = od->pre_len;
	int need = 0;
	const struct tt_proto *p = tt_proto_detect(&dt, blen > PRE_CAP, &need);
	if (p) {
		c->proto = p;
		c->sess = p->open(s->env, &c->ci, NULL);
		if (!c->sess) {
			c->ignored = 1;
			return;
		}
		s->st.conns_proto++;
		count_proto(s->st.conns_by_proto, p);
		c->detected = p;
		/* what waited for the decision, oldest first, then this chunk */
		struct sdir *first = od, *second = sd;
		if (sd->pre_len && (!od->pre_len || sd->pre_ts < od->pre_ts))
			first = sd, second = od;
		struct sdir *order[2] = {first, second};
		for (int i = 0; i < 2 && c->sess; i++) {
			struct sdir *x = order[i];
			if (!x->pre_len)
				continue;
			struct tt_chunk pc = ch;
			pc.dir = (int)(x - c->d);
			pc.ts = x->pre_ts;
			pc.data = x->pre;
			pc.len = x->pre_len;
			x->pre_len = 0;
			feed_conn(s, c, &pc);
		}
		feed_conn(s, c, &ch);
		return;
	}
	if (need) {
		if (!sd->pre_len)
			sd->pre_ts = r->ts_ns;
		memmove(sd->pre, buf, blen);
		sd->pre_len = blen;
		return;
	}
	sd->pre_len = 0;
	if (++c->tries >= DETECT_TRIES)
		c->ignored = 1;
}

static void end_call(struct tt_streams *s, struct conn *c, struct sdir *sd,
		     const struct tt_rec_data *r)
{
	if (!sd->in_call)
		return;
	if (sd->call_pos < sd->call_bytes) {
		struct tt_rec_data at = *r;
		at.ts_ns = sd->call_ts;
		deliver(s, c, &at, NULL, sd->call_bytes - sd->call_pos, 1);
	}
	sd->in_call = 0;
	sd->have_last = 1;
	sd->last_ts = sd->call_ts;
	sd->last_tid = sd->call_tid;
	sd->last_idx = sd->call_idx;
}

/*
 * The first TLS plaintext record of a connection: from here on its plaintext layer is what is
 * analyzed. What the wire layer started (detection of the handshake's bytes, or a protocol that
 * negotiated TLS in clear: PostgreSQL's SSLRequest) ends here, and detection starts again on
 * the plaintext.
 */
static void to_plaintext(struct tt_streams *s, struct conn *c, uint64_t ts)
{
	catch_up_loss(s, c);
	if (c->sess)
		c->proto->close(c->sess, ts, 0);
	if (c->detected) {
		/* the socket is counted once, by what its plaintext turns out to be */
		int id = tt_proto_id(c->detected);
		if (id >= 0 && id < TT_PROTO_MAX && s->st.conns_by_proto[id])
			s->st.conns_by_proto[id]--;
		if (s->st.conns_proto)
			s->st.conns_proto--;
		c->detected = NULL;
	}
	if (c->next_sess)
		c->next_proto->close(c->next_sess, ts, 0);
	c->sess = c->next_sess = NULL;
	c->proto = c->next_proto = NULL;
	c->ignored = c->tries = 0;
	c->first_dir = -1;
	memset(c->d, 0, sizeof(c->d));
	c->tls = 1;
	s->st.conns_tls++;
}

int tt_streams_tls(const struct tt_streams *s, uint64_t sock_id)
{
	struct conn *c = lookup((struct tt_streams *)s, sock_id);
	return c ? c->tls : 0;
}

void tt_streams_data(struct tt_streams *s, const struct tt_rec_data *r, const uint8_t *payload)
{
	if (r->flags & TT_DATA_PEEK) {
		s->st.peek_records++;
		return;
	}
	if (r->dir > TT_DIR_INGRESS)
		return;
	struct conn *c = conn_get(s, r->sock_id, r->ts_ns);
	if (!c)
		return;
	if (!c->ci.have_conn && !c->had_data)
		c->pid = r->pid;
	if ((r->flags & TT_DATA_TLS) && !c->tls) {
		to_plaintext(s, c, r->ts_ns);
	} else if (!(r->flags & TT_DATA_TLS) && c->tls) {
		/* the ciphertext of a connection whose plaintext is recorded: counted only */
		s->st.tls_wire_bytes += r->call_bytes;
		c->closing = 0;
		return;
	}
	if (!c->had_data) {
		c->had_data = 1;
		s->st.conns++;
	}
	c->closing = 0;
	lru_unlink(s, c);
	lru_append(s, c);
	catch_up_loss(s, c);
	struct sdir *sd = &c->d[r->dir];
	int same = sd->in_call && sd->call_ts == r->ts_ns && sd->call_tid == r->tid &&
		   sd->call_idx == r->msg_idx;
	if (!sd->in_call && sd->have_last && sd->last_ts == r->ts_ns && sd->last_tid == r->tid &&
	    sd->last_idx == r->msg_idx && r->seg_off > 0)
		return; /* a late segment of a call already accounted for */
	if (sd->in_call && (!same || r->seg_off == 0))
		end_call(s, c, sd, r);
	if (!sd->in_call) {
		sd->in_call = 1;
		sd->call_ts = r->ts_ns;
		sd->call_tid = r->tid;
		sd->call_idx = r->msg_idx;
		sd->call_bytes = r->call_bytes;
		sd->call_pos = 0;
	}
	uint64_t end = r->seg_off + r->cap_len;
	if (end < r->seg_off)
		end = r->seg_off; /* overflow: trust nothing */
	if (sd->call_bytes < end && !(r->flags & TT_DATA_NO_PAYLOAD))
		sd->call_bytes = end;
	if (r->seg_off > sd->call_pos) {
		struct tt_rec_data at = *r;
		deliver(s, c, &at, NULL, r->seg_off - sd->call_pos, 1);
		sd->call_pos = r->seg_off;
	}
	/* DROPPED: pieces of the call were lost; what the record carries is still contiguous from
	 * seg_off, and the rest of the call becomes a gap below. */
	if (r->flags & TT_DATA_NO_PAYLOAD) {
		if (sd->call_bytes > sd->call_pos)
			deliver(s, c, r, NULL, sd->call_bytes - sd->call_pos, 0);
		sd->call_pos = sd->call_bytes;
	} else if (end > sd->call_pos && payload) {
		uint64_t skip = sd->call_pos - r->seg_off;
		if (r->flags & TT_DATA_COPY_FAULT)
			deliver(s, c, r, NULL, end - sd->call_pos, 1);
		else
			deliver(s, c, r, payload + skip, end - sd->call_pos, 0);
		sd->call_pos = end;
	}
	if ((r->flags & (TT_DATA_TRUNCATED | TT_DATA_DROPPED)) || sd->call_pos >= sd->call_bytes)
		end_call(s, c, sd, r);
}

void tt_streams_close(struct tt_streams *s, const struct tt_rec_close *r)
{
	struct conn *c = lookup(s, r->sock_id);
	if (!c)
		return;
	c->closing = 1;
	c->close_ts = r->ts_ns;
	if (s->cq_len == s->cq_cap) {
		size_t nc = s->cq_cap ? s->cq_cap * 2 : 64;
		struct closing_ent *q = nc <= CLOSING_CAP ? malloc(nc * sizeof(*q)) : NULL;
		if (!q) {
			conn_finish(s, c, r->ts_ns, 0);
			return;
		}
		for (size_t i = 0; i < s->cq_len; i++)
			q[i] = s->cq[(s->cq_head + i) % s->cq_cap];
		free(s->cq);
		s->cq = q;
		s->cq_cap = nc;
		s->cq_head = 0;
	}
	s->cq[(s->cq_head + s->cq_len) % s->cq_cap] =
	    (struct closing_ent){.sock_id = r->sock_id, .close_ts = r->ts_ns};
	s->cq_len++;
}

void tt_streams_tick(struct tt_streams *s, uint64_t ts)
{
	while (s->cq_len) {
		struct closing_ent e = s->cq[s->cq_head];
		if (e.close_ts + TT_STREAMS_CLOSE_GRACE_NS > ts)
			break;
		s->cq_head = (s->cq_head + 1) % s->cq_cap;
		s->cq_len--;
		struct conn *c = lookup(s, e.sock_id);
		if (c && c->closing && c->close_ts == e.close_ts)
			conn_finish(s, c, e.close_ts, 0);
	}
}

void tt_streams_loss(struct tt_streams *s, uint64_t ts)
{
	s->loss_epoch++;
	s->loss_ts = ts;
}

void tt_streams_finish(struct tt_streams *s, uint64_t ts)
{
	/* Connections end in activity order, so output is deterministic. */
	while (s->head) {
		struct conn *c = s->head;
		conn_finish(s, c, c->closing ? c->close_ts : ts, 0);
	}
	s->cq_len = 0;
}

void tt_streams_get_stats(const struct tt_streams *s, struct tt_streams_stats *st)
{
	*st = s->st;
}

void tt_streams_free(struct tt_streams *s)
{
	if (!s)
		return;
	while (s->head)
		conn_finish(s, s->head, 0, 1);
	free(s->buckets);
	free(s->cq);
	tt_map64_free(&s->tuples);
	free(s);
}
