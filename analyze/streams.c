// SPDX-License-Identifier: MIT
#include "analyze/streams.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DETECT_TRIES 8
#define PRE_CAP	     64
#define CLOSING_CAP  (1u << 20)

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
	uint8_t pre[PRE_CAP]; /* first bytes, while the protocol needs more to decide */
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
	struct sdir d[2];
	int closing;
	uint64_t close_ts;
	uint64_t loss_epoch; /* losses already applied to this connection */
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
	struct tt_streams_stats st;
};

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
	s->max_conns = max_conns ? max_conns : 16384;
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
		c->proto->feed(c->sess, &ch);
	}
}

static void conn_finish(struct tt_streams *s, struct conn *c, uint64_t ts, int evicted)
{
	catch_up_loss(s, c);
	struct conn **pp = &s->buckets[hash(c->sock_id, s->nbuckets)];
	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	lru_unlink(s, c);
	s->count--;
	if (c->sess)
		c->proto->close(c->sess, ts, evicted);
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

void tt_streams_conn(struct tt_streams *s, const struct tt_rec_conn *r)
{
	struct conn *c = lookup(s, r->sock_id);
	if (c && c->had_data && (r->origin == TT_ORIGIN_CONNECT || r->origin == TT_ORIGIN_ACCEPT)) {
		/* A new connection on a reused inode number: the old one is over. */
		conn_finish(s, c, r->ts_ns, 0);
		c = NULL;
	}
	if (!c)
		c = conn_get(s, r->sock_id, r->ts_ns);
	if (!c)
		return;
	c->ci.have_conn = 1;
	c->ci.role = r->role;
	c->ci.origin = r->origin;
	c->ci.local = r->local;
	c->ci.remote = r->remote;
	memcpy(c->ci.unix_path, r->unix_path, sizeof(c->ci.unix_path));
	c->ci.unix_path[sizeof(c->ci.unix_path) - 1] = 0;
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
		c->proto->feed(c->sess, &ch);
		return;
	}
	if (!data) {
		sd->pre_len = 0; /* what came before is not contiguous with what follows */
		return;
	}
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
	int need = 0;
	const struct tt_proto *p = tt_proto_detect(buf, blen, &need);
	if (p) {
		c->proto = p;
		c->sess = p->open(s->env, &c->ci);
		if (!c->sess) {
			c->ignored = 1;
			return;
		}
		s->st.conns_proto++;
		if (sd->pre_len) {
			struct tt_chunk pc = ch;
			pc.ts = sd->pre_ts;
			pc.data = sd->pre;
			pc.len = sd->pre_len;
			p->feed(c->sess, &pc);
			sd->pre_len = 0;
		}
		p->feed(c->sess, &ch);
		return;
	}
	if (need && blen <= PRE_CAP) {
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
	free(s);
}
