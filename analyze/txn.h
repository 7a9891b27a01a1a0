/* SPDX-License-Identifier: MIT */
/*
 * analyze/txn.h - one transaction (request + response) as seen by one side of a connection.
 *
 * The core is protocol-neutral: who (side, process, addresses), when (the two messages' first and
 * last bytes), what (an operation: HTTP method, SQL verb, Redis command; a target: path, query,
 * key), how it ended (outcome: ok, error, none yet) and two messages with headers/fields and
 * bodies, exact sizes and flags. What only one protocol has (HTTP's version, status, status text)
 * lives in the txn's detail area, owned and described by that protocol (t->pr, analyze/proto.h).
 *
 * Ownership: a struct tt_txn owns every string, header and body buffer it points to; tt_txn_free()
 * releases them all. Whoever holds the pointer owns the txn (the protocol parser until it emits,
 * then the engine, then the output queue). Short strings live inside the txn and header names and
 * values in one buffer per message (tt_txn_set_str(), tt_msg_add_header()), and tt_txn_free()
 * keeps a few freed txns with their buffers for the next tt_txn_new() (per thread, bounded): a
 * transaction costs no allocation in the steady state. A protocol's detail may point to strings
 * set with tt_txn_set_str(); the protocol's release() hook frees them (tt_txn_free() calls it).
 */
#ifndef TINYTAP_TXN_H
#define TINYTAP_TXN_H

#include <stddef.h>
#include <stdint.h>

#include "format/record.h"

struct tt_proto;
struct tt_cginfo;

enum tt_side {
	TT_SIDE_UNKNOWN = 0,
	TT_SIDE_CLIENT = 1, /* the process that sent the request */
	TT_SIDE_SERVER = 2, /* the process that received the request */
};

/* Transaction flags. */
#define TT_TXN_NO_REQUEST                                                                          \
	(1u << 0) /* response seen, its request was not (recording started late) */
#define TT_TXN_NO_RESPONSE (1u << 1) /* request seen, no response before close / end of capture */
#define TT_TXN_GAP	   (1u << 2) /* bytes of this transaction were lost or not captured */
#define TT_TXN_BROKEN	   (1u << 3) /* a message could not be parsed to its end */
#define TT_TXN_UPGRADED	   (1u << 4) /* 101 / CONNECT: the connection changed protocol after it */
#define TT_TXN_EVICTED	   (1u << 5) /* connection dropped from memory (too many open) */
/* One message that expects no answer (a WebSocket message, a pub/sub push, a notification): only
 * req (sent by the client side) or resp (sent by the server side) is filled. It has no duration,
 * and no "(no response)" / "no request": complete when its one message is. The line shows which
 * way it went from this process (→ sent, ← received), its op and the protocol's words. */
#define TT_TXN_ONEWAY (1u << 6)
/* Parsed from TLS plaintext (OpenSSL uprobes), not from wire bytes. */
#define TT_TXN_TLS (1u << 7)

/* Caps: everything growable in a txn has one. */
#define TT_TXN_MAX_HEADERS	128
#define TT_TXN_MAX_HEADER_BYTES (32u * 1024)
#define TT_TXN_MAX_TARGET	8192
#define TT_TXN_INLINE_STR	256 /* string bytes kept inside the txn before malloc */
#define TT_TXN_DETAIL		192 /* bytes of protocol detail inside the txn */

/* How the exchange ended, in the protocol's own terms (HTTP >= 400, a Redis error reply, a
 * PostgreSQL ErrorResponse... are errors). */
enum tt_outcome {
	TT_OUTCOME_NONE = 0, /* no answer (yet): no response, or the protocol has no verdict */
	TT_OUTCOME_OK = 1,
	TT_OUTCOME_ERROR = 2,
};

struct tt_kv {
	char *name;  /* NUL-terminated, inside the message's hbuf */
	char *value; /* NUL-terminated, inside the message's hbuf */
};

struct tt_msg {
	int seen;	       /* at least the first byte was parsed */
	int complete;	       /* parsed to its end */
	int done;	       /* parsing of it is over: complete, broken or never coming */
	uint64_t ts_first;     /* boot ns of the record holding the first byte */
	uint64_t ts_last;      /* boot ns of the record holding the last byte */
	uint32_t pid, tid;     /* process of the first byte */
	struct tt_kv *headers; /* owned array of n_headers (room for headers_cap) */
	uint32_t n_headers, headers_cap;
	uint32_t header_bytes; /* bytes kept in headers (capped) */
	int headers_truncated;
	char *hbuf; /* owned: the names and values headers point to, hbuf_len of hbuf_cap used */
	size_t hbuf_len, hbuf_cap;
	uint64_t body_bytes; /* decoded body bytes (exact, even when not kept) */
	uint64_t wire_bytes; /* bytes of the whole message on the wire (start line to end) */
	uint8_t *body;	     /* owned, first body_len bytes of the body (or NULL) */
	size_t body_len, body_cap;
	int body_truncated; /* body_bytes > body_len */
	int body_holes;	    /* some body bytes were not captured (gap, sendfile) */
	int gap;	    /* a gap fell into this message */
};

