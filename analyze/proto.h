/* SPDX-License-Identifier: MIT */
/*
 * analyze/proto.h - the protocol table: {detect(first bytes), parser} per application protocol.
 *
 * streams.c hands each connection's first payload bytes to tt_proto_detect(); the winner's open()
 * creates a per-connection session that then receives every chunk of both directions, in order,
 * with gaps marked, and emits transactions through the env. HTTP/1.1 is the only entry today;
 * HTTP/2, PostgreSQL, MySQL, Redis... are new rows.
 *
 * Ownership: a session owns the transactions it has not emitted yet; env->emit() passes ownership
 * to the engine. Chunks are borrowed for the duration of the call; the env and the conn info given
 * to open() are borrowed for the session's whole life (the connection owns both and may update
 * the info, e.g. when its CONN record comes after the first bytes).
 */
#ifndef TINYTAP_PROTO_H
#define TINYTAP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/txn.h"
#include "format/record.h"

#define TT_LEN_UNKNOWN UINT64_MAX

/* A piece of one direction of a connection, in stream order. */
struct tt_chunk {
	uint64_t ts;	     /* boot ns of the record */
	uint32_t pid, tid;   /* process that made the call */
	int dir;	     /* enum tt_dir, from the socket owner's view */
	const uint8_t *data; /* borrowed; NULL: len bytes whose content is unknown */
	uint64_t len;	     /* bytes; TT_LEN_UNKNOWN only for gaps of unknown size */
	int gap;	     /* 1: these bytes were lost (data is NULL) */
};

/* What is known about a connection (one socket). */
struct tt_conn_info {
	uint64_t sock_id;
	int have_conn;	/* a CONN record was seen */
	uint8_t role;	/* enum tt_role */
	uint8_t origin; /* enum tt_conn_origin */
	struct tt_addr local, remote;
	char unix_path[108];
};

/* Services the engine offers to sessions. */
struct tt_proto_env {
	void *ctx;
	void (*emit)(void *ctx, struct tt_txn *t); /* takes ownership */
	void (*fill)(void *ctx, struct tt_txn *t); /* comm etc. from t->pid */
	size_t body_cap;			   /* body bytes to keep per message */
	uint64_t next_seq;			   /* txn creation counter */
};

struct tt_proto {
	const char *name;
	/* 1 = this protocol, 0 = not, -1 = need more bytes to tell. */
	int (*detect)(const uint8_t *buf, size_t len);
	void *(*open)(struct tt_proto_env *env, const struct tt_conn_info *ci);
	void (*feed)(void *sess, const struct tt_chunk *c);
	/* End of the connection (close, eviction or end of capture): emits what is left and frees.
	 */
	void (*close)(void *sess, uint64_t ts, int evicted);
};

/* First protocol whose detect() says yes; NULL with *need_more set when one needs more bytes. */
const struct tt_proto *tt_proto_detect(const uint8_t *buf, size_t len, int *need_more);

#endif
