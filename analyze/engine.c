// SPDX-License-Identifier: MIT
#include "analyze/engine.h"
#include "analyze/input.h"
#include "analyze/cgroups.h"
#include "analyze/map64.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REORDER_MAX_RECORDS 65536
#define REORDER_MAX_BYTES   (64u << 20)
#define HOLD_MAX_TXNS	    4096
#define PROC_BUCKETS	    4096
#define PROC_MAX	    262144
#define LOSS_REASON_INPUT   0xfffffffeu	 /* internal: records missing from the input */
#define PCHUNK_SIZE	    (256u << 10) /* payload copies of in-order records, back to back */
#define PCHUNK_MAX_COPY	    (16u << 10)	 /* larger payloads get their own malloc */
#define PCHUNK_SPARES	    2

/* A block of payload copies. Only records of the in-order queue use chunks, and they leave in
 * the order they came: a chunk is free as soon as its last record is processed, so chunks hold
 * at most the live payload bytes plus two partly used chunks. */
struct pchunk {
	struct pchunk *next_spare;
	size_t used, live;
	uint8_t data[];
};

struct rent {
	uint64_t ts, seq;
	struct tt_record rec; /* payload points to owned copy */
	struct pchunk *pc;    /* chunk holding the payload copy, NULL: malloc'ed (or none) */
	struct rent *next_free;
};

struct proc {
	uint32_t pid;
	char comm[16];
	uint64_t cgroup_id;
	struct proc *next;
};

struct tt_engine {
	struct tt_engine_opts o;
	tt_engine_out_fn out;
	void *ctx;
	struct tt_proto_env env;
	struct tt_streams *streams;
	/* Records waiting for the reorder window: those that came in order (the usual case) in a
	 * FIFO ring, the others in a min-heap; the next record is the older of the two heads.
	 * Entries are pointers (records are large), with a pool of spare entries. */
	struct rent **fq;
	size_t fhead, fn, fcap; /* fcap: power of two */
	struct rent **rh;
	struct rent *spare;
	size_t rn, rcap, rbytes;
	struct pchunk *pcur, *pspare;
	size_t nspare;
	uint64_t rseq, max_ts;
	/* finished transactions waiting for older ones (min-heap by seq) */
	struct tt_txn **th;
	size_t tn, tcap;
	uint64_t next_out;
	/* clock */
	int64_t wall_off; /* wall = boot + off */
	/* several recordings merged (analyze/input.h): their pids and sockets carry the source */
	size_t nsources;
	const char *const *hosts; /* borrowed, nsources names */
	/* processes */
	struct proc *procs[PROC_BUCKETS];
	size_t nprocs;
	struct tt_cgtable *cgroups; /* CGROUP records: who each cgroup id is */
	/* TLS_UNHOOKED records: executables whose TLS the recorder could not see into (distinct
	 * executables, the first TT_ENGINE_TLS_UNHOOKED of them) */
	struct tt_rec_tls_unhooked tls_unhooked[TT_ENGINE_TLS_UNHOOKED];
	struct tt_map64 opaque_pids; /* pids with a connection no protocol recognised */
	struct tt_engine_stats st;
	uint64_t end_lost_events, end_lost_bytes;
};

