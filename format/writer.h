/* SPDX-License-Identifier: MIT */
/*
 * format/writer.h - stream records into a .tinytap file (or pipe).
 *
 * Records are batched into blocks; each block is one independent zstd frame written with a
 * single write sequence when it is closed, so a recorder killed at any moment leaves a file whose
 * every complete block reads back. A block is closed when it reaches opts.block_bytes, when
 * tt_writer_tick() finds it older than opts.block_ms, on tt_writer_flush() and on close.
 *
 * Errors: every call returns >= 0 or -errno. A writer that failed stays failed: later calls
 * return the first error and tt_writer_close() returns it too. Only a failed write (e.g. -ENOSPC,
 * -EPIPE, -EIO) or allocation fails the writer; a refused argument (-EINVAL: type 0, DATA whose
 * cap_len differs from payload_len; -EMSGSIZE: a record over the 32 MiB block cap) does not.
 * Writing to a pipe whose reader has gone raises SIGPIPE unless the caller ignores it.
 * The on-disk layout is specified in FORMAT.md.
 *
 * Ownership: the writer never owns the fd (the caller closes it after tt_writer_close()); it
 * copies every record and payload it is given before returning.
 */
#ifndef TINYTAP_WRITER_H
#define TINYTAP_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "format/fileinfo.h"
#include "format/record.h"

struct tt_writer;

struct tt_writer_opts {
	int level;	     /* zstd level; 0 = default (1) */
	uint32_t block_bytes; /* close a block at this many uncompressed bytes; 0 = 4 MiB */
	uint32_t block_ms;    /* close a non-empty block older than this on tick; 0 = 1000 */
	int no_index;	      /* 1: do not write the trailing index on close */
};

/* Starts a file on fd: writes the file header from info. NULL + errno on failure. */
struct tt_writer *tt_writer_open(int fd, const struct tt_file_info *info,
				 const struct tt_writer_opts *opts);

/* Appends one record. body is the fixed struct (body_len bytes, normally
 * tt_record_fixed_size(type)), payload/payload_len the variable tail (DATA bytes), may be NULL/0.
 * Any type but 0 is accepted (unknown types are for tests and newer code). For DATA, body_len must
 * be >= 60 and the body's cap_len must equal payload_len; for CGROUP, body_len >= 24 and
 * attrs_len must equal payload_len (the attribute bytes). Every body should start with its u64
 * boot-clock timestamp: the block header's first/last timestamps are taken from it. */
int tt_writer_add(struct tt_writer *w, uint32_t type, const void *body, uint32_t body_len,
		  const void *payload, uint32_t payload_len);

/* Convenience wrappers for the common types. */
int tt_writer_add_data(struct tt_writer *w, const struct tt_rec_data *d, const void *payload);

/* Closes the current block if it is older than block_ms (now_ms: any monotonic ms clock, the same
 * one on every call). A block's age counts from the last tick before its first record, or from
 * the first tick after it; call this every few hundred ms. */
int tt_writer_tick(struct tt_writer *w, uint64_t now_ms);

/* Closes the current block now (no-op if empty). */
int tt_writer_flush(struct tt_writer *w);

/* Counters so far (records/blocks written, bytes in and out) for status lines. */
struct tt_writer_stats {
	uint64_t records;
	uint64_t blocks;
	uint64_t raw_bytes;	 /* uncompressed record bytes */
	uint64_t file_bytes;	 /* bytes written to the fd */
};
void tt_writer_get_stats(const struct tt_writer *w, struct tt_writer_stats *st);

/* Flushes, writes the index (unless no_index), frees. Returns the first error of the writer's
 * life, or 0. Does not close fd. NULL is a no-op returning 0. */
int tt_writer_close(struct tt_writer *w);

#endif
