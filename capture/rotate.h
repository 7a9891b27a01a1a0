/* SPDX-License-Identifier: MIT */
/*
 * capture/rotate.h - the flight recorder's file set: when to start the next file, what it is
 * called, and which old files to delete (tcpdump's -C/-W/-G, and --max-disk/--max-age).
 *
 * -o DIR/session.tinytap names the set: its files are DIR/session-YYYYmmddTHHMMSSZ-NNNNNN.tinytap
 * (UTC start time, then a sequence number), so name order is time order and `ls` and
 * `tinytap-show DIR` read them in order. Files of earlier runs with the same stem count in the
 * limits too (a recorder restarted every day keeps the same bounded directory).
 *
 * The policy arithmetic (tt_rotate_due(), tt_rotate_plan(), the names) is pure and tested alone
 * (tests/test_rotate.c); struct tt_rotate applies it to a directory.
 *
 * Ownership: struct tt_rotate owns the fd of the current file (closed at the next
 * tt_rotate_next() or at tt_rotate_free()) and a copy of the base path.
 */
#ifndef TINYTAP_ROTATE_H
#define TINYTAP_ROTATE_H

#include <stddef.h>
#include <stdint.h>

struct tt_rotate_policy {
	uint64_t file_bytes; /* -C: start the next file once this one holds this many bytes; 0 */
	uint64_t file_secs;  /* -G: start the next file every so many seconds; 0 */
	uint32_t files;	     /* -W: keep the newest N files (the current one included); 0: all */
	uint64_t max_disk;   /* --max-disk: delete the oldest while the set is larger; 0 */
	uint64_t max_age_s;  /* --max-age: delete files that ended longer ago than this; 0 */
};

/* 1 when any limit is set, i.e. the recording is a set of files. */
int tt_rotate_enabled(const struct tt_rotate_policy *p);

/* Fills the simple forms in: --max-disk alone rotates every max_disk/10 bytes (1 MiB at least),
 * --max-age alone every max_age/10 seconds (1 s to 1 h). */
void tt_rotate_policy_complete(struct tt_rotate_policy *p);

/* 1 when the current file (bytes written, ms since it started) should be closed now. */
int tt_rotate_due(const struct tt_rotate_policy *p, uint64_t file_bytes, uint64_t age_ms);

/* One file of the set, oldest first; the last one given to tt_rotate_plan() is the current
 * file, never deleted. */
struct tt_rotate_file {
	char *name;	 /* file name (no directory); owned by whoever made the array */
	uint64_t bytes;	 /* its size */
	int64_t mtime_s; /* when it was last written (its end), wall seconds */
	int del;	 /* out: 1 = delete it */
};

/*
 * Marks (del = 1) the files to delete so that, counting the current file (files[n-1]) as
 * reserve bytes (what it may grow to): at most p->files remain, their sizes add up to at most
 * p->max_disk, and none ended before now_s - p->max_age_s. The oldest go first; the current
 * file is never marked. Returns how many were marked.
 */
size_t tt_rotate_plan(struct tt_rotate_file *files, size_t n, const struct tt_rotate_policy *p,
		      int64_t now_s, uint64_t reserve);

/* "STEM-YYYYmmddTHHMMSSZ-NNNNNN.tinytap" for wall time t (UTC) and seq; -ENAMETOOLONG if it does
 * not fit in size. */
int tt_rotate_name(char *buf, size_t size, const char *stem, int64_t t, uint32_t seq);

/* 1 when name is a file of the set stem (the pattern above, any time and sequence). */
int tt_rotate_is_member(const char *name, const char *stem);

struct tt_rotate;

/* The set named by base ("DIR/STEM.tinytap", "DIR/STEM", or an existing directory: STEM =
 * "session"). NULL + errno: -ENOTDIR/-ENOENT when the directory is not there. */
struct tt_rotate *tt_rotate_new(const char *base, const struct tt_rotate_policy *p);

/* Closes the current file and creates the next one (0600, the sudo user's, as a single -o
 * file); then deletes what the policy says. Returns its fd (owned by r), or -errno. *deleted
 * (may be NULL) gets how many old files went. */
int tt_rotate_next(struct tt_rotate *r, int64_t now_wall_s, size_t *deleted);

/* Deletes what the policy says now (--max-age: also while the current file is young).
 * Returns how many files went. */
size_t tt_rotate_prune(struct tt_rotate *r, int64_t now_wall_s);

/* The policy r applies (completed). */
const struct tt_rotate_policy *tt_rotate_policy_of(const struct tt_rotate *r);

/* The current file's path ("" before the first tt_rotate_next()). */
const char *tt_rotate_path(const struct tt_rotate *r);
/* Files created and deleted so far. */
uint64_t tt_rotate_created(const struct tt_rotate *r);
uint64_t tt_rotate_deleted(const struct tt_rotate *r);
/* The first chown error met (0 when none), for one warning. */
int tt_rotate_chown_err(const struct tt_rotate *r);

void tt_rotate_free(struct tt_rotate *r);

#endif
