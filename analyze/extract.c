// SPDX-License-Identifier: MIT
#include "analyze/extract.h"

#include <errno.h>
#include <stdlib.h>

#include "analyze/map64.h"

struct tt_extract {
	struct tt_map64 socks, pids; /* sets: the values are unused */
	struct tt_map64 pcg;	     /* scan: pid -> cgroup id of its last PROCESS record */
	struct tt_map64 cgs;	     /* after the scan: cgroups of the selected processes (a set) */
};

struct tt_extract *tt_extract_new(void)
{
	return calloc(1, sizeof(struct tt_extract)); /* zeroed maps are empty, with no cap */
}

void tt_extract_free(struct tt_extract *x)
{
	if (!x)
		return;
	tt_map64_free(&x->socks);
	tt_map64_free(&x->pids);
	tt_map64_free(&x->pcg);
	tt_map64_free(&x->cgs);
	free(x);
}

int tt_extract_select(struct tt_extract *x, uint64_t sock_id)
{
	return tt_map64_put(&x->socks, sock_id, 0);
}

/* The socket and process of a per-socket record; 0 when the record is not one. */
static int sock_of(const struct tt_record *rec, uint64_t *sock, uint32_t *pid)
{
	switch (rec->type) {
	case TT_REC_DATA:
		*sock = rec->u.data.sock_id;
		*pid = rec->u.data.pid;
		return 1;
	case TT_REC_CONN:
		*sock = rec->u.conn.sock_id;
		*pid = rec->u.conn.pid;
		return 1;
	case TT_REC_CLOSE:
		*sock = rec->u.close.sock_id;
		*pid = rec->u.close.pid;
		return 1;
	default:
		return 0;
	}
}

int tt_extract_scan(struct tt_extract *x, const struct tt_record *rec)
{
	uint64_t sock;
	uint32_t pid;
	if (sock_of(rec, &sock, &pid) && tt_map64_get(&x->socks, sock, NULL))
		return tt_map64_put(&x->pids, pid, 0);
	if (rec->type == TT_REC_PROCESS && rec->u.process.cgroup_id)
		return tt_map64_put(&x->pcg, rec->u.process.pid, rec->u.process.cgroup_id);
	return 0;
}

int tt_extract_scan_done(struct tt_extract *x)
{
	size_t pos = 0;
	uint64_t pid, cg;
	while (tt_map64_next(&x->pcg, &pos, &pid, &cg))
		if (tt_map64_get(&x->pids, pid, NULL) && tt_map64_put(&x->cgs, cg, 0) < 0)
			return -ENOMEM;
	tt_map64_free(&x->pcg);
	return 0;
}

int tt_extract_wanted(const struct tt_extract *x, const struct tt_record *rec)
{
	uint64_t sock;
	uint32_t pid;
	if (sock_of(rec, &sock, &pid))
		return tt_map64_get(&x->socks, sock, NULL);
	switch (rec->type) {
	case TT_REC_PROCESS:
		return tt_map64_get(&x->pids, rec->u.process.pid, NULL);
	case TT_REC_PROCESS_EXIT:
		return tt_map64_get(&x->pids, rec->u.process_exit.pid, NULL);
	case TT_REC_CGROUP: /* names of the selected processes' cgroups, no other */
		return tt_map64_get(&x->cgs, rec->u.cgroup.cgroup_id, NULL);
	case TT_REC_TLS_UNHOOKED: /* about a program: kept when that process is */
		return tt_map64_get(&x->pids, rec->u.tls_unhooked.pid, NULL);
	default: /* LOSS, CLOCK_SYNC, STATS, END: about the whole capture */
		return 1;
	}
}

uint64_t tt_extract_sockets(const struct tt_extract *x)
{
	return tt_map64_len(&x->socks);
}

uint64_t tt_extract_processes(const struct tt_extract *x)
{
	return tt_map64_len(&x->pids);
}
