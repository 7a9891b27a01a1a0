/* SPDX-License-Identifier: MIT */
/*
 * capture/attach.h - the kernel side of tinytap-record: checks that this machine can run it,
 * loads bpf/tinytap.bpf.c with the options as load-time constants, seeds its filter maps (-p, -c,
 * --cgroup), attaches the programs and takes them all down again.
 *
 * Ownership: struct tt_attach owns the BPF object, its maps and its links; the map fds it hands
 * out are borrowed until tt_attach_free(). It borrows the options until then. Every failure
 * prints one line on stderr (this is the program, not a library).
 */
#ifndef TINYTAP_ATTACH_H
#define TINYTAP_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/options.h"
#include "format/record.h"

struct tt_attach;

/* Root (or CAP_BPF + CAP_PERFMON), the BPF ring buffer (Linux >= 5.8), kernel BTF, tracefs
 * (mounted if missing). Returns 0, or -1 after one line on stderr. */
int tt_attach_check_env(void);

/* Opens and loads the BPF programs (not attached yet, but for the raw_tp sys_exit program, whose
 * attach tells whether raw_tp works), probing what the kernel offers and falling back where it
 * lacks something (docs/kernels.md; TINYTAP_BPF_FALLBACK forces fallbacks). NULL after one line
 * on stderr. */
struct tt_attach *tt_attach_open(const struct tt_options *o);

/* "syscalls by raw_tp sys_enter/sys_exit, fork by tp_btf, clock bpf_ktime_get_boot_ns": what
 * this load uses (a static buffer). */
const char *tt_attach_describe(const struct tt_attach *a);

/* Call about once a second: with the monotonic-clock fallback, refreshes the offset to boot time
 * (it changes when the machine is suspended). */
void tt_attach_tick(struct tt_attach *a);

/* Seeds the filters: -p pids, processes named -c COMM, the children already running of both,
 * the --cgroup subtree. Returns 0, or -1 after one line on stderr. */
int tt_attach_seed(struct tt_attach *a);

/* Attaches every program (syscall exits first). Returns 0, or -1 after one line on stderr. */
int tt_attach_start(struct tt_attach *a);

/* Records pid (and its future children) too, under a pid filter (command mode). */
void tt_attach_trace_pid(struct tt_attach *a, uint32_t pid);

/* Whether the filters let this (/proc scanned) process through; never this recorder. */
bool tt_attach_wants(const struct tt_attach *a, const struct tt_rec_process *rec);

/* The OpenSSL uprobes (capture/tls.h), owned by a; NULL with --no-tls or before
 * tt_attach_start(). */
struct tt_tls *tt_attach_tls(const struct tt_attach *a);

int tt_attach_ncpus(const struct tt_attach *a);	      /* possible CPUs */
int tt_attach_ring_fd(const struct tt_attach *a);     /* the ring buffer map */
int tt_attach_counters_fd(const struct tt_attach *a); /* per-CPU struct tt_counters */
/* The BPF side's count of lost events no ring event marks (mapped memory; only grows) */
const volatile uint64_t *tt_attach_lost_seq(const struct tt_attach *a);
int tt_attach_cgroup_fd(const struct tt_attach *a);   /* --cgroup/--container: id -> 1/0 */
/* --container: cgroup ids above this were created after the start (0: not in use) */
uint64_t tt_attach_cgroup_new_above(const struct tt_attach *a);

/* Detaches, unloads, frees. NULL is a no-op. */
void tt_attach_free(struct tt_attach *a);

#endif
