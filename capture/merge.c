// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "bpf/tinytap.h"
#include "capture/merge.h"

_Static_assert(sizeof(struct tt_ev_data) == 72, "tt_ev_data layout");

#define SLOTS	 4096 /* threads with a call in flight at once */
#define WAYS	 8    /* slots probed per thread; when all are busy the oldest is finished early */
#define KEEP_BUF (64 * 1024) /* larger buffers are freed after their call */

struct pending {
	int used;
	int broken; /* a piece was missing: stop appending */
	struct tt_rec_data rec;
	uint8_t *buf; /* owned, cap bytes */
	uint32_t cap;
};

struct tt_merge {
	uint32_t max_bytes;
	tt_merge_emit_fn emit;
	void *ctx;
	struct pending slots[SLOTS];
};

struct tt_merge *tt_merge_new(uint32_t max_bytes, tt_merge_emit_fn emit, void *ctx)
{
	struct tt_merge *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->max_bytes = max_bytes;
	m->emit = emit;
	m->ctx = ctx;
	return m;
}

static void to_rec(struct tt_rec_data *r, const struct tt_ev_data *ev)
{
	memset(r, 0, sizeof(*r));
	r->ts_ns = ev->h.ts_ns;
	r->ts_enter_ns = ev->ts_enter_ns;
	r->sock_id = ev->sock_ino;
	r->pid = ev->h.tgid;
	r->tid = ev->h.tid;
	r->fd = ev->fd;
	r->dir = ev->dir;
	r->syscall = ev->syscall;
	r->flags = ev->h.flags & ~TT_EVF_LAST;
	r->call_bytes = ev->call_bytes;
	r->seg_off = ev->seg_off;
	r->cap_len = 0;
	r->msg_idx = ev->msg_idx;
}

static int finish(struct tt_merge *m, struct pending *p)
{
	int err = m->emit(m->ctx, &p->rec, p->buf);

	p->used = 0;
	p->broken = 0;
	if (p->cap > KEEP_BUF) {
		free(p->buf);
		p->buf = NULL;
		p->cap = 0;
	}
	return err;
}

/* The slot holding tid's pending call, else a free slot for it, else NULL. */
static struct pending *find(struct tt_merge *m, uint32_t tid, struct pending **free_slot)
{
	uint32_t h = (tid * 2654435761u) % SLOTS, i;

	*free_slot = NULL;
	for (i = 0; i < WAYS; i++) {
		struct pending *p = &m->slots[(h + i) % SLOTS];

		if (p->used && p->rec.tid == tid)
			return p;
		if (!p->used && !*free_slot)
			*free_slot = p;
	}
	return NULL;
}

int tt_merge_piece(struct tt_merge *m, const struct tt_ev_data *ev, const void *payload)
{
	struct pending *free_slot, *p = find(m, ev->h.tid, &free_slot);
	int last = !!(ev->h.flags & TT_EVF_LAST);
	int err;

	if (p && (p->rec.ts_enter_ns != ev->ts_enter_ns || p->rec.msg_idx != ev->msg_idx)) {
		/* A new call while the old one waits: the old one's last piece never came. */
		p->rec.flags |= TT_DATA_DROPPED;
		err = finish(m, p);
		if (err < 0)
			return err;
		free_slot = p;
		p = NULL;
	}
	/* Fast path: a whole call in one piece. */
	if (!p && last && ev->seg_off == 0) {
		struct tt_rec_data r;

		to_rec(&r, ev);
		r.cap_len = ev->cap_len;
		return m->emit(m->ctx, &r, payload);
	}
	if (!p) {
		if (!free_slot) {
			/* Every way busy: finish the first early (its later pieces start a new,
			 * DROPPED-marked record). */
			free_slot = &m->slots[(ev->h.tid * 2654435761u) % SLOTS];
			free_slot->rec.flags |= TT_DATA_DROPPED;
			err = finish(m, free_slot);
			if (err < 0)
				return err;
		}
		p = free_slot;
		to_rec(&p->rec, ev);
		p->used = 1;
		p->broken = 0;
		if (ev->seg_off != 0) {
			p->rec.flags |= TT_DATA_DROPPED; /* earlier pieces lost */
			p->broken = 1;
		}
	}
	p->rec.flags |= ev->h.flags & ~TT_EVF_LAST;
	p->rec.ts_ns = ev->h.ts_ns;
	if (!p->broken && ev->cap_len) {
		uint64_t end = p->rec.seg_off + p->rec.cap_len;

		if (ev->seg_off != end || end + ev->cap_len > m->max_bytes) {
			p->broken = 1;
			p->rec.flags |= TT_DATA_DROPPED;
		} else {
			uint32_t need = p->rec.cap_len + ev->cap_len;

			if (need > p->cap) {
				uint32_t ncap = p->cap ? p->cap : 65536;
				uint8_t *nb;

				while (ncap < need)
					ncap *= 2;
				if (ncap > m->max_bytes)
					ncap = m->max_bytes;
				nb = realloc(p->buf, ncap);
				if (!nb)
					return -ENOMEM;
				p->buf = nb;
				p->cap = ncap;
			}
			memcpy(p->buf + p->rec.cap_len, payload, ev->cap_len);
			p->rec.cap_len = need;
		}
	}
	if (last)
		return finish(m, p);
	return 0;
}

int tt_merge_flush(struct tt_merge *m)
{
	int i, err, first = 0;

	if (!m)
		return 0;
	for (i = 0; i < SLOTS; i++) {
		if (!m->slots[i].used)
			continue;
		m->slots[i].rec.flags |= TT_DATA_DROPPED;
		err = finish(m, &m->slots[i]);
		if (err < 0 && !first)
			first = err;
	}
	return first;
}

void tt_merge_free(struct tt_merge *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < SLOTS; i++)
		free(m->slots[i].buf);
	free(m);
}
