// SPDX-License-Identifier: MIT
/*
 * format/reader.c - read a .tinytap file from an fd (file or pipe) or memory. Layout: FORMAT.md.
 *
 * Input goes through one bounded window (in_peek/in_consume): a caller asks for at most the
 * largest legal frame, so a length field can never make the reader allocate more than
 * TT_WIRE_MAX_BLOCK_RAW plus its zstd bound. Each block is decompressed whole, its checksum
 * verified and its records walked once before the first of them is returned.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "format/reader.h"
#include "format/wire.h"

#define READ_CHUNK 65536u
#define SCAN_CHUNK 65536u
#define SKIP_CHUNK (1u << 20)
#define PF_MAX_SLOTS 8 /* cap on tt_reader_set_prefetch()'s blocks (+1 being read) */

struct idx_entry {
	uint64_t offset;
	uint64_t last_ts;
};

/* What the block producer (read_block and its caller) has to remember between blocks: enough to
 * put a prefetching reader back where its consumer is (tt_reader_seek_time()). */
struct pstate {
	uint64_t pos;
	uint64_t next_ordinal;
	int need_resync;
	int done;
	struct tt_reader_stats st; /* the producer's counters: blocks, bad_blocks, bytes_read,
				      truncated */
};

/* One step of the block producer, handed from the prefetch thread to the consumer. */
struct pf_slot {
	int ret;	/* 1 a block in buf, 0 the end, < 0 an error (err) */
	uint8_t *buf;	/* owned by the slot: the block's records */
	size_t cap, len;
	uint64_t seq, off;
	struct pstate ps; /* the producer's state right after this step */
	char err[768];
};

/* The prefetch thread and its bounded queue: a ring of n slots, count of them filled from head
 * on; the consumer holds the head slot (its records are borrowed until the next call) while the
 * thread fills the next ones. Only the thread touches the producer's fields of the reader while
 * it runs; only the consumer touches the record walk. */
struct prefetch {
	unsigned n;		/* slots; 0: no prefetching */
	int running;		/* a thread was started and not joined */
	int eof;		/* the thread's last step was delivered: nothing more comes */
	int held;		/* the consumer holds s[head] */
	int stop;		/* under mu: the thread must end */
	unsigned head, count;	/* under mu */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t can_put, can_take;
	struct pstate taken;	/* producer state after the last step the consumer took */
	struct tt_reader_stats cst; /* stats as of the consumer's position */
	char cerr[768];		/* the last message the consumer was given */
	struct pf_slot s[PF_MAX_SLOTS];
};

struct tt_reader {
	char name[256];
	int fd;			/* -1 in memory mode */
	const uint8_t *mem;	/* memory mode: the whole input, borrowed */
	size_t mem_len;
	uint8_t *ibuf;		/* fd mode: window [istart, iend) */
	size_t icap, istart, iend;
	int ieof;
	uint64_t pos;		/* input offset of the first unconsumed byte */
	uint64_t base;		/* input offset where reading started */
	int seekable;
	struct tt_file_info info;
	ZSTD_DCtx *dctx;
	uint8_t *blk;		/* producer: the block being read */
	size_t blk_cap;
	size_t lb_len;		/* producer: the block read last (length, sequence, offset) */
	uint64_t lb_seq, lb_off;
	const uint8_t *cblk;	/* consumer: the current block's records, validated */
	size_t blk_len, blk_pos;
	uint64_t blk_seq, blk_off;
	int in_block;
	uint64_t next_ordinal;	/* block number used in messages before a header is trusted */
	int need_resync;
	int done;
	int pending_err;	/* error to return on the next call (errmsg already set) */
	int index_tried;
	struct idx_entry *idx;
	size_t idx_len;
	uint64_t idx_end;	/* offset of the index frame */
	char errmsg[768];	/* the producer's (and seek's) messages */
	const char *errp;	/* the message tt_reader_errmsg() shows: errmsg or pf.s[].err */
	struct tt_reader_stats st;
	struct tt_reader_stats *cs; /* the consumer's counters: &st, or &pf.cst when prefetching */
	struct prefetch pf;
};

static __thread char open_err[768];

const char *tt_reader_open_error(void)
{
	return open_err;
}

const char *tt_reader_errmsg(const struct tt_reader *r)
{
	return r ? r->errp : "";
}

__attribute__((format(printf, 4, 5))) static int bad(struct tt_reader *r, uint64_t off,
						       uint64_t blk, const char *fmt, ...)
{
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: offset %" PRIu64 " (block %" PRIu64 "): %s",
		 r->name, off, blk, what);
	return -EBADMSG;
}

/* --- bounded input window ---------------------------------------------------------------- */

/* Makes up to need bytes available at *p; returns how many (less only at end of input) or -errno.
 * need is always bounded by the caller by a format cap. */
