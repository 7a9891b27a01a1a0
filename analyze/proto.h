/* SPDX-License-Identifier: MIT */
/*
 * analyze/proto.h - what a protocol is to the analyzer, and the table of protocols.
 *
 * A protocol is one file pair under analyze/proto/ and one row in the table (analyze/proto.c):
 * a struct tt_proto that says
 *   - detect(): how sure it is that a connection speaks it, from the first bytes of both
 *     directions, who spoke first, the socket's role and its ports (the best match wins);
 *   - open()/feed()/close(): a per-connection session that receives both directions' bytes in
 *     order, with gaps marked, and emits transactions (struct tt_txn) through the env;
 *   - describe()/line(): the words of the one-line summary and of -v's start lines;
 *   - fields: what it fills in the txn's detail area, by name and type, for JSON, filters and
 *     --grep (declared, never known by the sinks);
 *   - release(): frees what the detail area owns.
 * A session may hand its connection over to another protocol mid-stream (HTTP/1.1 101 ->
 * WebSocket, h2c; a protocol names the HTTP Upgrade token it takes over from): env->handover().
 *
 * Ownership: a session owns the transactions it has not emitted yet; env->emit() passes ownership
 * to the engine. Chunks are borrowed for the duration of the call; the env and the conn info given
 * to open() are borrowed for the session's whole life (the connection owns both and may update
 * the info, e.g. when its CONN record comes after the first bytes). A handover's txn is borrowed
 * for the duration of open().
 */
#ifndef TINYTAP_PROTO_H
#define TINYTAP_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyze/txn.h"
#include "analyze/wbuf.h"
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

/* A connection changing hands (HTTP/1.1 101 Switching Protocols -> WebSocket / h2c). */
struct tt_handover {
	const struct tt_proto *from;
	const struct tt_txn *txn; /* the exchange that switched (request + 101), borrowed */
	enum tt_side side;	  /* this socket's side: which direction is the client's */
};

/* Services the engine (and the streams) offer to sessions. */
struct tt_proto_env {
	void *ctx;
	void (*emit)(void *ctx, struct tt_txn *t); /* takes ownership */
	void (*fill)(void *ctx, struct tt_txn *t); /* comm etc. from t->pid */
	size_t body_cap;			   /* body bytes to keep per message */
	/* 1: no view shows headers: a parser may keep only those the analysis reads itself (Host,
	 * Upgrade...), counting the others against the txn's caps as if kept */
	int few_headers;
	uint64_t next_seq;			   /* txn creation counter */
	/* From inside feed(): the connection ci is `next`'s from the byte after the first `used`
	 * bytes of the chunk being fed; the session must return at once and is closed (its
	 * pending transactions emitted) before `next` sees a byte. NULL when unsupported. */
	void (*handover)(void *hctx, const struct tt_conn_info *ci, const struct tt_proto *next,
			 const struct tt_handover *h, uint64_t used);
	void *hctx;
	/* A connection with data ended without a protocol recognising it; pid: the process of its
	 * first record (its CONN, or DATA). NULL: not wanted. */
	void (*unrecognized)(void *ctx, uint32_t pid);
};

/* What detect() sees: the first bytes of each direction so far (by enum tt_dir; len 0: none yet,
 * possibly a short prefix of the first call), which direction spoke first (-1 unknown), and the
 * connection (role, ports; ci->origin says whether the start of the connection was recorded). */
struct tt_detect {
	const uint8_t *buf[2];
	size_t len[2];
	int first_dir;
	const struct tt_conn_info *ci;
};

/* detect() results: a confidence from 1 (a port alone) to 100 (a magic number), or: */
#define TT_DETECT_NO   0  /* not this protocol */
#define TT_DETECT_MORE -1 /* cannot tell yet: more bytes (of either direction) would */
#define TT_DETECT_SURE 60 /* from here on, no need to wait for other protocols to decide */

