/* SPDX-License-Identifier: MIT */
/*
 * capture/opened.h - what is open right now (sockets, processes, named cgroups), so that each
 * file of a rotated set starts with its own snapshot: CGROUP, PROCESS and CONN records of
 * everything still open, and a file read alone names every socket's process and addresses.
 *
 * The table follows the records the recorder writes: CONN adds a socket and CLOSE removes it,
 * PROCESS adds a process and PROCESS_EXIT removes it, CGROUP adds a cgroup. A socket whose close
 * was never seen (its process exited: the kernel closed it without a close() call) goes at the
 * next tt_opened_prune(), which keeps only the sockets the process that opened them still holds
 * (/proc/PID/fd) and the cgroups a kept process is in. Bounded: at most TT_OPENED_MAX_SOCKS
 * sockets, TT_OPENED_MAX_PROCS processes and TT_OPENED_MAX_CGROUPS cgroups; past a cap the new
 * entry is not kept (counted in tt_opened_stats.refused) and the next file's snapshot lacks it (its
 * later records still name it, as for a socket opened before recording started).
 *
 * Ownership: the table owns copies of every record it keeps.
 */
#ifndef TINYTAP_OPENED_H
#define TINYTAP_OPENED_H

#include <stddef.h>
#include <stdint.h>

#define TT_OPENED_MAX_SOCKS   65536
#define TT_OPENED_MAX_PROCS   65536
#define TT_OPENED_MAX_CGROUPS 4096

struct tt_opened;

struct tt_opened_stats {
	size_t socks, procs, cgroups; /* held now */
	uint64_t refused;	      /* not kept: a table was full */
	uint64_t pruned;	      /* sockets and cgroups dropped by tt_opened_prune() */
};

/* NULL + errno on failure. */
struct tt_opened *tt_opened_new(void);

/* Follows one record as written (body; for CGROUP its attribute bytes in payload). Other types
 * are ignored. Out of memory: the record is not kept (refused). */
void tt_opened_note(struct tt_opened *o, uint32_t type, const void *body, uint32_t len,
		    const void *payload, uint32_t payload_len);

/* Drops the sockets their process no longer holds (one /proc/PID/fd read per process that has
 * kept sockets; dropped(ctx, sock_id) for each, may be NULL), the processes gone from /proc
 * (an exit lost with a full ring) and the cgroups no kept process is in. */
void tt_opened_prune(struct tt_opened *o, void (*dropped)(void *ctx, uint64_t sock_id), void *ctx);

/* Hands every kept record to add(), cgroups first, then processes, then sockets, with ts_ns set
 * to ts and the origin of PROCESS and CONN records set to TT_PROC_SNAPSHOT/TT_ORIGIN_SNAPSHOT.
 * Stops at the first add() < 0 and returns it; else the number of records. */
typedef int (*tt_opened_add_fn)(void *ctx, uint32_t type, const void *body, uint32_t len,
				const void *payload, uint32_t payload_len);
int tt_opened_replay(struct tt_opened *o, uint64_t ts, tt_opened_add_fn add, void *ctx);

void tt_opened_get_stats(const struct tt_opened *o, struct tt_opened_stats *st);

/* NULL is a no-op. */
void tt_opened_free(struct tt_opened *o);

#endif
