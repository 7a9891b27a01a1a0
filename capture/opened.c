// SPDX-License-Identifier: MIT
/*
 * capture/opened.c - what is open right now: three small chained hash tables of record copies.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/opened.h"
#include "format/record.h"

#define NBUCKETS 4096 /* per table; chains stay short at the caps */

struct ent {
	struct ent *next;
	uint64_t key;
	uint32_t len, plen;
	uint8_t data[]; /* len body bytes, then plen payload bytes */
};

struct table {
	struct ent *b[NBUCKETS];
	size_t n, cap;
};

struct tt_opened {
	struct table socks, procs, cgroups;
	uint64_t refused, pruned;
};

static size_t slot(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)(key & (NBUCKETS - 1));
}

static struct ent **find(struct table *t, uint64_t key)
{
	struct ent **pp = &t->b[slot(key)];

	while (*pp && (*pp)->key != key)
		pp = &(*pp)->next;
	return pp;
}

static void del(struct table *t, uint64_t key)
{
	struct ent **pp = find(t, key), *e = *pp;

	if (!e)
		return;
	*pp = e->next;
	free(e);
	t->n--;
}

static void put(struct tt_opened *o, struct table *t, uint64_t key, const void *body, uint32_t len,
		const void *payload, uint32_t plen)
{
	struct ent **pp = find(t, key), *e = *pp, *ne;

	if (!e && t->n >= t->cap) {
		o->refused++;
		return;
	}
	if (e && e->len == len && e->plen == plen) { /* the same sizes: in place */
		memcpy(e->data, body, len);
		if (plen)
			memcpy(e->data + len, payload, plen);
		return;
	}
	ne = malloc(sizeof(*ne) + len + plen);
	if (!ne) {
		o->refused++;
		return;
	}
	ne->key = key;
	ne->len = len;
	ne->plen = plen;
	memcpy(ne->data, body, len);
	if (plen)
		memcpy(ne->data + len, payload, plen);
	if (e) {
		ne->next = e->next;
		free(e);
	} else {
		ne->next = NULL;
		t->n++;
	}
	*pp = ne;
}

static void clear(struct table *t)
{
	for (size_t i = 0; i < NBUCKETS; i++)
		while (t->b[i]) {
			struct ent *e = t->b[i];
			t->b[i] = e->next;
			free(e);
		}
	t->n = 0;
}

struct tt_opened *tt_opened_new(void)
{
	struct tt_opened *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->socks.cap = TT_OPENED_MAX_SOCKS;
	o->procs.cap = TT_OPENED_MAX_PROCS;
	o->cgroups.cap = TT_OPENED_MAX_CGROUPS;
	return o;
}

void tt_opened_note(struct tt_opened *o, uint32_t type, const void *body, uint32_t len,
		    const void *payload, uint32_t payload_len)
{
	switch (type) {
	case TT_REC_CONN:
		if (len >= sizeof(struct tt_rec_conn))
			put(o, &o->socks, ((const struct tt_rec_conn *)body)->sock_id, body,
			    sizeof(struct tt_rec_conn), NULL, 0);
		break;
	case TT_REC_CLOSE:
		if (len >= sizeof(struct tt_rec_close))
			del(&o->socks, ((const struct tt_rec_close *)body)->sock_id);
		break;
	case TT_REC_PROCESS:
		if (len >= sizeof(struct tt_rec_process))
			put(o, &o->procs, ((const struct tt_rec_process *)body)->pid, body,
			    sizeof(struct tt_rec_process), NULL, 0);
		break;
	case TT_REC_PROCESS_EXIT:
		if (len >= sizeof(struct tt_rec_process_exit))
			del(&o->procs, ((const struct tt_rec_process_exit *)body)->pid);
		break;
	case TT_REC_CGROUP:
		if (len >= sizeof(struct tt_rec_cgroup))
			put(o, &o->cgroups, ((const struct tt_rec_cgroup *)body)->cgroup_id, body,
			    sizeof(struct tt_rec_cgroup), payload, payload_len);
		break;
	}
}

/* The socket inodes pid holds now (/proc/PID/fd links "socket:[INO]"), into live. */
static void scan_fds(struct tt_opened *o, uint32_t pid, struct table *live)
{
	char path[64], link[64];
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	if (!(d = opendir(path)))
		return; /* gone (or not ours to see): none */
	for (struct dirent *e; (e = readdir(d));) {
		unsigned long long ino;
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);
		if (n <= 8)
			continue;
		link[n] = 0;
		if (sscanf(link, "socket:[%llu]", &ino) == 1 && !*find(live, ino))
			put(o, live, ino, "", 0, NULL, 0);
	}
	closedir(d);
}

