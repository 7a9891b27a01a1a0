// SPDX-License-Identifier: MIT
/*
 * format/writer.c - batch records into blocks, compress each block as one zstd frame, write it
 * preceded by a block-header skippable frame; on close append the index. Layout: FORMAT.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "format/wire.h"
#include "format/writer.h"

struct idx_entry {
	uint64_t offset;
	uint64_t seq;
	uint32_t len;
	uint32_t records;
	uint64_t first_ts;
	uint64_t last_ts;
};

struct tt_writer {
	int fd;
	int err;	      /* first error, sticky (negative errno) */
	struct tt_writer_opts opts;
	ZSTD_CCtx *cctx;
	uint8_t *raw;	      /* current block's records */
	size_t raw_len, raw_cap;
	uint8_t *out;	      /* block header frame + compressed frame */
	size_t out_cap;
	uint32_t blk_records;
	uint64_t blk_first, blk_last;
	int blk_has_ts;
	uint64_t blk_born_ms; /* tick time the block is aged from */
	int blk_born_set;
	uint64_t last_tick_ms;
	int have_tick;
	uint64_t base_off;    /* fd offset at open (0 for pipes) */
	uint64_t seq;	      /* next block sequence number */
	struct idx_entry *idx;
	size_t idx_len, idx_cap;
	int idx_overflow;
	struct tt_writer_stats st;
};

static int fail(struct tt_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

/* Writes all of buf: retries EINTR and short writes; a zero-length write counts as EIO. */
static int write_all(struct tt_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(w->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(w, -errno);
		}
		if (n == 0)
			return fail(w, -EIO);
		p += n;
		len -= (size_t)n;
		w->st.file_bytes += (uint64_t)n;
	}
	return 0;
}

static size_t put_tlv(uint8_t *p, uint16_t tag, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n > 4096) /* fields are at most 1024 bytes; keep the header well under its cap */
		n = 4096;
	tt_put16(p, tag);
	tt_put16(p + 2, (uint16_t)n);
	memcpy(p + 4, s, n);
	return 4 + n;
}

static int write_file_header(struct tt_writer *w, const struct tt_file_info *info)
{
	/* 8 skippable + 40 fixed + 4 TLVs (4 + <=1024 each, bounded by the struct sizes) + end + crc */
	uint8_t buf[8 + TT_WIRE_FILE_FIXED + 4 * (4 + 1024) + 4 + 4];
	uint8_t *c = buf + 8;
	size_t n = TT_WIRE_FILE_FIXED;

	memset(buf, 0, sizeof(buf));
	memcpy(c, TT_WIRE_FILE_TAG, 4);
	tt_put16(c + 4, TT_FORMAT_MAJOR);
	tt_put16(c + 6, TT_FORMAT_MINOR);
	tt_put32(c + 8, TT_WIRE_BOM);
	tt_put32(c + 12, TT_WIRE_FILE_FIXED);
	tt_put32(c + 16, info->snaplen);
	tt_put32(c + 20, 0); /* flags */
	tt_put64(c + 24, (uint64_t)info->start_wall_ns);
	tt_put64(c + 32, info->start_boot_ns);
	n += put_tlv(c + n, TT_WIRE_TLV_HOSTNAME, info->hostname, sizeof(info->hostname));
	n += put_tlv(c + n, TT_WIRE_TLV_KERNEL, info->kernel, sizeof(info->kernel));
	n += put_tlv(c + n, TT_WIRE_TLV_RECORDER, info->recorder, sizeof(info->recorder));
	n += put_tlv(c + n, TT_WIRE_TLV_OPTIONS, info->options, sizeof(info->options));
	tt_put16(c + n, TT_WIRE_TLV_END);
	tt_put16(c + n + 2, 0);
	n += 4;
	tt_put32(c + n, tt_wire_crc32(c, n));
	n += 4;
	tt_put32(buf, TT_WIRE_FILE_MAGIC);
	tt_put32(buf + 4, (uint32_t)n);
	return write_all(w, buf, 8 + n);
}

