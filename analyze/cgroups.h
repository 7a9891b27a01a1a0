/* SPDX-License-Identifier: MIT */
/*
 * analyze/cgroups.h - the recording's cgroups (CGROUP records, FORMAT.md 6.9): who a process was,
 * container or systemd unit, by its PROCESS record's cgroup id.
 *
 * The engine keeps one table and gives each transaction the entry of its process's cgroup
 * (struct tt_txn's cg). A CGROUP record counts from the moment it is read, wherever it is in the
 * file (the recorder writes it a few milliseconds after the first PROCESS that names the id).
 * A later record for the same id replaces the entry; the old one stays valid (transactions
 * may point at it) until the table is freed.
 *
 * Memory: at most TT_CGTABLE_MAX entries and TT_CGTABLE_BYTES bytes of strings (old entries
 * included); records past either cap are counted and ignored.
 *
 * Ownership: the table owns its entries and their strings; a const struct tt_cginfo * from it
 * is valid until tt_cgtable_free().
 */
#ifndef TINYTAP_ANALYZE_CGROUPS_H
#define TINYTAP_ANALYZE_CGROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "format/record.h"

#define TT_CGTABLE_MAX	 65536
#define TT_CGTABLE_BYTES (16u << 20)

/* One cgroup, as its CGROUP record says. Strings are NUL-terminated and printable (control
 * characters became '_'), NULL when the record does not have them. */
struct tt_cginfo {
	uint64_t id;
	uint8_t kind;	/* enum tt_cgroup_kind */
	uint8_t status; /* enum tt_cgroup_status */
	const char *path;
	const char *container_id;
	const char *container;
	const char *image;
	const char *compose_project, *compose_service;
	const char *pod, *namespace_, *pod_uid;
	const char *unit;
	/* the name the line shows: the container ("pod/container" in Kubernetes, the id's first
	 * 12 digits when nothing else is known) or the unit; NULL for other cgroups */
	const char *label;
};

struct tt_cgtable;

struct tt_cgtable *tt_cgtable_new(void);
/* A CGROUP record (its fixed part and attrs_len attribute bytes). 0, 1 when it was ignored
 * (a cap), -ENOMEM. */
int tt_cgtable_add(struct tt_cgtable *t, const struct tt_rec_cgroup *r, const uint8_t *attrs);
/* The entry for a cgroup id, or NULL. */
const struct tt_cginfo *tt_cgtable_get(const struct tt_cgtable *t, uint64_t id);
size_t tt_cgtable_len(const struct tt_cgtable *t);
void tt_cgtable_free(struct tt_cgtable *t);

#endif