static int rless(const struct rent *a, const struct rent *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void rpush(struct tt_engine *e, struct rent *x)
{
	size_t i = e->rn++;
	while (i && rless(x, e->rh[(i - 1) / 2])) {
		e->rh[i] = e->rh[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	e->rh[i] = x;
}

static struct rent *rpop(struct tt_engine *e)
{
	struct rent *top = e->rh[0], *last = e->rh[--e->rn];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct rent *mv = last;
		if (l < e->rn && rless(e->rh[l], mv))
			m = l, mv = e->rh[l];
		if (r < e->rn && rless(e->rh[r], mv))
			m = r;
		if (m == i)
			break;
		e->rh[i] = e->rh[m];
		i = m;
	}
	if (e->rn)
		e->rh[i] = last;
	return top;
}

static void tswap(struct tt_txn **a, struct tt_txn **b)
{
	struct tt_txn *t = *a;
	*a = *b;
	*b = t;
}

static void tpush(struct tt_engine *e, struct tt_txn *t)
{
	size_t i = e->tn++;
	e->th[i] = t;
	while (i && e->th[i]->seq < e->th[(i - 1) / 2]->seq) {
		tswap(&e->th[i], &e->th[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

static struct tt_txn *tpop(struct tt_engine *e)
{
	struct tt_txn *top = e->th[0];
	e->th[0] = e->th[--e->tn];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < e->tn && e->th[l]->seq < e->th[m]->seq)
			m = l;
		if (r < e->tn && e->th[r]->seq < e->th[m]->seq)
			m = r;
		if (m == i)
			break;
		tswap(&e->th[i], &e->th[m]);
		i = m;
	}
	return top;
}

static void out_txn(struct tt_engine *e, struct tt_txn *t)
{
	/* as late as possible: a CGROUP record may follow its first PROCESS by milliseconds */
	t->cg = tt_cgtable_get(e->cgroups, t->cgroup_id);
	if (e->nsources > 1) /* looked up with its host's mark (tt_input), shown as on its host */
		t->cgroup_id &= (1ull << TT_INPUT_SOCK_SHIFT) - 1;
	if (t->seq >= e->next_out)
		e->next_out = t->seq + 1;
	e->st.txns++;
	e->out(e->ctx, t);
}

/* Hands out held transactions: in order while there is no hole, and past a hole when the
 * oldest has waited long enough (or too many wait). force: everything. */
static void release(struct tt_engine *e, int force)
{
	while (e->tn) {
		struct tt_txn *t = e->th[0];
		uint64_t hold = e->o.hold_ns ? e->o.hold_ns : 5000000000ull;
		if (!force && t->seq > e->next_out && e->tn < HOLD_MAX_TXNS &&
		    tt_txn_start(t) + hold > e->max_ts)
			break;
		out_txn(e, tpop(e));
	}
}

static void on_emit(void *ctx, struct tt_txn *t)
{
	struct tt_engine *e = ctx;
	t->peer_sock_id = tt_streams_peer(e->streams, t->sock_id);
	if (tt_streams_tls(e->streams, t->sock_id))
		t->flags |= TT_TXN_TLS;
	if (e->nsources > 1) {
		uint64_t mask = (1ull << TT_INPUT_SOCK_SHIFT) - 1;
		t->peer_src = (uint16_t)(t->peer_sock_id >> TT_INPUT_SOCK_SHIFT);
		t->sock_id &= mask;
		t->peer_sock_id &= mask;
	}
	if (e->o.live || t->seq < e->next_out) {
		out_txn(e, t);
		return;
	}
	if (e->tn == e->tcap) {
		size_t nc = e->tcap ? e->tcap * 2 : 64;
		struct tt_txn **n = realloc(e->th, nc * sizeof(*n));
		if (!n) {
			out_txn(e, t);
			return;
		}
		e->th = n;
		e->tcap = nc;
	}
	tpush(e, t);
	release(e, 0);
}

static size_t phash(uint32_t pid);

static void on_unrecognized(void *ctx, uint32_t pid)
{
	struct tt_engine *e = ctx;
	tt_map64_put(&e->opaque_pids, pid, 0); /* full or no memory: not known */
}

static void on_fill(void *ctx, struct tt_txn *t)
{
	struct tt_engine *e = ctx;
	const char *c = "?";
	for (struct proc *p = e->procs[phash(t->pid)]; p; p = p->next)
		if (p->pid == t->pid) {
			if (p->comm[0])
				c = p->comm;
			t->cgroup_id = p->cgroup_id;
			break;
		}
	size_t n = strnlen(c, sizeof(t->comm) - 1);
	memcpy(t->comm, c, n);
	t->comm[n] = 0;
	if (e->nsources > 1) { /* the pid as it was on its host, and which host */
		size_t src = t->pid >> TT_INPUT_PID_SHIFT;
		t->src = (uint16_t)src;
		t->host = src < e->nsources ? e->hosts[src] : NULL;
		t->pid &= (1u << TT_INPUT_PID_SHIFT) - 1;
	}
}

struct tt_engine *tt_engine_new(const struct tt_engine_opts *o, tt_engine_out_fn out, void *ctx)
{
	struct tt_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->o = *o;
	if (!e->o.reorder_ns)
		e->o.reorder_ns = 50000000ull;
	e->out = out;
	e->ctx = ctx;
	e->env.ctx = e;
	e->env.emit = on_emit;
	e->env.fill = on_fill;
	e->env.body_cap = o->body_cap;
	e->env.few_headers = o->few_headers;
	e->streams = tt_streams_new(&e->env, o->max_conns);
	e->cgroups = tt_cgtable_new();
	tt_map64_init(&e->opaque_pids, 1u << 20);
	e->env.unrecognized = on_unrecognized;
	if (!e->streams || !e->cgroups) {
		tt_streams_free(e->streams);
		tt_cgtable_free(e->cgroups);
		free(e);
		errno = ENOMEM;
		return NULL;
	}
	return e;
}

void tt_engine_set_sources(struct tt_engine *e, size_t n, const char *const *hosts)
{
	e->nsources = n;
	e->hosts = hosts;
}

void tt_engine_set_info(struct tt_engine *e, const struct tt_file_info *fi)
{
	if (fi->start_wall_ns || fi->start_boot_ns)
		e->wall_off = (int64_t)((uint64_t)fi->start_wall_ns - fi->start_boot_ns);
}

int64_t tt_engine_wall_ns(const struct tt_engine *e, uint64_t boot_ns)
{
	/* unsigned: a hostile recording's clocks wrap instead of overflowing (undefined) */
	return (int64_t)(boot_ns + (uint64_t)e->wall_off);
}

uint64_t tt_engine_boot_ns(const struct tt_engine *e, int64_t wall_ns)
{
	int64_t b;
	if (__builtin_sub_overflow(wall_ns, e->wall_off, &b))
		return wall_ns < 0 ? 0 : UINT64_MAX;
	return b < 0 ? 0 : (uint64_t)b;
}

static size_t phash(uint32_t pid)
{
	return (pid * 2654435761u) % PROC_BUCKETS;
}

const char *tt_engine_comm(const struct tt_engine *e, uint32_t pid)
{
	for (struct proc *p = e->procs[phash(pid)]; p; p = p->next)
		if (p->pid == pid)
			return p->comm[0] ? p->comm : "?";
	return "?";
}

static void proc_clear(struct tt_engine *e)
{
	for (size_t i = 0; i < PROC_BUCKETS; i++) {
		struct proc *p = e->procs[i];
		while (p) {
			struct proc *n = p->next;
			free(p);
			p = n;
		}
		e->procs[i] = NULL;
	}
	e->nprocs = 0;
}

static void proc_set(struct tt_engine *e, const struct tt_rec_process *r)
{
	struct proc *p;
	for (p = e->procs[phash(r->pid)]; p; p = p->next)
		if (p->pid == r->pid)
			break;
	if (!p) {
		if (e->nprocs >= PROC_MAX)
			proc_clear(e); /* bounded: forget old names rather than grow forever */
		p = calloc(1, sizeof(*p));
		if (!p)
			return;
		p->pid = r->pid;
		p->next = e->procs[phash(r->pid)];
		e->procs[phash(r->pid)] = p;
		e->nprocs++;
	}
	memcpy(p->comm, r->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = 0;
	p->cgroup_id = r->cgroup_id;
	/* names are printed: keep them printable */
	for (char *c = p->comm; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f || *c == ' ')
			*c = '_';
}

static void process(struct tt_engine *e, const struct tt_record *r, uint64_t ts)
{
	switch (r->type) {
	case TT_REC_DATA:
		if (r->u.data.flags & TT_DATA_DROPPED)
			e->st.dropped_records++;
		tt_streams_data(e->streams, &r->u.data, r->payload);
		break;
	case TT_REC_CONN:
		tt_streams_conn(e->streams, &r->u.conn);
		break;
	case TT_REC_CLOSE:
		tt_streams_close(e->streams, &r->u.close);
		break;
	case TT_REC_PROCESS:
		proc_set(e, &r->u.process);
		break;
	case TT_REC_LOSS:
		e->st.lost_events += r->u.loss.events;
		e->st.lost_bytes += r->u.loss.bytes;
		if (r->u.loss.events || r->u.loss.reason == LOSS_REASON_INPUT ||
		    r->u.loss.reason == TT_LOSS_SOURCE_DAMAGED)
			tt_streams_loss(e->streams, ts);
		break;
	case TT_REC_CLOCK_SYNC:
		if (r->u.clock_sync.boot_ns)
			e->wall_off = (int64_t)((uint64_t)r->u.clock_sync.realtime_ns -
						r->u.clock_sync.boot_ns);
		break;
	case TT_REC_END:
		e->end_lost_events = r->u.stats.lost_events;
		e->end_lost_bytes = r->u.stats.lost_bytes;
		break;
	default:
		break;
	}
	if (r->type != TT_REC_LOSS && r->type != TT_REC_CLOCK_SYNC && r->type != TT_REC_STATS &&
	    r->type != TT_REC_END)
		tt_streams_tick(e->streams, ts);
}

static uint8_t *palloc(struct tt_engine *e, size_t n, struct pchunk **pc)
{
	*pc = NULL;
	if (n > PCHUNK_MAX_COPY)
		return malloc(n);
	struct pchunk *c = e->pcur;
	if (!c || c->used + n > PCHUNK_SIZE) {
		if ((c = e->pspare)) {
			e->pspare = c->next_spare;
			e->nspare--;
		} else if (!(c = malloc(sizeof(*c) + PCHUNK_SIZE))) {
			return malloc(n);
		}
		c->used = c->live = 0;
		/* the old chunk is freed by its last record (pfree) */
		if (e->pcur && !e->pcur->live)
			free(e->pcur);
		e->pcur = c;
	}
	uint8_t *p = c->data + c->used;
	c->used += (n + 7) & ~(size_t)7;
	c->live++;
	*pc = c;
	return p;
}

static void pfree(struct tt_engine *e, struct pchunk *c, const uint8_t *p)
{
	if (!c) {
		free((void *)p);
		return;
	}
	if (--c->live)
		return;
	if (c == e->pcur) {
		c->used = 0; /* empty: start again at its beginning */
	} else if (e->nspare < PCHUNK_SPARES) {
		c->next_spare = e->pspare;
		e->pspare = c;
		e->nspare++;
	} else {
		free(c);
	}
}

/* The oldest waiting record (NULL when none), and whether it heads the FIFO. */
static struct rent *rtop(const struct tt_engine *e, int *fifo)
{
	struct rent *f = e->fn ? e->fq[e->fhead] : NULL, *h = e->rn ? e->rh[0] : NULL;
	*fifo = f && (!h || rless(f, h));
	return *fifo ? f : h;
}

static void drain(struct tt_engine *e, int all)
{
	int fifo;
	struct rent *top;
	while ((top = rtop(e, &fifo))) {
		if (!all && top->ts + e->o.reorder_ns > e->max_ts &&
		    e->rn + e->fn < REORDER_MAX_RECORDS && e->rbytes < REORDER_MAX_BYTES)
			break;
		struct rent *x;
		if (fifo) {
			x = top;
			e->fhead = (e->fhead + 1) & (e->fcap - 1);
			e->fn--;
		} else {
			x = rpop(e);
		}
		process(e, &x->rec, x->ts);
		if (x->rec.payload) {
			e->rbytes -= x->rec.u.data.cap_len;
			pfree(e, x->pc, x->rec.payload);
			x->rec.payload = NULL;
		}
		x->next_free = e->spare;
		e->spare = x;
	}
	release(e, 0);
}

/* Makes room for one more entry in the FIFO and in the heap. */
static int reserve(struct tt_engine *e)
{
	if (e->fn == e->fcap) {
		size_t nc = e->fcap ? e->fcap * 2 : 256;
		struct rent **n = malloc(nc * sizeof(*n));
		if (!n)
			return -ENOMEM;
		for (size_t i = 0; i < e->fn; i++)
			n[i] = e->fq[(e->fhead + i) & (e->fcap - 1)];
		free(e->fq);
		e->fq = n;
		e->fhead = 0;
		e->fcap = nc;
	}
	if (e->rn == e->rcap) {
		size_t nc = e->rcap ? e->rcap * 2 : 256;
		struct rent **n = realloc(e->rh, nc * sizeof(*n));
		if (!n)
			return -ENOMEM;
		e->rh = n;
		e->rcap = nc;
	}
	return 0;
}

/* One per executable and library (a file of a set repeats its predecessors' records). */
static void tls_unhooked_add(struct tt_engine *e, const struct tt_rec_tls_unhooked *r)
{
	size_t n = e->st.tls_unhooked < TT_ENGINE_TLS_UNHOOKED ? e->st.tls_unhooked
							       : TT_ENGINE_TLS_UNHOOKED;
	struct tt_rec_tls_unhooked *k;

	for (size_t i = 0; i < n; i++)
		if (e->tls_unhooked[i].library == r->library &&
		    !strncmp(e->tls_unhooked[i].exe, r->exe, sizeof(r->exe)))
			return;
	if (n < TT_ENGINE_TLS_UNHOOKED) {
		k = &e->tls_unhooked[n];
		*k = *r;
		k->exe[sizeof(k->exe) - 1] = 0;
		/* printed: keep it printable */
		for (char *c = k->exe; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
				*c = '?';
	}
	e->st.tls_unhooked++;
}

const struct tt_rec_tls_unhooked *tt_engine_tls_unhooked(const struct tt_engine *e, size_t i,
						  bool *opaque)
{
	if (i >= e->st.tls_unhooked || i >= TT_ENGINE_TLS_UNHOOKED)
		return NULL;
	*opaque = tt_map64_get(&e->opaque_pids, e->tls_unhooked[i].pid, NULL);
	return &e->tls_unhooked[i];
}

int tt_engine_add(struct tt_engine *e, const struct tt_record *rec)
{
	int has;
	if (rec->type == TT_REC_CGROUP) {
		/* about the whole file, not a moment of it: taken now, outside the reorder window */
		e->st.records++;
		return tt_cgtable_add(e->cgroups, &rec->u.cgroup, rec->payload) < 0 ? -ENOMEM : 0;
	}
	if (rec->type == TT_REC_TLS_UNHOOKED) { /* the same: about a program, not a moment */
		e->st.records++;
		tls_unhooked_add(e, &rec->u.tls_unhooked);
		return 0;
	}
	uint64_t ts = tt_record_ts(rec, &has);
	if (!has)
		return 0;
	e->st.records++;
	if (!e->st.have_ts || ts < e->st.first_ts)
		e->st.first_ts = ts;
	if (!e->st.have_ts || ts > e->st.last_ts)
		e->st.last_ts = ts;
	e->st.have_ts = 1;
	/* Kernel records (ring buffer) carry the time of the event; user-space records (LOSS,
	 * CLOCK_SYNC, STATS, END) the time user space wrote them, which runs ahead of a lagging
	 * ring. A LOSS therefore takes its place in file order (after the kernel records before
	 * it), and only kernel records move the clock that drives the windows. */
	int kernel = rec->type == TT_REC_DATA || rec->type == TT_REC_CONN ||
		     rec->type == TT_REC_CLOSE || rec->type == TT_REC_PROCESS ||
		     rec->type == TT_REC_PROCESS_EXIT;
	if (rec->type == TT_REC_LOSS)
		ts = e->max_ts;
	if (reserve(e) < 0)
		return -ENOMEM;
	struct rent *x = e->spare;
	if (x)
		e->spare = x->next_free;
	else if (!(x = malloc(sizeof(*x))))
		return -ENOMEM;
	x->ts = ts;
	x->seq = e->rseq++;
	x->pc = NULL;
	/* in order (not older than the FIFO's newest): FIFO, else heap */
	int fifo = !e->fn || e->fq[(e->fhead + e->fn - 1) & (e->fcap - 1)]->ts <= ts;
	if (rec->type == TT_REC_DATA) {
		/* only what process() reads: DATA records are most of the input */
		x->rec.type = rec->type;
		x->rec.u.data = rec->u.data;
	} else {
		x->rec = *rec;
	}
	x->rec.payload = NULL;
	if (rec->type == TT_REC_DATA && rec->u.data.cap_len && rec->payload) {
		uint8_t *p =
		    fifo ? palloc(e, rec->u.data.cap_len, &x->pc) : malloc(rec->u.data.cap_len);
		if (!p) {
			x->next_free = e->spare;
			e->spare = x;
			return -ENOMEM;
		}
		memcpy(p, rec->payload, rec->u.data.cap_len);
		x->rec.payload = p;
		e->rbytes += rec->u.data.cap_len;
	} else if (rec->type == TT_REC_DATA) {
		x->rec.u.data.cap_len = 0;
	}
	if (fifo) {
		e->fq[(e->fhead + e->fn) & (e->fcap - 1)] = x;
		e->fn++;
	} else {
		rpush(e, x);
	}
	if (kernel && ts > e->max_ts)
		e->max_ts = ts;
	drain(e, 0);
	return 0;
}

void tt_engine_input_gap(struct tt_engine *e)
{
	/* after everything already read: the largest ts seen, and the next sequence number */
	if (!e->st.have_ts)
		return; /* no stream open yet */
	struct tt_record r = {.type = TT_REC_LOSS};
	r.u.loss.ts_ns = e->max_ts;
	r.u.loss.reason = LOSS_REASON_INPUT;
	tt_engine_add(e, &r);
	e->st.records--;
}

void tt_engine_flush(struct tt_engine *e)
{
	drain(e, 1);
}

void tt_engine_finish(struct tt_engine *e)
{
	drain(e, 1);
	tt_streams_finish(e->streams, e->max_ts);
	release(e, 1);
}

void tt_engine_get_stats(const struct tt_engine *e, struct tt_engine_stats *st)
{
	*st = e->st;
	if (e->end_lost_events > st->lost_events)
		st->lost_events = e->end_lost_events;
	if (e->end_lost_bytes > st->lost_bytes)
		st->lost_bytes = e->end_lost_bytes;
	tt_streams_get_stats(e->streams, &st->streams);
}

void tt_engine_free(struct tt_engine *e)
{
	if (!e)
		return;
	tt_streams_free(e->streams);
	tt_map64_free(&e->opaque_pids);
	for (size_t i = 0; i < e->rn; i++) {
		free((void *)e->rh[i]->rec.payload);
		free(e->rh[i]);
	}
	free(e->rh);
	for (size_t i = 0; i < e->fn; i++) {
		struct rent *x = e->fq[(e->fhead + i) & (e->fcap - 1)];
		if (x->rec.payload)
			pfree(e, x->pc, x->rec.payload);
		free(x);
	}
	free(e->fq);
	free(e->pcur);
	while (e->pspare) {
		struct pchunk *n = e->pspare->next_spare;
		free(e->pspare);
		e->pspare = n;
	}
	while (e->spare) {
		struct rent *n = e->spare->next_free;
		free(e->spare);
		e->spare = n;
	}
	for (size_t i = 0; i < e->tn; i++)
		tt_txn_free(e->th[i]);
	free(e->th);
	proc_clear(e);
	tt_cgtable_free(e->cgroups);
	free(e);
}