/* The words of the one-line summary after the arrow ("200 156 bytes", "OK", "12 items"). */
enum tt_tone {
	TT_TONE_PLAIN = 0,
	TT_TONE_OK,	  /* green */
	TT_TONE_REDIRECT, /* cyan */
	TT_TONE_WARN,	  /* yellow: client errors */
	TT_TONE_ERROR,	  /* red */
	TT_TONE_MISSING,  /* magenta: "(no response)" */
};

struct tt_desc {
	char text[192];	  /* raw bytes (the sink escapes them); empty: "(no response)" */
	size_t len;
	int plain;	  /* text is only printable ASCII the protocol wrote itself (no wire
			   * bytes): the sink may skip escaping it */
	size_t tone_len;  /* the first tone_len bytes are coloured with tone */
	enum tt_tone tone;
	char note[64];	  /* appended after the markers, e.g. "[h2 stream 15]"; raw */
	size_t note_len;
};

/* -v start lines: the request's, the response's, and lines between them (HTTP's 1xx). */
enum tt_line { TT_LINE_REQ = 0, TT_LINE_INTERIM = 1, TT_LINE_RESP = 2 };

/* A declared field: what a protocol puts in a txn, by name, for JSON, filters and --grep. */
enum tt_ftype {
	TT_FT_STR = 1,
	TT_FT_INT = 2,
	TT_FT_BOOL = 3,
	TT_FT_RAW = 4, /* already JSON (an array, an object): written by json() */
};

/* Where a field goes in a JSON line: after the connection's identity (before the message sizes)
 * or after the generic message fields (complete, incomplete, error). */
enum { TT_FJ_HEAD = 0, TT_FJ_TAIL = 1 };
/* An absent field: "name":null, or left out. */
enum { TT_FJ_NULL = 0, TT_FJ_OMIT = 1, TT_FJ_NONE = 2 /* never in JSON (filters only) */ };

struct tt_val {
	const char *s; /* TT_FT_STR: borrowed from the txn, len bytes (NUL-terminated) */
	size_t len;
	int64_t i; /* TT_FT_INT, TT_FT_BOOL */
};

struct tt_field {
	const char *name; /* JSON key and filter name ("status", "key", "rows") */
	enum tt_ftype type;
	uint8_t place;	   /* TT_FJ_HEAD / TT_FJ_TAIL */
	uint8_t absent;	   /* TT_FJ_NULL / TT_FJ_OMIT / TT_FJ_NONE */
	const char *about; /* one line for --help and docs */
	/* 1 and *v when t has it, 0 when absent. */
	int (*get)(const struct tt_txn *t, struct tt_val *v);
	/* TT_FT_RAW: writes the JSON value. */
	void (*json)(const struct tt_txn *t, struct tt_wb *w);
};

/* struct tt_proto flags */
#define TT_PROTO_HTTP (1u << 0) /* its txns hold struct tt_http (proto/http.h) in their detail */
/* The target usually starts with the op (SQL: op SELECT, target "SELECT ..."): lines show the
 * target alone when it does, instead of the op twice. */
#define TT_PROTO_OP_IN_TARGET (1u << 1)

