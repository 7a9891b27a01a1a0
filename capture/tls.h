/* SPDX-License-Identifier: MIT */
/*
 * capture/tls.h - TLS plaintext: attaches the OpenSSL uprobes of bpf/tinytap.bpf.c (SSL_read,
 * SSL_write, SSL_read_ex, SSL_write_ex: entry and return) to every libssl file processes use,
 * once per file (device and inode): the system's libssl.so.3 / libssl.so.1.1 at start, the ones
 * running processes map (/proc/PID/maps, through /proc/PID/root for containers), and the ones a
 * process started later maps (looked at shortly after its exec, when the loader has mapped its
 * libraries). Processes whose TLS cannot be hooked this way (GnuTLS, NSS, Go's crypto/tls, a
 * statically linked OpenSSL or BoringSSL) are named once per executable.
 *
 * Ownership: struct tt_tls owns its uprobe links (destroy it before the BPF object); it borrows
 * the programs. Diagnostics go to stderr (this is the program, not a library).
 */
#ifndef TINYTAP_TLS_H
#define TINYTAP_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/record.h"

struct bpf_program;

/* The OpenSSL functions hooked, in this order in struct tt_tls_progs. */
#define TT_TLS_NFUNCS 4

struct tt_tls_progs {
	/* SSL_write, SSL_read, SSL_write_ex, SSL_read_ex */
	struct bpf_program *entry[TT_TLS_NFUNCS];
	struct bpf_program *ret[TT_TLS_NFUNCS];
};

struct tt_tls;

/* NULL + errno on failure. verbose: one line per library hooked, and a "TLS library not hooked:
 * ..." line per executable whose TLS code cannot be hooked. */
struct tt_tls *tt_tls_new(const struct tt_tls_progs *progs, bool verbose);

/* The TLS_UNHOOKED records so far (one per such executable, the first 256), in the order found:
 * the loop writes the new ones into the file, and all of them into each later file of a set. */
size_t tt_tls_reports(const struct tt_tls *t, const struct tt_rec_tls_unhooked **recs);

/* Hooks the libssl files in the usual library directories. Returns how many files are hooked. */
int tt_tls_scan_system(struct tt_tls *t);

/* Hooks the libssl files pid maps; names its TLS library if it cannot be hooked. */
void tt_tls_scan_pid(struct tt_tls *t, uint32_t pid);

/* A process exec'd now (now_ms: any monotonic ms): it is scanned a few times in the next two
 * seconds, as its loader maps libraries (tt_tls_tick()). */
void tt_tls_note_exec(struct tt_tls *t, uint32_t pid, uint64_t now_ms);

/* Runs the scans that are due. */
void tt_tls_tick(struct tt_tls *t, uint64_t now_ms);

/* Files hooked so far. */
int tt_tls_files(const struct tt_tls *t);

/* Detaches and frees. NULL is a no-op. */
void tt_tls_free(struct tt_tls *t);

#endif