static ssize_t in_peek(struct tt_reader *r, size_t need, const uint8_t **p)
{
	if (r->fd < 0) {
		size_t off = (size_t)(r->pos - r->base);
		size_t avail = off < r->mem_len ? r->mem_len - off : 0;
		*p = r->mem + (off < r->mem_len ? off : r->mem_len);
		return (ssize_t)(avail < need ? avail : need);
	}
	while (r->iend - r->istart < need && !r->ieof) {
		if (r->istart > 0) {
			memmove(r->ibuf, r->ibuf + r->istart, r->iend - r->istart);
			r->iend -= r->istart;
			r->istart = 0;
		}
		if (r->icap < need || r->icap - r->iend < READ_CHUNK / 4) {
			size_t n = r->icap ? r->icap : READ_CHUNK;
			uint8_t *nb;
			while (n < need || n - r->iend < READ_CHUNK / 4)
				n *= 2;
			nb = realloc(r->ibuf, n);
			if (!nb)
				return -ENOMEM;
			r->ibuf = nb;
			r->icap = n;
		}
		ssize_t n = read(r->fd, r->ibuf + r->iend, r->icap - r->iend);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			r->ieof = 1;
		r->iend += (size_t)n;
	}
	*p = r->ibuf + r->istart;
	size_t avail = r->iend - r->istart;
	return (ssize_t)(avail < need ? avail : need);
}

/* n must not exceed what the last in_peek returned. */
static void in_consume(struct tt_reader *r, size_t n)
{
	r->pos += n;
	r->st.bytes_read += n;
	if (r->fd >= 0)
		r->istart += n;
}

/* Discards n bytes in bounded steps; returns bytes skipped (< n at end of input) or -errno. */
static int64_t in_skip(struct tt_reader *r, uint64_t n)
{
	uint64_t done = 0;
	const uint8_t *p;

	while (done < n) {
		uint64_t want = n - done < SKIP_CHUNK ? n - done : SKIP_CHUNK;
		ssize_t got = in_peek(r, (size_t)want, &p);
		if (got < 0)
			return got;
		if (got == 0)
			break;
		in_consume(r, (size_t)got);
		done += (uint64_t)got;
	}
	return (int64_t)done;
}