struct tt_proto {
	const char *name;    /* "http/1.1": JSON's proto, --proto */
	unsigned flags;	     /* TT_PROTO_* */
	const char *aliases; /* other names --proto takes, comma separated ("http1,http"), or NULL */
	const char *tag;     /* shown on lines before the operation ("redis"), NULL: nothing */
	const char *upgrade; /* HTTP Upgrade token it takes a connection over from, or NULL */
	int (*detect)(const struct tt_detect *d);
	/* from: NULL, or the handover that gives it the connection. */
	void *(*open)(struct tt_proto_env *env, const struct tt_conn_info *ci,
		      const struct tt_handover *from);
	void (*feed)(void *sess, const struct tt_chunk *c);
	/* End of the connection (close, eviction or end of capture): emits what is left and frees.
	 */
	void (*close)(void *sess, uint64_t ts, int evicted);
	/* The summary's words after the arrow; d is zeroed by the caller. NULL: "(no response)"
	 * without a response, else "done". */
	void (*describe)(const struct tt_txn *t, struct tt_desc *d);
	/* -v: the raw text of a start line (no prefix, no newline) into buf; its length, 0: none.
	 * NULL: the op and target for the request, nothing else. */
	size_t (*line)(const struct tt_txn *t, enum tt_line which, char *buf, size_t n);
	const struct tt_field *fields;
	size_t nfields;
	/* Frees the strings the detail area points to (tt_txn_free_str()). NULL: none. */
	void (*release)(struct tt_txn *t);
	/* -vv: writes message m's body its own way (gRPC: each length-prefixed message decoded),
	 * every line starting with pfx, about cap bytes of body shown at most. NULL: the generic
	 * view (text, or a hex dump). */
	void (*body)(const struct tt_txn *t, const struct tt_msg *m, struct tt_wb *w,
		     const char *pfx, size_t cap);
};

/* t's target starts with its op as a word (case-insensitive) and its protocol says lines may
 * leave the op out. */
int tt_proto_op_in_target(const struct tt_txn *t);

/* A new transaction of protocol pr on connection ci, seen from side, made by thread tid of pid:
 * the connection's facts copied, its creation order taken from env, its process's facts filled in
 * by env->fill. The caller owns it; NULL when out of memory. */
struct tt_txn *tt_proto_txn_new(const struct tt_proto *pr, struct tt_proto_env *env,
				const struct tt_conn_info *ci, enum tt_side side, uint32_t pid,
				uint32_t tid);

/* The direction (enum tt_dir) in which the client's bytes travel on connection ci: the side a
 * handover says (from, may be NULL), else the socket's role; -1 when neither tells (ci may be
 * NULL). */
int tt_proto_client_dir(const struct tt_conn_info *ci, const struct tt_handover *from);

#define TT_PROTO_MAX 32

/* The best protocol for what d shows, or NULL: with *need_more set when waiting could change
 * the answer (never when final: no more bytes will be waited for). */
const struct tt_proto *tt_proto_detect(const struct tt_detect *d, int final, int *need_more);
/* By name or alias (case-insensitive), NULL when none. */
const struct tt_proto *tt_proto_find(const char *name);
/* The protocol that takes over a connection upgraded to this HTTP Upgrade token (a comma list
 * as the header has it: the first known token wins), NULL when none. */
const struct tt_proto *tt_proto_by_upgrade(const char *token);
/* Every protocol, in table order (i < tt_proto_count()); a protocol's index is its id. */
size_t tt_proto_count(void);
const struct tt_proto *tt_proto_at(size_t i);
int tt_proto_id(const struct tt_proto *p);
/* Adds a protocol after the built-in rows (a test's, or one built out of tree): 0, -EEXIST
 * (name taken), -ENOSPC (TT_PROTO_MAX). Call before anything reads the table. */
int tt_proto_register(const struct tt_proto *p);
/* A field of p by name, NULL when p does not have it. */
const struct tt_field *tt_proto_field(const struct tt_proto *p, const char *name);
/* "(no response)" when there is no answer, else p's describe(). */
void tt_proto_describe(const struct tt_txn *t, struct tt_desc *d);

/* Helpers for describe(): append text / a number to d->text (cut at its size). */
static inline void tt_desc_add(struct tt_desc *d, const char *s, size_t n)
{
	size_t room = sizeof(d->text) - 1 - d->len;
	if (n > room)
		n = room;
	memcpy(d->text + d->len, s, n);
	d->len += n;
	d->text[d->len] = 0;
}

static inline void tt_desc_adds(struct tt_desc *d, const char *s)
{
	tt_desc_add(d, s, strlen(s));
}

static inline void tt_desc_u64(struct tt_desc *d, uint64_t v)
{
	char t[20];
	size_t i = sizeof(t);
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	tt_desc_add(d, t + i, sizeof(t) - i);
}

#endif
