/* SPDX-License-Identifier: MIT */
/*
 * format/reader.h - iterate the records of a .tinytap file, pipe or memory buffer.
 *
 * The reader never trusts a length from the file: every block and record length is checked
 * against what remains and against hard caps before anything is allocated. On a corrupt block it
 * returns -EBADMSG with a message naming the file, offset and block; the next call resynchronises
 * on the next block, so every intact block is still returned. A truncated file gives -EBADMSG
 * once (the message says "truncated"), then 0.
 *
 * Ownership: the reader owns its buffers; the payload pointer in a returned tt_record and the
 * errmsg string are borrowed until the next call on the reader. The reader does not close fds.
 */
#ifndef TINYTAP_READER_H
#define TINYTAP_READER_H

#include <stddef.h>
#include <stdint.h>

#include "format/fileinfo.h"
#include "format/record.h"

struct tt_reader;

/* name: used in messages ("session.tinytap", "<stdin>"). Reads and checks the file header;
 * NULL + errno on failure (EBADMSG: not a .tinytap file, truncated or corrupt header, or an
 * unsupported major version; ENOMEM; EIO etc. from read). tt_reader_open_error() then says why.
 * fd may be a pipe: nothing but tt_reader_seek_time() ever seeks, and only on regular files. */
struct tt_reader *tt_reader_open_fd(int fd, const char *name);
/* Reads from memory (fuzzing, tests); buf is borrowed for the reader's life. */
struct tt_reader *tt_reader_open_mem(const void *buf, size_t len, const char *name);
/* Why the last tt_reader_open_* of this thread returned NULL (one line, no newline; a thread-local
 * buffer valid until the next open in this thread). */
const char *tt_reader_open_error(void);

const struct tt_file_info *tt_reader_info(const struct tt_reader *r);

/* Decompresses and checks up to `blocks` blocks (at most 7) ahead of the records being returned,
 * on a thread of the reader's own (started by the first tt_reader_next(), its signals blocked),
 * while the caller works on the records: the records, errors, messages and stats the reader
 * returns are exactly those of the reader without it, in the same order. Memory: blocks + 1
 * decompressed blocks instead of one. Only on regular files and memory (-ESPIPE on a pipe, whose
 * bytes read ahead could not be put back for tt_reader_seek_time()); call it before reading
 * (-EBUSY once set). 0 blocks: off (the default). If the thread cannot start, the reader reads
 * in the caller's thread. 0 or -errno. */
int tt_reader_set_prefetch(struct tt_reader *r, unsigned blocks);

/* 1 = a record in *rec, 0 = clean end, < 0 = error (see tt_reader_errmsg). Unknown record types
 * are skipped silently (counted in tt_reader_skipped()). After -EBADMSG the caller may call again
 * to continue with the next intact block. */
int tt_reader_next(struct tt_reader *r, struct tt_record *rec);

/* One line (no newline) describing the last error: "FILE: offset N (block B): what". */
const char *tt_reader_errmsg(const struct tt_reader *r);

/* Positions the reader at the first block that may hold records at or after ts_ns (boot clock),
 * using the trailing index when the input is seekable and has one (then it can also go backwards),
 * else by skipping forward over whole blocks whose last timestamp is earlier, without
 * decompressing them. Records before ts_ns in the chosen block are still returned: filter them.
 * The rest of the current block is dropped. Returns 0 or -errno. */
int tt_reader_seek_time(struct tt_reader *r, uint64_t ts_ns);

/* Counters for summaries. */
struct tt_reader_stats {
	uint64_t blocks;	 /* blocks decoded */
	uint64_t records;	 /* records returned */
	uint64_t skipped;	 /* records of unknown type skipped */
	uint64_t bad_blocks;	 /* corrupt blocks skipped */
	uint64_t bytes_read;	 /* file bytes consumed */
	int truncated;		 /* the input ended inside a block */
	int has_end;		 /* an END record was seen */
};
void tt_reader_get_stats(const struct tt_reader *r, struct tt_reader_stats *st);

void tt_reader_free(struct tt_reader *r);

#endif
