/* SPDX-License-Identifier: MIT */
/*
 * capture/options.h - tinytap-record's command line: what to record, where to and for how long.
 *
 * Ownership: struct tt_options is plain data; its strings and cmd point into argv (borrowed for
 * the life of the program).
 */
#ifndef TINYTAP_OPTIONS_H
#define TINYTAP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/rotate.h"

#define TT_OPT_MAX_PIDS	       64
#define TT_OPT_MAX_PORTS       16 /* bpf/tinytap.h TT_MAX_PORTS */
#define TT_OPT_DEFAULT_SNAPLEN (256u * 1024)
#define TT_OPT_MAX_CONTAINERS  16

/* Exit statuses, as -h documents them. */
enum { TT_EXIT_OK = 0, TT_EXIT_RUNTIME = 1, TT_EXIT_USAGE = 2 };

struct tt_options {
	const char *output; /* a path, or "-" for stdout */
	uint32_t pids[TT_OPT_MAX_PIDS];
	int npids;
	const char *comm;
	uint16_t ports[TT_OPT_MAX_PORTS]; /* distinct; none: any port */
	int nports;
	const char *cgroup;
	const char *containers[TT_OPT_MAX_CONTAINERS]; /* --container NAME|ID, repeatable */
	int ncontainers;
	uint64_t snaplen;
	uint64_t duration_s; /* --duration: stop after; 0: until stopped */
	struct tt_rotate_policy rotate; /* -C -W -G --max-disk --max-age; all 0: one file */
	bool redact;			/* --redact: mask secrets before they are written */
	uint64_t ring_mib;
	bool udp;
	bool quiet;
	bool verbose;
	bool no_tls; /* --no-tls: no OpenSSL uprobes, ciphertext only */
	const char *user; /* -Z USER: run as USER once attached */
	char **cmd; /* argv after "--", or NULL */
};

/*
 * Fills o from the command line (defaults first). Returns 0 to record, 1 when -h printed the
 * help on stdout (exit 0), -EINVAL after one line on stderr for a usage error (exit 2).
 */
int tt_options_parse(struct tt_options *o, int argc, char **argv);

#endif