void tt_opened_prune(struct tt_opened *o, void (*dropped)(void *ctx, uint64_t sock_id), void *ctx)
{
	/* Which sockets are open: those the processes that opened them still hold. A close the
	 * recording did not see (the process exited, or closed it in a way no close() shows)
	 * leaves the table here. */
	struct table *pids = calloc(1, sizeof(*pids)), *live = calloc(1, sizeof(*live));

	if (!pids || !live) {
		free(pids);
		free(live);
		return;
	}
	pids->cap = live->cap = SIZE_MAX;
	for (size_t i = 0; i < NBUCKETS; i++)
		for (struct ent *e = o->socks.b[i]; e; e = e->next) {
			uint32_t pid = ((const struct tt_rec_conn *)(void *)e->data)->pid;

			if (*find(pids, pid))
				continue;
			put(o, pids, pid, "", 0, NULL, 0);
			scan_fds(o, pid, live);
		}
	for (size_t i = 0; i < NBUCKETS; i++) {
		struct ent **pp = &o->socks.b[i];

		while (*pp) {
			struct ent *e = *pp;

			if (*find(live, e->key)) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			if (dropped)
				dropped(ctx, e->key);
			free(e);
			o->socks.n--;
			o->pruned++;
		}
	}
	clear(pids);
	clear(live);
	free(pids);
	free(live);
	/* a process whose exit the recording did not see (lost with a full ring) */
	for (size_t i = 0; i < NBUCKETS; i++) {
		struct ent **pp = &o->procs.b[i];

		while (*pp) {
			struct ent *e = *pp;
			char path[32];

			snprintf(path, sizeof(path), "/proc/%u", (unsigned)e->key);
			if (access(path, F_OK) == 0 || errno != ENOENT) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			free(e);
			o->procs.n--;
			o->pruned++;
		}
	}
	if (!o->cgroups.n)
		return;
	/* cgroups: kept while a kept process is in one (a small set: mark by a second table) */
	struct table *used = calloc(1, sizeof(*used));
	if (!used)
		return;
	used->cap = SIZE_MAX;
	for (size_t i = 0; i < NBUCKETS; i++)
		for (struct ent *e = o->procs.b[i]; e; e = e->next) {
			uint64_t id = ((const struct tt_rec_process *)(void *)e->data)->cgroup_id;
			if (id && !*find(used, id))
				put(o, used, id, "", 0, NULL, 0);
		}
	for (size_t i = 0; i < NBUCKETS; i++) {
		struct ent **pp = &o->cgroups.b[i];

		while (*pp) {
			struct ent *e = *pp;

			if (*find(used, e->key)) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			free(e);
			o->cgroups.n--;
			o->pruned++;
		}
	}
	clear(used);
	free(used);
}

int tt_opened_replay(struct tt_opened *o, uint64_t ts, tt_opened_add_fn add, void *ctx)
{
	int n = 0, err;

	for (size_t i = 0; i < NBUCKETS; i++)
		for (struct ent *e = o->cgroups.b[i]; e; e = e->next) {
			struct tt_rec_cgroup r;

			memcpy(&r, e->data, sizeof(r));
			r.ts_ns = ts;
			if ((err = add(ctx, TT_REC_CGROUP, &r, sizeof(r), e->data + e->len,
				       e->plen)) < 0)
				return err;
			n++;
		}
	for (size_t i = 0; i < NBUCKETS; i++)
		for (struct ent *e = o->procs.b[i]; e; e = e->next) {
			struct tt_rec_process r;

			memcpy(&r, e->data, sizeof(r));
			r.ts_ns = ts;
			r.origin = TT_PROC_SNAPSHOT;
			if ((err = add(ctx, TT_REC_PROCESS, &r, sizeof(r), NULL, 0)) < 0)
				return err;
			n++;
		}
	for (size_t i = 0; i < NBUCKETS; i++)
		for (struct ent *e = o->socks.b[i]; e; e = e->next) {
			struct tt_rec_conn r;

			memcpy(&r, e->data, sizeof(r));
			r.ts_ns = ts;
			r.origin = TT_ORIGIN_SNAPSHOT;
			if ((err = add(ctx, TT_REC_CONN, &r, sizeof(r), NULL, 0)) < 0)
				return err;
			n++;
		}
	return n;
}

void tt_opened_get_stats(const struct tt_opened *o, struct tt_opened_stats *st)
{
	st->socks = o->socks.n;
	st->procs = o->procs.n;
	st->cgroups = o->cgroups.n;
	st->refused = o->refused;
	st->pruned = o->pruned;
}

void tt_opened_free(struct tt_opened *o)
{
	if (!o)
		return;
	clear(&o->socks);
	clear(&o->procs);
	clear(&o->cgroups);
	free(o);
}
