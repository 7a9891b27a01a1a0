/* SPDX-License-Identifier: MIT */
/*
 * capture/merge.h - turn the kernel's DATA pieces (at most 16 KiB each) back into one DATA record
 * per call (per message for sendmmsg/recvmmsg).
 *
 * The pieces of one call are emitted back to back by one thread, so a call is identified by
 * (tid, ts_enter_ns, msg_idx) and only one call per thread is ever pending. A piece that does not
 * continue the pending call (lost piece, new call) finishes the old one with TT_DATA_DROPPED.
 *
 * Ownership: the merger owns its buffers; the record and payload handed to the emit callback are
 * borrowed for the duration of the callback.
 */
#ifndef TINYTAP_MERGE_H
#define TINYTAP_MERGE_H

#include <stdint.h>

#include "format/record.h"

struct tt_merge;
struct tt_ev_data;

/* Called once per finished call; returns >= 0 or -errno (which tt_merge_piece passes back). */
typedef int (*tt_merge_emit_fn)(void *ctx, const struct tt_rec_data *rec, const void *payload);

/* max_bytes: payload bytes kept per call at most (the snaplen). NULL + errno on failure. */
struct tt_merge *tt_merge_new(uint32_t max_bytes, tt_merge_emit_fn emit, void *ctx);

/* Feeds one piece (header + cap_len bytes). Returns >= 0 or the emit callback's error. */
int tt_merge_piece(struct tt_merge *m, const struct tt_ev_data *ev, const void *payload);

/* Finishes every pending call (marked DROPPED: their last piece never came). */
int tt_merge_flush(struct tt_merge *m);

void tt_merge_free(struct tt_merge *m);

#endif
