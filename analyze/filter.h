/* SPDX-License-Identifier: MIT */
/*
 * analyze/filter.h - which transactions to show. Every flag adds a condition (AND); a comma list
 * inside one flag is an OR. Parsed once from the command line, matched per transaction.
 *
 * Generic conditions read the core (side, process, ports, time, proto, outcome, op, target).
 * Protocol conditions read a field the protocol declares (proto.h): --status the field "status",
 * --method "method", --path "path", --host "host"; they match only transactions whose protocol
 * has that field (a Redis command never matches --status 5xx).
 *
 * Ownership: the filter owns copies of every pattern; tt_filter_match() borrows the txn.
 */
#ifndef TINYTAP_FILTER_H
#define TINYTAP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/txn.h"

struct tt_filter;

/* The kinds of conditions, one per command-line flag. */
enum tt_filter_kind {
	TT_F_STATUS,  /* field status: 5xx, 404, 4xx,5xx, >=400, <300 */
	TT_F_METHOD,  /* field method: GET,POST (case-insensitive) */
	TT_F_PATH,    /* field path: glob (query string included if the glob has '?') */
	TT_F_HOST,    /* field host: glob, case-insensitive (port optional) */
	TT_F_PID,     /* 123,456 */
	TT_F_COMM,    /* glob, comma list */
	TT_F_PORT,    /* local or remote port, comma list */
	TT_F_SIDE,    /* client | server */
	TT_F_MIN_DUR, /* 100ms, 1.5s, 250us */
	TT_F_GREP,    /* POSIX ERE on request/response lines, headers and bodies */
	TT_F_HEADER,  /* NAME or NAME=VALUE (value glob), either message */
	TT_F_PROTO,   /* protocol names or aliases: http/1.1,redis */
	TT_F_ERRORS,  /* outcome error (the value is ignored) */
	TT_F_OP,      /* glob on the operation (method, command, SQL verb), case-insensitive */
	TT_F_TARGET,  /* glob on the whole target (path with query, key, statement) */
	TT_F_HOST_NAME, /* glob on the recording host's name (merged recordings: each its own) */
	/* who (the process's cgroup, as the recording's CGROUP records say: analyze/cgroups.h) */
	TT_F_CONTAINER, /* glob on the container's name, "pod/container", its id (or 4+ first digits) */
	TT_F_IMAGE,	/* glob on the container's image */
	TT_F_UNIT,	/* glob on the systemd unit */
	TT_F_POD,	/* glob on the Kubernetes pod, or "namespace/pod" */
};

struct tt_filter *tt_filter_new(void);
/* Adds a condition; -EINVAL with a one-line reason in err (size errlen) when the value is bad. */
int tt_filter_add(struct tt_filter *f, enum tt_filter_kind kind, const char *value, char *err,
		  size_t errlen);
/* The recording's host name, for --host-name when transactions do not name theirs (one
 * recording); copied. */
void tt_filter_set_host(struct tt_filter *f, const char *host);
/* Time range in boot ns (since/until inclusive/exclusive), 0 = unset. */
void tt_filter_set_time(struct tt_filter *f, uint64_t since_boot, uint64_t until_boot);
/* 1 when it has no condition (time range included): every transaction matches. */
int tt_filter_empty(const struct tt_filter *f);
/* 1 if the filter needs bodies kept (grep). */
int tt_filter_needs_bodies(const struct tt_filter *f);
/* 1 when a condition reads headers (--header, --grep). */
int tt_filter_needs_headers(const struct tt_filter *f);
int tt_filter_match(const struct tt_filter *f, const struct tt_txn *t);
void tt_filter_free(struct tt_filter *f);

/* The kind of the command-line flag NAME ("status", "min-duration"... without the dashes):
 * 0 and *kind, or -EINVAL. For front ends that take the flags' words (the web page's filter). */
int tt_filter_kind_by_name(const char *name, enum tt_filter_kind *kind);

/* "100ms" "2s" "1.5m" "250us" "42ns" (bare number = ms) -> ns; -EINVAL. */
int tt_filter_parse_duration(const char *s, uint64_t *ns);

#endif
