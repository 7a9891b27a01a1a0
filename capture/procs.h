/* SPDX-License-Identifier: MIT */
/*
 * capture/procs.h - what /proc says about running processes (the PROCESS records written at start,
 * and the pid set that -p/-c seed into the BPF filter).
 *
 * Ownership: plain data; tt_procs_scan() hands each record to the callback, borrowed for the call.
 */
#ifndef TINYTAP_PROCS_H
#define TINYTAP_PROCS_H

#include <stdint.h>

#include "format/record.h"

/* Fills a PROCESS record (origin SCAN) for pid from /proc. Returns 0 or -errno (gone). */
int tt_procs_read(uint32_t pid, struct tt_rec_process *rec);

/* Calls fn for every process in /proc (stops at the first negative return, which it returns). */
int tt_procs_scan(int (*fn)(void *ctx, const struct tt_rec_process *rec), void *ctx);

/* Where cgroup v2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid systems). */
const char *tt_procs_cgroup2_root(void);

/* cgroup v2 id (inode of its directory) of pid, 0 if unknown. */
uint64_t tt_procs_cgroup_id(uint32_t pid);

#endif