static int in_seek(struct tt_reader *r, uint64_t off)
{
	if (r->fd < 0) {
		r->pos = off;
		return 0;
	}
	if (lseek(r->fd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	r->istart = r->iend = 0;
	r->ieof = 0;
	r->pos = off;
	return 0;
}

/* --- file header ------------------------------------------------------------------------- */

static void copy_str(char *dst, size_t cap, const uint8_t *src, size_t n)
{
	if (n >= cap)
		n = cap - 1; /* cut to fit, as fileinfo.h promises */
	memcpy(dst, src, n);
	dst[n] = '\0';
	/* An embedded NUL in the file ends the string; nothing after it is kept. */
}

static int read_file_header(struct tt_reader *r)
{
	const uint8_t *p, *c;
	uint32_t magic, size, fixed, crc;
	ssize_t n;
	size_t i, end;

	n = in_peek(r, 8, &p);
	if (n < 0)
		return bad(r, r->pos, 0, "read error: %s", strerror((int)-n)), (int)n;
	if (n < 8)
		return bad(r, r->pos, 0, "truncated file header: expected 8 bytes, found %zd", n);
	magic = tt_get32(p);
	size = tt_get32(p + 4);
	if (magic != TT_WIRE_FILE_MAGIC)
		return bad(r, r->pos, 0,
			   "not a .tinytap file: expected magic 0x%08X, found 0x%08X",
			   TT_WIRE_FILE_MAGIC, magic);
	if (size < TT_WIRE_FILE_FIXED_MIN + 8 || size > TT_WIRE_FILE_MAX)
		return bad(r, r->pos, 0, "file header size: expected %u..%u, found %" PRIu32,
			   TT_WIRE_FILE_FIXED_MIN + 8, TT_WIRE_FILE_MAX, size);
	n = in_peek(r, 8 + (size_t)size, &p);
	if (n < 0)
		return bad(r, r->pos, 0, "read error: %s", strerror((int)-n)), (int)n;
	if ((size_t)n < 8 + (size_t)size)
		return bad(r, r->pos, 0, "truncated file header: expected %u bytes, found %zd",
			   8 + size, n);
	c = p + 8;
	if (memcmp(c, TT_WIRE_FILE_TAG, 4))
		return bad(r, r->pos + 8, 0, "file header tag: expected \"TTAP\", found %02x%02x%02x%02x",
			   c[0], c[1], c[2], c[3]);
	r->info.version_major = tt_get16(c + 4);
	r->info.version_minor = tt_get16(c + 6);
	if (r->info.version_major != TT_FORMAT_MAJOR)
		return bad(r, r->pos + 12, 0,
			   "unsupported format version: expected major %d, found %u.%u",
			   TT_FORMAT_MAJOR, r->info.version_major, r->info.version_minor);
	if (tt_get32(c + 8) != TT_WIRE_BOM)
		return bad(r, r->pos + 16, 0, "byte-order mark: expected 0x%08X, found 0x%08X",
			   TT_WIRE_BOM, tt_get32(c + 8));
	crc = tt_wire_crc32(c, size - 4);
	if (crc != tt_get32(c + size - 4))
		return bad(r, r->pos + 8 + size - 4, 0,
			   "file header CRC: expected 0x%08X, found 0x%08X", crc,
			   tt_get32(c + size - 4));
	fixed = tt_get32(c + 12);
	if (fixed < TT_WIRE_FILE_FIXED_MIN || fixed > size - 4)
		return bad(r, r->pos + 20, 0, "file header fixed length: expected %u..%u, found %u",
			   TT_WIRE_FILE_FIXED_MIN, size - 4, fixed);
	r->info.snaplen = tt_get32(c + 16);
	r->info.start_wall_ns = (int64_t)tt_get64(c + 24);
	r->info.start_boot_ns = tt_get64(c + 32);
	end = size - 4;
	for (i = fixed; i + 4 <= end;) {
		uint16_t tag = tt_get16(c + i), len = tt_get16(c + i + 2);
		if (tag == TT_WIRE_TLV_END)
			break;
		if (len > end - i - 4)
			return bad(r, r->pos + 8 + i, 0,
				   "header field %u length: expected <= %zu, found %u", tag,
				   end - i - 4, len);
		const uint8_t *v = c + i + 4;
		switch (tag) {
		case TT_WIRE_TLV_HOSTNAME:
			copy_str(r->info.hostname, sizeof(r->info.hostname), v, strnlen((const char *)v, len));
			break;
		case TT_WIRE_TLV_KERNEL:
			copy_str(r->info.kernel, sizeof(r->info.kernel), v, strnlen((const char *)v, len));
			break;
		case TT_WIRE_TLV_RECORDER:
			copy_str(r->info.recorder, sizeof(r->info.recorder), v, strnlen((const char *)v, len));
			break;
		case TT_WIRE_TLV_OPTIONS:
			copy_str(r->info.options, sizeof(r->info.options), v, strnlen((const char *)v, len));
			break;
		default: /* a newer writer's field: skip */
			break;
		}
		i += 4 + (size_t)len;
	}
	in_consume(r, 8 + (size_t)size);
	return 0;
}

static struct tt_reader *reader_new(const char *name)
{
	struct tt_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "<input>");
	r->fd = -1;
	r->errp = r->errmsg;
	r->cs = &r->st;
	r->dctx = ZSTD_createDCtx();
	if (!r->dctx) {
		free(r);
		return NULL;
	}
	return r;
}

static struct tt_reader *finish_open(struct tt_reader *r)
{
	int err = read_file_header(r);

	if (err) {
		snprintf(open_err, sizeof(open_err), "%s", r->errmsg);
		tt_reader_free(r);
		errno = -err;
		return NULL;
	}
	open_err[0] = '\0';
	return r;
}

struct tt_reader *tt_reader_open_fd(int fd, const char *name)
{
	struct tt_reader *r;
	struct stat sb;
	off_t off;

	if (fd < 0) {
		snprintf(open_err, sizeof(open_err), "%s: bad file descriptor", name ? name : "");
		errno = EBADF;
		return NULL;
	}
	r = reader_new(name);
	if (!r) {
		snprintf(open_err, sizeof(open_err), "%s: out of memory", name ? name : "");
		errno = ENOMEM;
		return NULL;
	}
	r->fd = fd;
	off = lseek(fd, 0, SEEK_CUR);
	if (off >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		r->seekable = 1;
		r->pos = r->base = (uint64_t)off;
	}
	return finish_open(r);
}

struct tt_reader *tt_reader_open_mem(const void *buf, size_t len, const char *name)
{
	struct tt_reader *r;

	if (!buf && len) {
		errno = EINVAL;
		return NULL;
	}
	r = reader_new(name);
	if (!r) {
		snprintf(open_err, sizeof(open_err), "%s: out of memory", name ? name : "");
		errno = ENOMEM;
		return NULL;
	}
	r->mem = buf ? buf : (const uint8_t *)"";
	r->mem_len = len;
	r->seekable = 1;
	return finish_open(r);
}

const struct tt_file_info *tt_reader_info(const struct tt_reader *r)
{
	return r ? &r->info : NULL;
}

/* --- blocks ------------------------------------------------------------------------------ */

struct blk_hdr {
	uint32_t size; /* header content size */
	uint32_t comp_len;
	uint64_t seq;
	uint32_t raw_len;
	uint32_t records;
	uint64_t first_ts, last_ts;
};

/* Parses and checks a block header at the current position (magic already seen).
 * 1 = ok, 0 = input ended inside it, < 0 = corrupt (message set). */
static int parse_blk_hdr(struct tt_reader *r, struct blk_hdr *h)
{
	const uint8_t *p, *c;
	ssize_t n;
	uint32_t crc;

	n = in_peek(r, 8, &p);
	if (n < 0)
		return bad(r, r->pos, r->next_ordinal, "read error: %s", strerror((int)-n)), (int)n;
	if (n < 8)
		return 0;
	h->size = tt_get32(p + 4);
	if (h->size < TT_WIRE_BLOCK_HDR || h->size > TT_WIRE_BLOCK_HDR_MAX)
		return bad(r, r->pos + 4, r->next_ordinal,
			   "block header size: expected %u..%u, found %" PRIu32, TT_WIRE_BLOCK_HDR,
			   TT_WIRE_BLOCK_HDR_MAX, h->size);
	n = in_peek(r, 8 + (size_t)h->size, &p);
	if (n < 0)
		return bad(r, r->pos, r->next_ordinal, "read error: %s", strerror((int)-n)), (int)n;
	if ((size_t)n < 8 + (size_t)h->size)
		return 0;
	c = p + 8;
	if (memcmp(c, TT_WIRE_BLOCK_TAG, 4))
		return bad(r, r->pos + 8, r->next_ordinal,
			   "block header tag: expected \"TTBK\", found %02x%02x%02x%02x", c[0], c[1],
			   c[2], c[3]);
	crc = tt_wire_crc32(c, h->size - 4);
	if (crc != tt_get32(c + h->size - 4))
		return bad(r, r->pos + 8 + h->size - 4, r->next_ordinal,
			   "block header CRC: expected 0x%08X, found 0x%08X", crc,
			   tt_get32(c + h->size - 4));
	h->comp_len = tt_get32(c + 4);
	h->seq = tt_get64(c + 8);
	h->raw_len = tt_get32(c + 16);
	h->records = tt_get32(c + 20);
	h->first_ts = tt_get64(c + 24);
	h->last_ts = tt_get64(c + 32);
	if (h->raw_len == 0 || h->raw_len > TT_WIRE_MAX_BLOCK_RAW || h->raw_len % 8)
		return bad(r, r->pos + 24, h->seq,
			   "block raw length: expected a multiple of 8 in 8..%u, found %" PRIu32,
			   TT_WIRE_MAX_BLOCK_RAW, h->raw_len);
	if ((uint64_t)h->records * TT_WIRE_REC_HDR > h->raw_len || h->records == 0)
		return bad(r, r->pos + 28, h->seq,
			   "block record count: expected 1..%" PRIu32 ", found %" PRIu32,
			   h->raw_len / TT_WIRE_REC_HDR, h->records);
	if (h->comp_len == 0 || h->comp_len > ZSTD_compressBound(h->raw_len))
		return bad(r, r->pos + 12, h->seq,
			   "block compressed length: expected 1..%zu, found %" PRIu32,
			   ZSTD_compressBound(h->raw_len), h->comp_len);
	return 1;
}

/* Walks the decompressed records once: every frame inside the block, DATA lengths consistent,
 * count as announced. */
static int check_records(struct tt_reader *r, uint64_t off, const struct blk_hdr *h)
{
	size_t pos = 0;
	uint32_t count = 0;

	while (pos < h->raw_len) {
		/* raw_len and every frame are multiples of 8, so a record header always fits */
		size_t left = h->raw_len - pos;
		uint32_t type = tt_get32(r->blk + pos), len = tt_get32(r->blk + pos + 4);
		if (type == 0 || tt_wire_pad8(len) > left - TT_WIRE_REC_HDR)
			return bad(r, off, h->seq,
				   "record %" PRIu32 " at block byte %zu: expected type != 0 and body "
				   "<= %zu bytes, found type %" PRIu32 " body %" PRIu32,
				   count, pos, left - TT_WIRE_REC_HDR, type, len);
		if (type == TT_REC_DATA || type == TT_REC_TLS_DATA) {
			uint32_t cap;
			if (len < TT_WIRE_DATA_MIN_FIXED)
				return bad(r, off, h->seq,
					   "data record %" PRIu32 " at block byte %zu: expected body >= %u,"
					   " found %" PRIu32, count, pos, TT_WIRE_DATA_MIN_FIXED, len);
			cap = tt_get32(r->blk + pos + 8 + TT_WIRE_DATA_CAPLEN_OFF);
			if (cap > len - TT_WIRE_DATA_MIN_FIXED)
				return bad(r, off, h->seq,
					   "data record %" PRIu32 " at block byte %zu: expected cap_len <= "
					   "%" PRIu32 ", found %" PRIu32, count, pos,
					   len - TT_WIRE_DATA_MIN_FIXED, cap);
		}
		if (type == TT_REC_CGROUP) {
			uint32_t al;
			if (len < TT_WIRE_CGROUP_MIN_FIXED)
				return bad(r, off, h->seq,
					   "cgroup record %" PRIu32 " at block byte %zu: expected body >= "
					   "%u, found %" PRIu32, count, pos, TT_WIRE_CGROUP_MIN_FIXED, len);
			al = tt_get32(r->blk + pos + 8 + TT_WIRE_CGROUP_ATTRS_OFF);
			if (al > len - TT_WIRE_CGROUP_MIN_FIXED)
				return bad(r, off, h->seq,
					   "cgroup record %" PRIu32 " at block byte %zu: expected attrs_len "
					   "<= %" PRIu32 ", found %" PRIu32, count, pos,
					   len - TT_WIRE_CGROUP_MIN_FIXED, al);
		}
		pos += TT_WIRE_REC_HDR + (size_t)tt_wire_pad8(len);
		count++;
	}
	if (count != h->records)
		return bad(r, off, h->seq, "block record count: expected %" PRIu32 ", found %" PRIu32,
			   h->records, count);
	return 0;
}

/* 1 = a block is loaded, 0 = clean end of input, < 0 = error (message set). */
static int read_block(struct tt_reader *r)
{
	for (;;) {
		const uint8_t *p;
		uint64_t off = r->pos;
		ssize_t n = in_peek(r, 8, &p);
		uint32_t magic, size;

		if (n < 0)
			return bad(r, off, r->next_ordinal, "read error: %s", strerror((int)-n)), (int)n;
		if (n == 0)
			return 0;
		if (n < 8) {
			r->st.truncated = 1;
			return bad(r, off, r->next_ordinal,
				   "truncated frame header: expected 8 bytes, found %zd", n);
		}
		magic = tt_get32(p);
		size = tt_get32(p + 4);
		if (magic == TT_WIRE_BLOCK_MAGIC)
			break;
		if (magic >= TT_WIRE_SKIP_MAGIC_MIN && magic <= TT_WIRE_SKIP_MAGIC_MAX) {
			/* index, a concatenated file's header, or a frame from a newer writer */
			int64_t s;
			in_consume(r, 8);
			s = in_skip(r, size);
			if (s < 0)
				return bad(r, off, r->next_ordinal, "read error: %s",
					   strerror((int)-s)), (int)s;
			if ((uint64_t)s < size) {
				r->st.truncated = 1;
				return bad(r, off, r->next_ordinal,
					   "truncated skippable frame 0x%08X: expected %" PRIu32
					   " bytes, found %" PRId64, magic, size, s);
			}
			continue;
		}
		return bad(r, off, r->next_ordinal,
			   "frame magic: expected block header 0x%08X, found 0x%08X",
			   TT_WIRE_BLOCK_MAGIC, magic);
	}

	struct blk_hdr h;
	uint64_t off = r->pos;
	int ret = parse_blk_hdr(r, &h);
	const uint8_t *p, *frame;
	ssize_t n;
	size_t total, d;
	unsigned long long csize;

	if (ret < 0)
		return ret;
	if (ret == 0) {
		r->st.truncated = 1;
		return bad(r, off, r->next_ordinal, "truncated block header");
	}
	total = 8 + (size_t)h.size + h.comp_len;
	n = in_peek(r, total, &p);
	if (n < 0)
		return bad(r, off, h.seq, "read error: %s", strerror((int)-n)), (int)n;
	if ((size_t)n < total) {
		r->st.truncated = 1;
		return bad(r, off, h.seq, "truncated block: expected %zu bytes, found %zd", total, n);
	}
	frame = p + 8 + h.size;
	if (h.comp_len < 5 || tt_get32(frame) != TT_WIRE_ZSTD_MAGIC)
		return bad(r, off + 8 + h.size, h.seq, "zstd frame: expected magic 0x%08X, found "
			   "0x%08X", TT_WIRE_ZSTD_MAGIC, h.comp_len < 4 ? 0 : tt_get32(frame));
	/* Frame_Header_Descriptor bit 2: content checksum present (RFC 8878 3.1.1.1.1) */
	csize = ZSTD_getFrameContentSize(frame, h.comp_len);
	if (!(frame[4] & 0x04) || csize != h.raw_len)
		return bad(r, off + 8 + h.size, h.seq,
			   "zstd frame: expected checksum flag and content size %" PRIu32
			   ", found flag %u size %lld", h.raw_len, (frame[4] >> 2) & 1,
			   (long long)csize);
	d = ZSTD_findFrameCompressedSize(frame, h.comp_len);
	if (ZSTD_isError(d) || d != h.comp_len)
		return bad(r, off + 8 + h.size, h.seq,
			   "zstd frame length: expected %" PRIu32 ", found %s", h.comp_len,
			   ZSTD_isError(d) ? ZSTD_getErrorName(d) : "a different length");
	if (r->blk_cap < h.raw_len) {
		uint8_t *nb = realloc(r->blk, h.raw_len);
		if (!nb)
			return bad(r, off, h.seq, "out of memory for a %" PRIu32 "-byte block",
				   h.raw_len), -ENOMEM;
		r->blk = nb;
		r->blk_cap = h.raw_len;
	}
	d = ZSTD_decompressDCtx(r->dctx, r->blk, h.raw_len, frame, h.comp_len);
	if (ZSTD_isError(d))
		return bad(r, off + 8 + h.size, h.seq, "zstd frame: expected valid data, found %s",
			   ZSTD_getErrorName(d));
	if (d != h.raw_len)
		return bad(r, off + 8 + h.size, h.seq,
			   "block raw length: expected %" PRIu32 ", found %zu", h.raw_len, d);
	ret = check_records(r, off, &h);
	if (ret < 0)
		return ret;
	in_consume(r, total);
	r->lb_len = h.raw_len;
	r->lb_seq = h.seq;
	r->lb_off = off;
	r->next_ordinal = h.seq + 1;
	r->st.blocks++;
	return 1;
}

/* After a corrupt block: drop at least one byte, then scan for the next block header pattern
 * (block magic, then "TTBK" 8 bytes later). Its CRC is checked by read_block. */
static int resync(struct tt_reader *r)
{
	const uint8_t *p;
	ssize_t n = in_peek(r, 1, &p);

	if (n <= 0)
		return (int)n;
	in_consume(r, 1);
	for (;;) {
		n = in_peek(r, SCAN_CHUNK, &p);
		if (n < 0)
			return (int)n;
		if (n < 12) {
			in_consume(r, (size_t)n); /* in_peek only gives less than asked at the end */
			return 0;
		}
		for (ssize_t i = 0; i + 12 <= n; i++) {
			if (p[i] == 0x51 && tt_get32(p + i) == TT_WIRE_BLOCK_MAGIC &&
			    !memcmp(p + i + 8, TT_WIRE_BLOCK_TAG, 4)) {
				in_consume(r, (size_t)i);
				return 1;
			}
		}
		in_consume(r, (size_t)n - 11);
	}
}

static void decode(struct tt_reader *r, uint32_t type, const uint8_t *body, uint32_t len,
		   struct tt_record *rec)
{
	uint32_t fixed = tt_record_fixed_size(type), n;

	memset(rec, 0, sizeof(*rec));
	rec->type = type;
	rec->body_len = len;
	rec->block = r->blk_seq;
	rec->offset = r->blk_off;
	if (type == TT_REC_DATA || type == TT_REC_TLS_DATA) {
		/* the payload is the last cap_len bytes of the body (checked in check_records) */
		uint32_t cap = tt_get32(body + TT_WIRE_DATA_CAPLEN_OFF);
		n = len - cap;
		memcpy(&rec->u, body, n < fixed ? n : fixed);
		rec->payload = cap ? body + n : NULL;
		/* the layer is the record type's word, whatever the flags say */
		if (type == TT_REC_TLS_DATA)
			rec->u.data.flags |= TT_DATA_TLS;
		else
			rec->u.data.flags &= ~TT_DATA_TLS;
		rec->type = TT_REC_DATA;
		return;
	}
	if (type == TT_REC_CGROUP) {
		/* the same rule: the attributes are the last attrs_len bytes (checked likewise) */
		uint32_t al = tt_get32(body + TT_WIRE_CGROUP_ATTRS_OFF);
		n = len - al;
		memcpy(&rec->u, body, n < fixed ? n : fixed);
		rec->payload = al ? body + n : NULL;
		return;
	}
	/* shorter (older) body: the rest stays zero; longer (newer): tail ignored */
	memcpy(&rec->u, body, len < fixed ? len : fixed);
}

/* The block producer: the next block into r->blk (1; r->lb_* say which), the clean end (0), or an
 * error (< 0, message in r->errmsg); after a corrupt block the next call resynchronises. The
 * same steps run in the caller's thread or on the prefetch thread. */
static int next_block(struct tt_reader *r)
{
	int ret;

	if (r->done)
		return 0;
	if (r->need_resync) {
		r->need_resync = 0;
		ret = resync(r);
		if (ret < 0) {
			r->done = 1;
			return bad(r, r->pos, r->next_ordinal, "read error: %s", strerror(-ret)), ret;
		}
		if (ret == 0) {
			r->done = 1;
			return 0;
		}
	}
	ret = read_block(r);
	if (ret == 0) {
		r->done = 1;
		return 0;
	}
	if (ret < 0) {
		if (r->st.truncated || ret != -EBADMSG) {
			r->done = 1;
		} else {
			r->need_resync = 1;
			r->st.bad_blocks++;
			r->next_ordinal++;
		}
		return ret;
	}
	return 1;
}

static void pstate_save(const struct tt_reader *r, struct pstate *ps)
{
	ps->pos = r->pos;
	ps->next_ordinal = r->next_ordinal;
	ps->need_resync = r->need_resync;
	ps->done = r->done;
	ps->st = r->st;
}

/* --- prefetching ----------------------------------------------------------------------------- */

static void *pf_main(void *arg)
{
	struct tt_reader *r = arg;
	struct prefetch *pf = &r->pf;

	for (;;) {
		pthread_mutex_lock(&pf->mu);
		while (pf->count == pf->n && !pf->stop)
			pthread_cond_wait(&pf->can_put, &pf->mu);
		if (pf->stop) {
			pthread_mutex_unlock(&pf->mu);
			return NULL;
		}
		/* slots outside [head, head + count) are this thread's until it counts one in */
		struct pf_slot *sl = &pf->s[(pf->head + pf->count) % pf->n];
		pthread_mutex_unlock(&pf->mu);

		r->blk = sl->buf;
		r->blk_cap = sl->cap;
		sl->ret = next_block(r);
		sl->buf = r->blk;
		sl->cap = r->blk_cap;
		r->blk = NULL;
		r->blk_cap = 0;
		sl->len = r->lb_len;
		sl->seq = r->lb_seq;
		sl->off = r->lb_off;
		if (sl->ret < 0)
			memcpy(sl->err, r->errmsg, sizeof(sl->err));
		pstate_save(r, &sl->ps);

		pthread_mutex_lock(&pf->mu);
		pf->count++;
		pthread_cond_signal(&pf->can_take);
		pthread_mutex_unlock(&pf->mu);
		if (sl->ps.done)
			return NULL; /* nothing follows: the end, or an error that ends the input */
	}
}

/* Starts the thread (0), or says it could not (< 0: the caller reads in its own thread). */
static int pf_start(struct tt_reader *r)
{
	struct prefetch *pf = &r->pf;
	sigset_t all, old;

	pstate_save(r, &pf->taken);
	pf->cst = r->st;
	memcpy(pf->cerr, r->errmsg, sizeof(pf->cerr)); /* the thread writes r->errmsg from now on */
	pf->head = pf->count = 0;
	pf->held = pf->stop = pf->eof = 0;
	/* signals go to the program's own threads, never to this one */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(&pf->th, NULL, pf_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pf->running = 1;
	r->cs = &pf->cst;
	r->errp = pf->cerr;
	return 0;
}

/* Ends the thread and puts the producer back right after the last step the consumer took, so
 * reading on in this thread (or seeking) continues from there. */
static int pf_stop(struct tt_reader *r, int reposition)
{
	struct prefetch *pf = &r->pf;

	if (!pf->running)
		return 0;
	pthread_mutex_lock(&pf->mu);
	pf->stop = 1;
	pthread_cond_broadcast(&pf->can_put);
	pthread_mutex_unlock(&pf->mu);
	pthread_join(pf->th, NULL);
	pf->running = 0;
	r->pos = pf->taken.pos;
	r->next_ordinal = pf->taken.next_ordinal;
	r->need_resync = pf->taken.need_resync;
	r->done = pf->taken.done;
	r->st = pf->taken.st;
	r->st.records = pf->cst.records;
	r->st.skipped = pf->cst.skipped;
	r->st.has_end = pf->cst.has_end;
	r->cs = &r->st;
	memcpy(r->errmsg, pf->cerr, sizeof(r->errmsg));
	r->errp = r->errmsg;
	r->in_block = 0;
	pf->held = 0;
	pf->head = pf->count = 0;
	if (r->fd < 0 || !reposition)
		return 0;
	r->istart = r->iend = 0;
	r->ieof = 0;
	return lseek(r->fd, (off_t)r->pos, SEEK_SET) < 0 ? -errno : 0;
}

/* The consumer's next step from the thread: as next_block(), with the block in r->cblk. */
static int pf_take(struct tt_reader *r)
{
	struct prefetch *pf = &r->pf;

	if (pf->eof)
		return 0;
	pthread_mutex_lock(&pf->mu);
	if (pf->held) {
		pf->head = (pf->head + 1) % pf->n;
		pf->count--;
		pf->held = 0;
		pthread_cond_signal(&pf->can_put);
	}
	while (pf->count == 0)
		pthread_cond_wait(&pf->can_take, &pf->mu);
	struct pf_slot *sl = &pf->s[pf->head];
	pf->held = 1;
	pthread_mutex_unlock(&pf->mu);

	pf->taken = sl->ps;
	pf->cst.blocks = sl->ps.st.blocks;
	pf->cst.bad_blocks = sl->ps.st.bad_blocks;
	pf->cst.bytes_read = sl->ps.st.bytes_read;
	pf->cst.truncated = sl->ps.st.truncated;
	if (sl->ps.done)
		pf->eof = 1;
	if (sl->ret < 0)
		memcpy(pf->cerr, sl->err, sizeof(pf->cerr));
	if (sl->ret != 1)
		return sl->ret;
	r->cblk = sl->buf;
	r->blk_len = sl->len;
	r->blk_seq = sl->seq;
	r->blk_off = sl->off;
	return 1;
}

int tt_reader_set_prefetch(struct tt_reader *r, unsigned blocks)
{
	if (!r)
		return -EINVAL;
	if (r->pf.running || r->pf.n)
		return -EBUSY;
	if (blocks == 0)
		return 0;
	if (!r->seekable)
		return -ESPIPE; /* a pipe cannot be put back where the consumer is */
	if (blocks > PF_MAX_SLOTS - 1)
		blocks = PF_MAX_SLOTS - 1;
	if (pthread_mutex_init(&r->pf.mu, NULL))
		return -ENOMEM;
	if (pthread_cond_init(&r->pf.can_put, NULL)) {
		pthread_mutex_destroy(&r->pf.mu);
		return -ENOMEM;
	}
	if (pthread_cond_init(&r->pf.can_take, NULL)) {
		pthread_cond_destroy(&r->pf.can_put);
		pthread_mutex_destroy(&r->pf.mu);
		return -ENOMEM;
	}
	r->pf.n = blocks + 1; /* + the one the consumer holds */
	return 0;
}

int tt_reader_next(struct tt_reader *r, struct tt_record *rec)
{
	int ret;

	if (!r || !rec)
		return -EINVAL;
	for (;;) {
		if (r->pending_err) {
			ret = r->pending_err;
			r->pending_err = 0;
			return ret;
		}
		while (r->in_block && r->blk_pos < r->blk_len) {
			const uint8_t *f = r->cblk + r->blk_pos;
			uint32_t type = tt_get32(f), len = tt_get32(f + 4);

			r->blk_pos += TT_WIRE_REC_HDR + (size_t)tt_wire_pad8(len);
			if (!tt_record_fixed_size(type)) {
				r->cs->skipped++;
				continue;
			}
			decode(r, type, f + TT_WIRE_REC_HDR, len, rec);
			r->cs->records++;
			if (type == TT_REC_END)
				r->cs->has_end = 1;
			return 1;
		}
		r->in_block = 0;
		if (r->pf.n && !r->pf.running && !r->done && pf_start(r) < 0)
			r->pf.n = 0; /* no thread: read in this one */
		if (r->pf.running) {
			ret = pf_take(r);
		} else {
			ret = next_block(r);
			if (ret == 1) {
				r->cblk = r->blk;
				r->blk_len = r->lb_len;
				r->blk_seq = r->lb_seq;
				r->blk_off = r->lb_off;
			}
		}
		if (ret <= 0)
			return ret;
		r->blk_pos = 0;
		r->in_block = 1;
	}
}

/* --- seeking ----------------------------------------------------------------------------- */

static uint64_t input_size(struct tt_reader *r)
{
	struct stat sb;

	if (r->fd < 0)
		return r->base + r->mem_len;
	if (fstat(r->fd, &sb) || sb.st_size < 0)
		return 0;
	return (uint64_t)sb.st_size;
}

/* Reads len bytes at absolute offset off into buf without disturbing the stream position. */
static int read_at(struct tt_reader *r, uint64_t off, void *buf, size_t len)
{
	if (r->fd < 0) {
		if (off < r->base || off - r->base > r->mem_len || len > r->mem_len - (off - r->base))
			return -EINVAL;
		memcpy(buf, r->mem + (off - r->base), len);
		return 0;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(r->fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EINVAL;
		done += (size_t)n;
	}
	return 0;
}

/* Loads the trailing index if there is a valid one; any doubt means "no index". */
static void load_index(struct tt_reader *r)
{
	uint8_t foot[TT_WIRE_FOOTER], head[16];
	uint64_t size = input_size(r), count, esz, total, start;
	uint8_t *buf = NULL;

	r->index_tried = 1;
	if (size < r->base + TT_WIRE_FOOTER + 16 ||
	    read_at(r, size - TT_WIRE_FOOTER, foot, sizeof(foot)))
		return;
	if (memcmp(foot + 12, TT_WIRE_FOOTER_TAG, 4))
		return;
	count = tt_get32(foot);
	esz = tt_get16(foot + 4);
	if (count > TT_WIRE_INDEX_MAX_ENTRIES || esz < TT_WIRE_INDEX_ENTRY || esz > 4096)
		return;
	total = 8 + 8 + count * esz + TT_WIRE_FOOTER;
	if (total > size - r->base)
		return;
	start = size - total;
	if (read_at(r, start, head, sizeof(head)) || tt_get32(head) != TT_WIRE_INDEX_MAGIC ||
	    tt_get32(head + 4) != total - 8 || memcmp(head + 8, TT_WIRE_INDEX_TAG, 4) ||
	    tt_get32(head + 12) != esz)
		return;
	buf = malloc(total - 8); /* bounded by the input's real size */
	if (!buf)
		return;
	if (read_at(r, start + 8, buf, total - 8) ||
	    tt_wire_crc32(buf, total - 8 - TT_WIRE_FOOTER) != tt_get32(foot + 8))
		goto out;
	r->idx = calloc(count ? count : 1, sizeof(*r->idx));
	if (!r->idx)
		goto out;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = buf + 8 + i * esz;
		r->idx[i].offset = tt_get64(e);
		r->idx[i].last_ts = tt_get64(e + 32);
		if (r->idx[i].offset < r->base || r->idx[i].offset >= start) {
			free(r->idx);
			r->idx = NULL;
			goto out;
		}
	}
	r->idx_len = count;
	r->idx_end = start;
out:
	free(buf);
}

int tt_reader_seek_time(struct tt_reader *r, uint64_t ts_ns)
{
	if (!r)
		return -EINVAL;
	int err = pf_stop(r, 1);
	r->errp = r->errmsg;
	if (err)
		return err;
	r->in_block = 0;
	if (r->seekable && !r->index_tried)
		load_index(r);
	if (r->idx) {
		uint64_t off = r->idx_end;
		for (size_t i = 0; i < r->idx_len; i++) {
			if (r->idx[i].last_ts >= ts_ns) {
				off = r->idx[i].offset;
				break;
			}
		}
		err = in_seek(r, off);
		if (err)
			return err;
		r->done = 0;
		r->need_resync = 0;
		r->pending_err = 0;
		return 0;
	}
	if (r->done)
		return 0;
	if (r->need_resync) {
		int ret = resync(r);
		r->need_resync = 0;
		if (ret <= 0)
			return ret;
	}
	/* No index (killed recorder, pipe): skip whole blocks by their header's last timestamp
	 * without decompressing them. Anything odd is left for tt_reader_next to report. */
	for (;;) {
		const uint8_t *p;
		struct blk_hdr h;
		uint64_t off = r->pos;
		ssize_t n = in_peek(r, 8, &p);
		int ret;

		if (n < 8 || tt_get32(p) != TT_WIRE_BLOCK_MAGIC)
			return n < 0 ? (int)n : 0;
		ret = parse_blk_hdr(r, &h);
		if (ret <= 0) {
			r->errmsg[0] = '\0';
			return 0;
		}
		if (h.last_ts >= ts_ns)
			return 0;
		int64_t s = in_skip(r, 8 + (uint64_t)h.size + h.comp_len);
		if (s < 0)
			return (int)s;
		if ((uint64_t)s < 8 + (uint64_t)h.size + h.comp_len) {
			r->st.truncated = 1;
			r->done = 1;
			r->pending_err = bad(r, off, h.seq, "truncated block: expected %" PRIu64
					     " bytes, found %" PRId64,
					     8 + (uint64_t)h.size + h.comp_len, s);
			return 0;
		}
		r->next_ordinal = h.seq + 1;
	}
}

void tt_reader_get_stats(const struct tt_reader *r, struct tt_reader_stats *st)
{
	if (!st)
		return;
	if (!r) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = *r->cs;
}

void tt_reader_free(struct tt_reader *r)
{
	if (!r)
		return;
	if (r->pf.n) {
		pf_stop(r, 0);
		for (unsigned i = 0; i < r->pf.n; i++)
			free(r->pf.s[i].buf);
		pthread_cond_destroy(&r->pf.can_take);
		pthread_cond_destroy(&r->pf.can_put);
		pthread_mutex_destroy(&r->pf.mu);
	}
	ZSTD_freeDCtx(r->dctx);
	free(r->ibuf);
	free(r->blk);
	free(r->idx);
	free(r);
}
