/* SPDX-License-Identifier: MIT */
/*
 * analyze/streams.h - per-socket, per-direction byte streams rebuilt from DATA records.
 *
 * Records must arrive in stream order (timestamp, then record order: the engine's reorder window
 * does that). A call split into several records (seg_off) is put back together; bytes the
 * recording does not have (DROPPED, TRUNCATED, COPY_FAULT, missing segments, LOSS) become gap
 * chunks of known length (LOSS: unknown); sendfile/splice bytes (NO_PAYLOAD) become chunks of known
 * length without content; MSG_PEEK records are ignored (the same bytes are read again). The first
 * payload bytes of both directions of a connection choose its protocol (proto.h: the most
 * confident detect() wins; up to 256 bytes per direction wait while one needs more to tell);
 * connections nobody recognises are counted and ignored. A session may hand its connection over
 * to another protocol (env->handover): the rest of the chunk and everything after go there.
 *
 * Memory: at most max_conns connections are kept (the least recently active is closed first);
 * closed sockets are finished after a grace period (a forked process may still use the socket)
 * and freed.
 *
 * Ownership: the streams object owns its connections and their protocol sessions; the env is
 * borrowed for its whole life; records and payloads are borrowed for the duration of a call.
 */
#ifndef TINYTAP_STREAMS_H
#define TINYTAP_STREAMS_H

#include <stdint.h>

#include "analyze/proto.h"
#include "format/record.h"

struct tt_streams;

/* env->handover and env->hctx are set here: the streams take handovers for the sessions. */
struct tt_streams_stats {
	uint64_t conns;		     /* connections seen with data */
	uint64_t conns_proto;	     /* ... recognised by a protocol */
	uint64_t conns_unrecognized; /* ... ended without being recognised */
	uint64_t conns_by_proto[TT_PROTO_MAX]; /* by tt_proto_id(): detected */
	uint64_t handed_to[TT_PROTO_MAX];      /* by tt_proto_id(): taken over (env->handover) */
	uint64_t handovers;	     /* connections handed from one protocol to another */
	uint64_t conns_evicted; /* closed early because of max_conns */
	uint64_t gaps;		/* gap chunks delivered */
	uint64_t gap_bytes;	/* bytes in gaps of known size */
	uint64_t peek_records;	/* MSG_PEEK records ignored */
	uint64_t bytes;		/* payload bytes delivered */
	uint64_t conns_tls;	/* connections analyzed from their TLS plaintext layer */
	uint64_t tls_wire_bytes; /* their ciphertext bytes after the first plaintext (not parsed) */
};

#define TT_STREAMS_CLOSE_GRACE_NS (2ull * 1000000000ull)

/* NULL + errno on failure. max_conns 0 = 16384. */
struct tt_streams *tt_streams_new(struct tt_proto_env *env, uint32_t max_conns);
void tt_streams_conn(struct tt_streams *s, const struct tt_rec_conn *c);
void tt_streams_data(struct tt_streams *s, const struct tt_rec_data *d, const uint8_t *payload);
void tt_streams_close(struct tt_streams *s, const struct tt_rec_close *c);
/* Events were lost: every open stream has a gap of unknown size at ts. */
void tt_streams_loss(struct tt_streams *s, uint64_t ts);
/* Time moves on (any record's ts): finishes connections closed long enough ago. */
void tt_streams_tick(struct tt_streams *s, uint64_t ts);
/* End of the capture: finishes every connection. */
void tt_streams_finish(struct tt_streams *s, uint64_t ts);
/* The socket at the other end of sock_id's connection when both ends are in the recording (their
 * addresses mirror each other; AF_UNIX: the peer inode of the CONN record), else 0. */
uint64_t tt_streams_peer(const struct tt_streams *s, uint64_t sock_id);
/* 1 when sock_id's connection is analyzed from its TLS plaintext (DATA with TT_DATA_TLS):
 * its ciphertext is then only counted. */
int tt_streams_tls(const struct tt_streams *s, uint64_t sock_id);
void tt_streams_get_stats(const struct tt_streams *s, struct tt_streams_stats *st);
void tt_streams_free(struct tt_streams *s);

#endif