struct tt_txn {
	const struct tt_proto *pr; /* static: the protocol that made it (name, fields, describe) */
	enum tt_side side;
	uint32_t pid, tid; /* process of the side this txn was seen from */
	uint16_t src;	   /* recordings merged: the source (host) it came from, 0 the first */
	uint16_t peer_src; /* recordings merged: the source of peer_sock_id's end */
	const char *host;  /* recordings merged: that source's host name (borrowed), else NULL */
	char comm[16];
	uint64_t cgroup_id; /* cgroup v2 id of that process, 0 if unknown */
	/* what that cgroup is (container, unit: analyze/cgroups.h), NULL if the recording does
	 * not say; borrowed from the engine, valid until the pipeline is freed */
	const struct tt_cginfo *cg;
	uint64_t sock_id;
	uint64_t peer_sock_id; /* the other end's socket when it is in the recording too, else 0 */
	struct tt_addr local, remote;
	char unix_path[108];
	uint32_t flags;		 /* TT_TXN_* */
	enum tt_outcome outcome; /* set by the protocol when the answer is parsed */
	char *op;		 /* owned: method / command / SQL verb, or NULL */
	char *target;		 /* owned: path / query / key, or NULL */
	uint64_t seq;		 /* creation order, for deterministic ordering */
	const char *error;	 /* static: why a message is invalid (the parser's reason), or NULL */
	struct tt_msg req, resp;
	/* request chains (analyze/chains.h), set by the chain stage; span_id 0: it did not run */
	uint64_t span_id, parent_span_id; /* parent 0: a root */
	uint8_t trace_id[16];
	const char *link_rule; /* static: the rule that found the parent, or NULL */
	/* the protocol's own fields (tt_txn_detail()); zeroed by tt_txn_new() */
	_Alignas(8) unsigned char detail[TT_TXN_DETAIL];
	/* storage of the string fields above that fit (tt_txn_set_str()); never freed by itself */
	uint32_t sbuf_len;
	char sbuf[TT_TXN_INLINE_STR];
};

/* The detail area as the protocol's struct (it _Static_asserts that it fits TT_TXN_DETAIL). */
#define tt_txn_detail(t, type) ((type *)(void *)(t)->detail)

struct tt_txn *tt_txn_new(void);
void tt_txn_free(struct tt_txn *t);
/* Sets *field, one of t's string fields (op, target, or one in the detail area), to a copy of s
 * (n bytes, need not be NUL-terminated; s NULL: NULL), inside t when it fits, else malloc'ed;
 * frees the old value. A field may also be set directly to a malloc'ed string (tt_txn_free()
 * tells them apart). 0, or -ENOMEM (the field is then NULL). */
int tt_txn_set_str(struct tt_txn *t, char **field, const char *s, size_t n);
/* Frees a string set by tt_txn_set_str() (for release() hooks); NULL is a no-op. */
void tt_txn_free_str(const struct tt_txn *t, char *s);

/* 1 when both messages were seen and parsed to their end without a gap (TT_TXN_ONEWAY: its one
 * message). */
int tt_txn_complete(const struct tt_txn *t);
/* Why the txn is not complete ("evicted", "gap", "invalid", "no request", "no response",
 * "incomplete"), or NULL when it is. */
const char *tt_txn_incomplete(const struct tt_txn *t);
/* "ok", "error", "none". */
const char *tt_outcome_name(enum tt_outcome o);
/* ts of the first byte (request, or response when there is no request). */
uint64_t tt_txn_start(const struct tt_txn *t);
/* last response byte - first request byte, or 0 when not both known (or TT_TXN_ONEWAY). */
uint64_t tt_txn_duration_ns(const struct tt_txn *t);

/* Appends a header (copies; name/value need not be NUL-terminated). -ENOSPC past the caps (the
 * message is marked headers_truncated), -ENOMEM. */
int tt_msg_add_header(struct tt_msg *m, const char *name, size_t nlen, const char *value,
		      size_t vlen);
/* First header with this name (case-insensitive), or NULL. */
const char *tt_msg_header(const struct tt_msg *m, const char *name);
/* Counts len body bytes; keeps up to cap of them when data is non-NULL. */
void tt_msg_add_body(struct tt_msg *m, const void *data, size_t len, size_t cap);
void tt_msg_clear(struct tt_msg *m);

#endif
