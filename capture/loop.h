/* SPDX-License-Identifier: MIT */
/*
 * capture/loop.h - tinytap-record's recording loop: drains the BPF ring buffer, turns its events
 * into .tinytap records (the DATA pieces of a call merged back into one record), and every
 * second writes CLOCK_SYNC, LOSS and STATS records and the status line; at the end, END with
 * the totals, and the summary line.
 *
 * Ownership: struct tt_loop owns its writer, its ring buffer consumer and its merger. The output
 * fd and the strings in the config are borrowed until tt_loop_free() (the caller closes the fd
 * after it). Failures print one line on stderr, except write errors: tt_loop_finish() returns
 * the first one for the caller to report.
 */
#ifndef TINYTAP_LOOP_H
#define TINYTAP_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct tt_cgroups;
struct tt_tls;

/* What ended the recording: END's exit_reason (format/record.h struct tt_rec_stats). */
enum tt_loop_end {
	TT_END_SIGNAL = 0,
	TT_END_DURATION = 1,
	TT_END_COMMAND = 2,
	TT_END_ERROR = 3,
	TT_END_ROTATED = 4, /* a file of a set: the recording goes on in the next file */
};

struct tt_rotate;

struct tt_loop_config {
	int ring_fd;	      /* the BPF ring buffer map */
	int counters_fd;      /* the per-CPU struct tt_counters map */
	const volatile uint64_t *lost_seq; /* the BPF side's lost_seq (mapped memory) */
	int ncpus;	      /* possible CPUs: entries per counters lookup */
	uint32_t snaplen;     /* payload bytes kept per call */
	int out_fd;	      /* the .tinytap goes here (-1 with rotate) */
	const char *out_name; /* for messages: the path, or "-" */
	struct tt_rotate *rotate; /* a set of files (capture/rotate.h): the loop opens them, each
				     with a snapshot of what is open; borrowed; NULL: out_fd */
	bool redact;		  /* mask secrets in payloads before they are written
				     (analyze/redact.h, the rules of tinytap-show --redact) */
	int argc;	      /* the command line, for the file header */
	char **argv;
	bool status_line; /* a live status line on stderr (a terminal, not -q) */
	struct tt_cgroups *cgroups; /* names the cgroups of PROCESS records (CGROUP records);
				       borrowed; NULL: none */
	struct tt_tls *tls; /* looks at exec'd processes' libraries (OpenSSL uprobes); borrowed;
			       NULL: --no-tls */
};

struct tt_loop;

/* Opens the ring buffer consumer and the writer (file header, first CLOCK_SYNC). NULL after one
 * line on stderr. */
struct tt_loop *tt_loop_new(const struct tt_loop_config *cfg);

/* Appends one record (its body); >= 0, or -errno, which also ends the loop. */
int tt_loop_add(struct tt_loop *l, uint32_t type, const void *body, uint32_t len);

/* Called after every poll of the ring (every 20 ms at least) with the ms since the loop started:
 * an enum tt_loop_end value to stop, or -1 to go on. */
typedef int (*tt_loop_stop_fn)(void *ctx, uint64_t elapsed_ms);

/* Records until *stop is set (a signal), stop_fn says so, or a write fails. Returns why it
 * stopped (enum tt_loop_end). */
int tt_loop_run(struct tt_loop *l, volatile sig_atomic_t *stop, tt_loop_stop_fn stop_fn, void *ctx);

/* Unless a write failed: drains what the kernel holds, finishes pending calls, writes END with
 * end as its reason. Then closes the writer. Returns 0, or the first write error (-errno). */
int tt_loop_finish(struct tt_loop *l, int end);

/* "tinytap-record: N events, X captured in T s, lost ..." then tail (may be "") and a newline,
 * on stderr, after clearing the status line. */
void tt_loop_print_summary(const struct tt_loop *l, const char *tail);

/* Files started and finished by rotation, and the state table's figures (0 without rotate). */
struct tt_loop_rotation_stats {
	uint64_t files;		/* files started, the first included */
	uint64_t rotate_us_max; /* the longest rotation: END, close, open, header, snapshot */
	uint64_t rotate_us_sum;
	uint64_t snapshot_records; /* in the last snapshot */
	size_t socks, procs, cgroups; /* what is open, as the table holds it now */
	uint64_t refused;
};
void tt_loop_get_rotation_stats(const struct tt_loop *l, struct tt_loop_rotation_stats *st);

/* Closes the writer if tt_loop_finish() did not, frees everything. NULL is a no-op. */
void tt_loop_free(struct tt_loop *l);

#endif
