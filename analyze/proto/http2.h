/* SPDX-License-Identifier: MIT */
/*
 * analyze/proto/http2.h - HTTP/2 (RFC 9113) sessions: frames of both directions, streams paired
 * by stream id, header blocks decoded by libnghttp2's HPACK inflater (one per direction, fed
 * every block in order), h2c prior knowledge and the h2c upgrade from HTTP/1.1. A stream is one
 * transaction that fills the same HTTP detail as HTTP/1.1 (struct tt_http: method, path, host,
 * status...) plus its own (stream id, :authority, :scheme, reset code, header fields whose HPACK
 * state was unknown, the connection's control frames). A stream whose content-type is
 * application/grpc* becomes a gRPC transaction (analyze/proto/grpc.h): same session, same
 * detail, another protocol row.
 *
 * A recording that starts mid-connection cannot know the HPACK dynamic tables: what the static
 * table, the literals and the entries added since the recording began give is decoded; every
 * other field is counted as unknown (`[headers: hpack state unknown]`), never guessed.
 *
 * Ownership: the strings of struct tt_h2 (and of its struct tt_http and struct tt_grpc) are set
 * with tt_txn_set_str() and freed by the protocol's release hook.
 */
#ifndef TINYTAP_PROTO_HTTP2_H
#define TINYTAP_PROTO_HTTP2_H

#include <stdint.h>

#include "analyze/proto.h"
#include "analyze/proto/grpc.h"
#include "analyze/proto/http.h"

/* Caps (per connection, per direction where it says so). */
#define TT_H2_MAX_STREAMS 256		/* open streams; past it the oldest is evicted */
#define TT_H2_MAX_BLOCK	  (64u * 1024)	/* header block bytes (HEADERS + CONTINUATION) */
#define TT_H2_MAX_LIST	  (256u * 1024) /* decoded header list bytes per block (RFC 7541 sizes) */
#define TT_H2_MAX_FIELDS  1024		/* decoded header fields per block */
#define TT_H2_MAX_TABLE	  (64u * 1024)	/* HPACK dynamic table bytes kept per direction */
#define TT_H2_SYNC_BYTES  (64u * 1024)	/* bytes kept while looking for a frame boundary */

/* Control frames of the connection so far (both directions), counted, not shown as lines. */
struct tt_h2_frames {
	uint32_t settings, ping, window_update, priority, goaway, rst_stream, other;
};

struct tt_h2 {
	struct tt_http http; /* first: the shared HTTP fields read it (authority = :authority) */
	char *scheme;	     /* owned: :scheme, or NULL */
	uint32_t stream_id;
	uint32_t push_parent; /* a pushed stream: the stream its PUSH_PROMISE came on; 0: none */
	int32_t rst_code;     /* RST_STREAM's error code, -1: none */
	uint8_t rst_by;	      /* enum tt_side of the end that reset it */
	uint8_t from_upgrade; /* stream 1 of an h2c upgrade: the request was HTTP/1.1 */
	uint8_t conn_error;   /* not a stream: the frame that ended the connection's parsing */
	uint16_t unknown[2];  /* header fields not decoded (HPACK state unknown): req, resp */
	struct tt_h2_frames frames;
	struct tt_grpc grpc; /* gRPC only (t->pr == &tt_grpc_proto) */
};
_Static_assert(sizeof(struct tt_h2) <= TT_TXN_DETAIL, "HTTP/2 detail fits the txn");

static inline struct tt_h2 *tt_h2(struct tt_txn *t)
{
	return tt_txn_detail(t, struct tt_h2);
}

static inline const struct tt_h2 *tt_h2_c(const struct tt_txn *t)
{
	return tt_txn_detail(t, const struct tt_h2);
}

/* "CANCEL", "PROTOCOL_ERROR"... ("0x1a" style for codes without a name; buf >= 12 bytes). */
const char *tt_h2_error_name(uint32_t code, char *buf);

/* Hooks and fields shared with the gRPC row. */
void tt_h2_release(struct tt_txn *t);
int tt_h2_get_stream_id(const struct tt_txn *t, struct tt_val *v);
int tt_h2_get_authority(const struct tt_txn *t, struct tt_val *v);
int tt_h2_get_scheme(const struct tt_txn *t, struct tt_val *v);
int tt_h2_get_pushed_by(const struct tt_txn *t, struct tt_val *v);
int tt_h2_get_reset(const struct tt_txn *t, struct tt_val *v);
int tt_h2_get_unknown(const struct tt_txn *t, struct tt_val *v);
int tt_h2_get_frames(const struct tt_txn *t, struct tt_val *v);
void tt_h2_json_frames(const struct tt_txn *t, struct tt_wb *w);
/* The HTTP/2 rows after the HTTP ones: stream_id authority scheme (head); pushed_by reset
 * hpack_unknown h2_frames (tail). */
#define TT_H2_FIELD_ROWS                                                                           \
	{"stream_id", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "HTTP/2 stream id", tt_h2_get_stream_id}, \
	    {"authority",	 TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, ":authority (or Host)",        \
	     tt_h2_get_authority},                                                                 \
	    {"scheme", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, ":scheme", tt_h2_get_scheme},            \
	    {"pushed_by",                                                                          \
	     TT_FT_INT,                                                                            \
	     TT_FJ_TAIL,                                                                           \
	     TT_FJ_OMIT,                                                                           \
	     "server push: the stream whose PUSH_PROMISE announced it",                            \
	     tt_h2_get_pushed_by},                                                                 \
	    {"reset",	     TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "RST_STREAM error code (CANCEL)",  \
	     tt_h2_get_reset},                                                                     \
	    {"hpack_unknown",                                                                      \
	     TT_FT_INT,                                                                            \
	     TT_FJ_TAIL,                                                                           \
	     TT_FJ_OMIT,                                                                           \
	     "header fields not decoded: HPACK state unknown (recording started mid-connection)",  \
	     tt_h2_get_unknown},                                                                   \
	{                                                                                          \
		"h2_frames", TT_FT_RAW, TT_FJ_TAIL, TT_FJ_OMIT,                                    \
		    "control frames on the connection until this stream ended (settings ping "     \
		    "...)",                                                                        \
		    tt_h2_get_frames, tt_h2_json_frames                                            \
	}
#define TT_H2_NFIELDS 7

extern const struct tt_proto tt_http2_proto;

#endif
