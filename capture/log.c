// SPDX-License-Identifier: MIT
/*
 * capture/log.c - tinytap-record's one-line diagnostics and libbpf's print callback.
 */
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "capture/log.h"

static bool verbose, quiet;

void tt_log_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("tinytap-record: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!verbose && (level != LIBBPF_WARN || quiet))
		return 0;
	return vfprintf(stderr, fmt, args);
}

void tt_log_libbpf_quiet(bool q)
{
	quiet = q;
}

void tt_log_setup_libbpf(bool v)
{
	verbose = v;
	libbpf_set_print(libbpf_print);
}