struct tt_writer *tt_writer_open(int fd, const struct tt_file_info *info,
				 const struct tt_writer_opts *opts)
{
	struct tt_writer *w;
	off_t off;
	int err;

	if (fd < 0 || !info) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	w->fd = fd;
	if (opts)
		w->opts = *opts;
	if (!w->opts.level)
		w->opts.level = 1;
	if (!w->opts.block_bytes)
		w->opts.block_bytes = TT_WIRE_DEFAULT_BLOCK;
	if (!w->opts.block_ms)
		w->opts.block_ms = TT_WIRE_DEFAULT_BLOCK_MS;
	if (w->opts.block_bytes > TT_WIRE_MAX_BLOCK_RAW || w->opts.block_bytes < 64) {
		free(w);
		errno = EINVAL;
		return NULL;
	}
	off = lseek(fd, 0, SEEK_CUR);
	w->base_off = off > 0 ? (uint64_t)off : 0;
	w->cctx = ZSTD_createCCtx();
	if (!w->cctx) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->opts.level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1))) {
		ZSTD_freeCCtx(w->cctx);
		free(w);
		errno = EINVAL;
		return NULL;
	}
	err = write_file_header(w, info);
	if (err) {
		ZSTD_freeCCtx(w->cctx);
		free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

static int grow(uint8_t **buf, size_t *cap, size_t need, size_t max)
{
	size_t n = *cap ? *cap : 65536;
	uint8_t *p;

	if (need <= *cap)
		return 0;
	if (need > max)
		return -EMSGSIZE;
	while (n < need)
		n *= 2;
	if (n > max)
		n = max;
	p = realloc(*buf, n);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

static int index_add(struct tt_writer *w, const struct idx_entry *e)
{
	if (w->idx_overflow)
		return 0;
	if (w->idx_len == w->idx_cap) {
		size_t n = w->idx_cap ? w->idx_cap * 2 : 256;
		struct idx_entry *p;

		if (n > TT_WIRE_INDEX_MAX_ENTRIES)
			n = TT_WIRE_INDEX_MAX_ENTRIES;
		if (w->idx_len >= n) {
			/* Too many blocks to index: the file stays readable linearly. */
			w->idx_overflow = 1;
			return 0;
		}
		p = realloc(w->idx, n * sizeof(*p));
		if (!p) {
			w->idx_overflow = 1; /* the index is an optimisation; do not fail the file */
			return 0;
		}
		w->idx = p;
		w->idx_cap = n;
	}
	w->idx[w->idx_len++] = *e;
	return 0;
}

static void reset_block(struct tt_writer *w)
{
	w->raw_len = 0;
	w->blk_records = 0;
	w->blk_has_ts = 0;
	w->blk_first = w->blk_last = 0;
	w->blk_born_set = 0;
}

int tt_writer_flush(struct tt_writer *w)
{
	size_t bound, clen;
	uint8_t *h;
	struct idx_entry e;
	int err;

	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (w->raw_len == 0)
		return 0;
	bound = ZSTD_compressBound(w->raw_len);
	err = grow(&w->out, &w->out_cap, TT_WIRE_BLOCK_FRAME + bound,
		   TT_WIRE_BLOCK_FRAME + ZSTD_compressBound(TT_WIRE_MAX_BLOCK_RAW));
	if (err)
		return fail(w, err);
	clen = ZSTD_compress2(w->cctx, w->out + TT_WIRE_BLOCK_FRAME, bound, w->raw, w->raw_len);
	if (ZSTD_isError(clen))
		return fail(w, -EIO);
	h = w->out;
	tt_put32(h, TT_WIRE_BLOCK_MAGIC);
	tt_put32(h + 4, TT_WIRE_BLOCK_HDR);
	h += 8;
	memcpy(h, TT_WIRE_BLOCK_TAG, 4);
	tt_put32(h + 4, (uint32_t)clen);
	tt_put64(h + 8, w->seq);
	tt_put32(h + 16, (uint32_t)w->raw_len);
	tt_put32(h + 20, w->blk_records);
	tt_put64(h + 24, w->blk_first);
	tt_put64(h + 32, w->blk_last);
	tt_put32(h + 40, 0); /* flags */
	tt_put32(h + 44, tt_wire_crc32(h, 44));

	e.offset = w->base_off + w->st.file_bytes;
	e.seq = w->seq;
	e.len = (uint32_t)(TT_WIRE_BLOCK_FRAME + clen);
	e.records = w->blk_records;
	e.first_ts = w->blk_first;
	e.last_ts = w->blk_last;
	err = write_all(w, w->out, TT_WIRE_BLOCK_FRAME + clen);
	if (err)
		return err;
	index_add(w, &e);
	w->seq++;
	w->st.blocks++;
	reset_block(w);
	return 0;
}

int tt_writer_add(struct tt_writer *w, uint32_t type, const void *body, uint32_t body_len,
		  const void *payload, uint32_t payload_len)
{
	uint64_t total, frame;
	uint8_t *p;
	int err;

	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (type == 0 || (body_len && !body) || (payload_len && !payload))
		return -EINVAL;
	total = (uint64_t)body_len + payload_len;
	frame = TT_WIRE_REC_HDR + tt_wire_pad8(total);
	if (frame > TT_WIRE_MAX_BLOCK_RAW)
		return -EMSGSIZE; /* not sticky: the caller may drop this record and go on */
	if (type == TT_REC_DATA || type == TT_REC_TLS_DATA) {
		/* The payload is the last cap_len bytes of the body (FORMAT.md), so they must agree. */
		if (body_len < TT_WIRE_DATA_MIN_FIXED ||
		    tt_get32((const uint8_t *)body + TT_WIRE_DATA_CAPLEN_OFF) != payload_len)
			return -EINVAL;
		/* TLS plaintext goes out as its own type: older readers skip it (FORMAT.md 6.10) */
		if (body_len >= TT_WIRE_DATA_FLAGS_OFF + 2 &&
		    (tt_get16((const uint8_t *)body + TT_WIRE_DATA_FLAGS_OFF) & TT_DATA_TLS))
			type = TT_REC_TLS_DATA;
	}
	if (type == TT_REC_CGROUP) {
		/* The same rule for the attribute bytes of a CGROUP record. */
		if (body_len < TT_WIRE_CGROUP_MIN_FIXED ||
		    tt_get32((const uint8_t *)body + TT_WIRE_CGROUP_ATTRS_OFF) != payload_len)
			return -EINVAL;
	}
	/* A record that does not fit in the current block's budget starts a new block; one larger
	 * than block_bytes gets a block of its own. */
	if (w->raw_len > 0 && w->raw_len + frame > w->opts.block_bytes) {
		err = tt_writer_flush(w);
		if (err)
			return err;
	}
	err = grow(&w->raw, &w->raw_cap, w->raw_len + frame, TT_WIRE_MAX_BLOCK_RAW);
	if (err)
		return fail(w, err);
	p = w->raw + w->raw_len;
	tt_put32(p, type);
	tt_put32(p + 4, (uint32_t)total);
	if (body_len)
		memcpy(p + 8, body, body_len);
	if (payload_len)
		memcpy(p + 8 + body_len, payload, payload_len);
	memset(p + 8 + total, 0, frame - 8 - total);
	if (total >= 8) {
		/* Every record type starts with its boot-clock timestamp (FORMAT.md). */
		uint64_t ts = tt_get64(p + 8);
		if (!w->blk_has_ts || ts < w->blk_first)
			w->blk_first = ts;
		if (!w->blk_has_ts || ts > w->blk_last)
			w->blk_last = ts;
		w->blk_has_ts = 1;
	}
	if (w->raw_len == 0 && w->have_tick) {
		w->blk_born_ms = w->last_tick_ms;
		w->blk_born_set = 1;
	}
	w->raw_len += frame;
	w->blk_records++;
	w->st.records++;
	w->st.raw_bytes += frame;
	if (w->raw_len >= w->opts.block_bytes)
		return tt_writer_flush(w);
	return 0;
}

int tt_writer_add_data(struct tt_writer *w, const struct tt_rec_data *d, const void *payload)
{
	if (!d)
		return -EINVAL;
	return tt_writer_add(w, TT_REC_DATA, d, sizeof(*d), payload, d->cap_len);
}

int tt_writer_tick(struct tt_writer *w, uint64_t now_ms)
{
	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	w->last_tick_ms = now_ms;
	w->have_tick = 1;
	if (w->raw_len == 0)
		return 0;
	/* A block filled before the first tick is aged from that tick. */
	if (!w->blk_born_set) {
		w->blk_born_ms = now_ms;
		w->blk_born_set = 1;
	}
	if (now_ms >= w->blk_born_ms && now_ms - w->blk_born_ms >= w->opts.block_ms)
		return tt_writer_flush(w);
	return 0;
}

void tt_writer_get_stats(const struct tt_writer *w, struct tt_writer_stats *st)
{
	if (!st)
		return;
	if (!w) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = w->st;
}

static int write_index(struct tt_writer *w)
{
	uint64_t n = w->idx_len, size;
	uint8_t *buf, *c, *f;
	int err;

	size = 8 + n * TT_WIRE_INDEX_ENTRY + TT_WIRE_FOOTER;
	buf = malloc(8 + size);
	if (!buf)
		return 0; /* optional: a file without index reads fine */
	tt_put32(buf, TT_WIRE_INDEX_MAGIC);
	tt_put32(buf + 4, (uint32_t)size);
	c = buf + 8;
	memcpy(c, TT_WIRE_INDEX_TAG, 4);
	tt_put32(c + 4, TT_WIRE_INDEX_ENTRY);
	for (uint64_t i = 0; i < n; i++) {
		uint8_t *e = c + 8 + i * TT_WIRE_INDEX_ENTRY;
		tt_put64(e, w->idx[i].offset);
		tt_put64(e + 8, w->idx[i].seq);
		tt_put32(e + 16, w->idx[i].len);
		tt_put32(e + 20, w->idx[i].records);
		tt_put64(e + 24, w->idx[i].first_ts);
		tt_put64(e + 32, w->idx[i].last_ts);
	}
	f = c + 8 + n * TT_WIRE_INDEX_ENTRY;
	tt_put32(f, (uint32_t)n);
	tt_put16(f + 4, TT_WIRE_INDEX_ENTRY);
	tt_put16(f + 6, 0);
	tt_put32(f + 8, tt_wire_crc32(c, (size_t)(f - c)));
	memcpy(f + 12, TT_WIRE_FOOTER_TAG, 4);
	err = write_all(w, buf, 8 + size);
	free(buf);
	return err;
}

int tt_writer_close(struct tt_writer *w)
{
	int err;

	if (!w)
		return 0;
	tt_writer_flush(w);
	if (!w->err && !w->opts.no_index && !w->idx_overflow)
		write_index(w);
	err = w->err;
	ZSTD_freeCCtx(w->cctx);
	free(w->raw);
	free(w->out);
	free(w->idx);
	free(w);
	return err;
}
