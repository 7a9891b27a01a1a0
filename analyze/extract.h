/* SPDX-License-Identifier: MIT */
/*
 * analyze/extract.h - which records of a recording belong to the connections a filter selected
 * (tinytap-show -w OUT: the file to attach to a bug report).
 *
 * Three reads of the same input: the analysis marks the sockets of matching transactions
 * (tt_extract_select); a scan collects the processes that used those sockets (tt_extract_scan);
 * the copy keeps, in the input's order, every record tt_extract_wanted() accepts: DATA, CONN and
 * CLOSE of the selected sockets, PROCESS and PROCESS_EXIT of their processes, CGROUP of those
 * processes' cgroups, and every LOSS, CLOCK_SYNC, STATS and END record (they hold for the whole
 * capture).
 *
 * Memory: two sets of 64-bit ids (analyze/map64.h), growing with the number of selected sockets
 * and processes (about 24 bytes per entry; not bounded by a cap, since the output must hold
 * every one).
 *
 * Ownership: the extract object owns its sets; records are borrowed for the duration of a call.
 */
#ifndef TINYTAP_EXTRACT_H
#define TINYTAP_EXTRACT_H

#include <stdint.h>

#include "format/record.h"

struct tt_extract;

/* NULL + errno on failure. */
struct tt_extract *tt_extract_new(void);
/* A transaction on this socket matched: 0 or -ENOMEM. */
int tt_extract_select(struct tt_extract *x, uint64_t sock_id);
/* Second read: notes the process of every record of a selected socket. 0 or -ENOMEM. */
int tt_extract_scan(struct tt_extract *x, const struct tt_record *rec);
/* End of the second read: the selected processes' cgroups are known. 0 or -ENOMEM. */
int tt_extract_scan_done(struct tt_extract *x);
/* Third read: 1 when the record goes to the output. */
int tt_extract_wanted(const struct tt_extract *x, const struct tt_record *rec);
/* Selected sockets and their processes so far. */
uint64_t tt_extract_sockets(const struct tt_extract *x);
uint64_t tt_extract_processes(const struct tt_extract *x);
void tt_extract_free(struct tt_extract *x);

#endif
