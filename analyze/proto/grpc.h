/* SPDX-License-Identifier: MIT */
/*
 * analyze/proto/grpc.h - gRPC over HTTP/2: a protocol row of its own (name "grpc", --proto grpc)
 * whose transactions the HTTP/2 session makes: a stream whose request (or response) has
 * content-type application/grpc* is a call. Service and method come from :path
 * (/pkg.Service/Method), grpc-status and grpc-message from the trailers (or a trailers-only
 * response); the length-prefixed messages of each direction are counted and sized here, and
 * -vv shows each one decoded as raw protobuf wire format (field numbers, wire types, varints,
 * nested messages, strings, like `protoc --decode_raw`), gzip-compressed ones inflated first.
 *
 * Ownership: the strings of struct tt_grpc live in the txn (tt_txn_set_str()) and are freed by
 * the HTTP/2 release hook; a struct tt_grpc_framer is the caller's (one per stream direction).
 */
#ifndef TINYTAP_PROTO_GRPC_H
#define TINYTAP_PROTO_GRPC_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/proto.h"

#define TT_GRPC_DECODE_DEPTH 16	 /* nested messages shown at most this deep */
#define TT_GRPC_SHOW_FIELDS  512 /* fields shown per message */

/* What a call has beyond HTTP/2's detail (inside struct tt_h2). */
struct tt_grpc {
	char *service;	     /* owned: "helloworld.Greeter", or NULL */
	char *method;	     /* owned: "SayHello", or NULL */
	char *message;	     /* owned: grpc-message, percent-decoded, or NULL */
	int32_t status;	     /* grpc-status, -1: none */
	int32_t msgs[2];     /* length-prefixed messages: req, resp; -1: not counted */
	uint32_t comp[2];    /* of which compressed */
	uint8_t cut[2];	     /* a message was cut by the end of its stream, or framing lost */
	uint8_t encoding[2]; /* grpc-encoding of req, resp: 0 identity, 1 gzip, 2 other */
};

/* One direction's message framing (5-byte prefix: compressed flag, u32 length). */
struct tt_grpc_framer {
	uint8_t hdr[5];
	uint8_t hlen;
	uint8_t lost;  /* bytes without content hit a prefix: no more messages counted */
	uint32_t left; /* bytes of the current message still to come */
};

/* "application/grpc", "application/grpc+proto", "application/grpc;..." (not grpc-web). */
int tt_grpc_content_type(const char *ct);
/* t (an HTTP/2 txn whose :path is path, or NULL) becomes a gRPC call: its protocol, op
 * ("pkg.Service/Method") and service/method. */
void tt_grpc_start(struct tt_txn *t, const char *path);
/* DATA bytes of one direction (resp: 0 request, 1 response); p NULL: n bytes without content. */
void tt_grpc_data(struct tt_txn *t, struct tt_grpc_framer *f, int resp, const uint8_t *p,
		  uint64_t n);
/* The direction ended (END_STREAM): a message cut short is noted. */
void tt_grpc_end(struct tt_txn *t, struct tt_grpc_framer *f, int resp);
/* Headers or trailers of the response (or a request's grpc-encoding) arrived: reads grpc-status,
 * grpc-message, grpc-encoding from m and sets the outcome. */
void tt_grpc_headers(struct tt_txn *t, const struct tt_msg *m, int resp);
/* The call is over (handed out): without a grpc-status, the outcome comes from the HTTP status,
 * a reset, or the missing status itself. */
void tt_grpc_finish(struct tt_txn *t);
/* "OK", "UNAVAILABLE"... or NULL past 16. */
const char *tt_grpc_status_name(int32_t status);

extern const struct tt_proto tt_grpc_proto;

#endif
