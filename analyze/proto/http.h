/* SPDX-License-Identifier: MIT */
/*
 * analyze/proto/http.h - what HTTP transactions have beyond the core, shared by every HTTP
 * parser (HTTP/1.x today; HTTP/2 and gRPC fill the same fields): the detail struct, its declared
 * fields (JSON: method path host version status status_text ... interim_status upgraded), the
 * one-line summary ("200 156 bytes") and -v's start lines.
 *
 * The core's op is the method and target the request target; the detail holds the rest.
 *
 * Ownership: the strings of struct tt_http are set with tt_txn_set_str() and freed by
 * tt_http_release() (the protocol's release hook).
 */
#ifndef TINYTAP_PROTO_HTTP_H
#define TINYTAP_PROTO_HTTP_H

#include "analyze/proto.h"

struct tt_http {
	char *authority;    /* owned: Host (or :authority), or NULL */
	char *version;	    /* owned: request's "HTTP/1.1", or NULL */
	char *resp_version; /* owned: response's "HTTP/1.1", or NULL */
	char *status_text;  /* owned, or NULL */
	int status;	    /* response status, 0 = none */
	int interim_status; /* last 1xx before the final response, 0 = none */
};
_Static_assert(sizeof(struct tt_http) <= TT_TXN_DETAIL, "HTTP detail fits the txn");

static inline struct tt_http *tt_http(struct tt_txn *t)
{
	return tt_txn_detail(t, struct tt_http);
}

static inline const struct tt_http *tt_http_c(const struct tt_txn *t)
{
	return tt_txn_detail(t, const struct tt_http);
}

/* The HTTP detail of t when its protocol keeps one (TT_PROTO_HTTP), else NULL. */
static inline const struct tt_http *tt_http_of(const struct tt_txn *t)
{
	return t->pr && (t->pr->flags & TT_PROTO_HTTP) ? tt_http_c(t) : NULL;
}

/* Sets the status and the outcome it gives (>= 400: error; 0: none). */
void tt_http_set_status(struct tt_txn *t, int status);

/* The hooks and fields of an HTTP protocol's row. */
void tt_http_describe(const struct tt_txn *t, struct tt_desc *d);
size_t tt_http_line(const struct tt_txn *t, enum tt_line which, char *buf, size_t n);
void tt_http_release(struct tt_txn *t);

/* The getters of the shared fields, and the rows that declare them (TT_HTTP_FIELD_ROWS): a
 * protocol that fills struct tt_http (HTTP/2) lists these rows first, then its own. */
int tt_http_get_method(const struct tt_txn *t, struct tt_val *v);
int tt_http_get_path(const struct tt_txn *t, struct tt_val *v);
int tt_http_get_host(const struct tt_txn *t, struct tt_val *v);
int tt_http_get_version(const struct tt_txn *t, struct tt_val *v);
int tt_http_get_status(const struct tt_txn *t, struct tt_val *v);
int tt_http_get_status_text(const struct tt_txn *t, struct tt_val *v);
int tt_http_get_interim(const struct tt_txn *t, struct tt_val *v);
int tt_http_get_upgraded(const struct tt_txn *t, struct tt_val *v);
#define TT_HTTP_FIELD_ROWS                                                                         \
	{"method", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "request method (GET)", tt_http_get_method}, \
	{"path", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "request target (/a?b=c)", tt_http_get_path},  \
	{"host", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "Host header (or :authority)",                 \
	 tt_http_get_host},                                                                        \
	{"version", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "request's HTTP version",                   \
	 tt_http_get_version},                                                                     \
	{"status", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "response status", tt_http_get_status},      \
	{"status_text", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "reason phrase",                        \
	 tt_http_get_status_text},                                                                 \
	{"interim_status", TT_FT_INT, TT_FJ_TAIL, TT_FJ_OMIT, "last 1xx before the response",      \
	 tt_http_get_interim},                                                                     \
	{"upgraded", TT_FT_BOOL, TT_FJ_TAIL, TT_FJ_OMIT, "101 or CONNECT: not HTTP after it",      \
	 tt_http_get_upgraded}
#define TT_HTTP_NFIELDS 8
extern const struct tt_field tt_http_fields[TT_HTTP_NFIELDS];

#endif
