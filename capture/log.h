/* SPDX-License-Identifier: MIT */
/*
 * capture/log.h - tinytap-record's diagnostics: one line each on stderr, "tinytap-record: ...",
 * and libbpf's own messages (warnings only, everything with -v).
 *
 * Ownership: no state but the -v flag; nothing passed in is kept.
 */
#ifndef TINYTAP_LOG_H
#define TINYTAP_LOG_H

#include <stdbool.h>

/* One line on stderr: "tinytap-record: ", the message, a newline. */
void tt_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Routes libbpf's messages to stderr: its warnings, or everything when verbose (-v). */
void tt_log_setup_libbpf(bool verbose);

/* While a BPF load that has a fallback is tried: its libbpf warnings are dropped (but with -v). */
void tt_log_libbpf_quiet(bool quiet);

#endif
