/* SPDX-License-Identifier: MIT */
/*
 * capture/cgroups.h - names for the cgroups a recording sees (CGROUP records, FORMAT.md 6.9),
 * and the --container filter.
 *
 * The recording loop calls tt_cgroups_note() for every PROCESS record it writes: a cgroup id not
 * seen before goes to a worker thread, which finds the cgroup's path (by its id, through
 * open_by_handle_at() on the cgroup v2 mount, else /proc/PID/cgroup), what the path says and
 * what the container runtime's files say (capture/cgnames.h), and queues a CGROUP record. The
 * loop writes the queued records with tt_cgroups_drain() after each poll of the ring: nothing
 * the kernel handed over waits for a look-up, and the records of the ring stay in their order.
 * A look-up reads a few small files (milliseconds); a daemon socket is given a second at most.
 *
 * --container NAME|ID (and --cgroup with it): the BPF side records the cgroups whose entry in
 * its map is 1 and, so that containers started later are seen from their first process, also
 * cgroups created after the recording started (ids above the largest at start) that have no
 * entry yet. The worker decides each such cgroup when a process of it first shows up, and every
 * second for new cgroup directories, and writes 1 or 0 into the map. Until then (milliseconds)
 * a new cgroup's processes are recorded whatever they are.
 *
 * Ownership: struct tt_cgroups owns its thread, queues and records; the config's strings and
 * the container names are borrowed for its life. tt_cgroups_note() and tt_cgroups_drain() are
 * called from one thread (the loop's).
 */
#ifndef TINYTAP_CGROUPS_H
#define TINYTAP_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>

#include "format/record.h"

#define TT_CGROUPS_MAX 65536 /* cgroups named per recording; later ones are counted */

struct tt_cgroups_config {
	const char *mount;	       /* the cgroup v2 mount (tt_procs_cgroup2_root()) */
	int filter_fd;		       /* the BPF cgroups map under --container, else -1 */
	uint64_t new_above;	       /* cgroup ids above this were created after the start */
	const char *const *containers; /* --container values */
	int ncontainers;
	const char *cgroup; /* --cgroup (a path below the mount, or a directory), or NULL */
	bool verbose;	    /* -v: one line per cgroup looked up */
};

struct tt_cgroups;

/* Finds the runtimes' data roots and starts the worker. NULL + errno. */
struct tt_cgroups *tt_cgroups_new(const struct tt_cgroups_config *cfg);

/* --container: decides every cgroup that exists now (1 in the map for the named containers and
 * whatever is below them); matched[i] gets how many containers value i matched. Before the
 * recording starts. 0 or -errno. */
int tt_cgroups_seed(struct tt_cgroups *c, int *matched);

/* A PROCESS record with this cgroup id is being written (pid: a process in it, for the
 * /proc/PID/cgroup fallback). Cheap: a set look-up, and a queue push for a new id. */
void tt_cgroups_note(struct tt_cgroups *c, uint64_t cgroup_id, uint32_t pid);

/* Hands every record the worker finished to add() (body, then its attrs_len attribute bytes),
 * in the order the ids were noted; stops at add()'s first negative return, which it returns. */
int tt_cgroups_drain(struct tt_cgroups *c,
		     int (*add)(void *ctx, const struct tt_rec_cgroup *rec, const uint8_t *attrs),
		     void *ctx);

/* Waits until every noted id is looked up, at most timeout_ms. The ids still waiting then. */
int tt_cgroups_wait(struct tt_cgroups *c, int timeout_ms);

/* Where the worker found runtimes' files, one line each (for -v). */
void tt_cgroups_describe(struct tt_cgroups *c, void (*line)(const char *msg));

struct tt_cgroups_stats {
	uint64_t noted;	     /* distinct cgroups noted */
	uint64_t named;	     /* CGROUP records handed out */
	uint64_t containers; /* of them, containers */
	uint64_t no_metadata, bad_metadata, no_path;
	uint64_t over_cap; /* cgroups past TT_CGROUPS_MAX, without a record */
};
void tt_cgroups_get_stats(struct tt_cgroups *c, struct tt_cgroups_stats *st);

/* Stops the worker (the look-up in progress finishes first), frees. NULL is a no-op. */
void tt_cgroups_free(struct tt_cgroups *c);

/* The largest cgroup id (directory inode) under mount: cgroup ids only grow, so a cgroup
 * created later has a larger one. 0 if the mount cannot be read. */
uint64_t tt_cgroups_max_id(const char *mount);

#endif
