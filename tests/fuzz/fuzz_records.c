// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_records.c - libFuzzer target: the reader's record walk and decoding.
 * Random bytes almost never survive the block CRC and zstd checksum, so fuzz_reader rarely gets
 * past them; here the input (after a u32 claimed record count) is the raw record stream, wrapped
 * by this harness in a valid file header and a valid, checksummed block, then read back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "format/reader.h"
#include "format/wire.h"

static size_t put_header(uint8_t *b)
{
	uint8_t *c = b + 8;
	size_t n = TT_WIRE_FILE_FIXED;

	memset(b, 0, 8 + n + 8);
	memcpy(c, TT_WIRE_FILE_TAG, 4);
	tt_put16(c + 4, 1);
	tt_put32(c + 8, TT_WIRE_BOM);
	tt_put32(c + 12, TT_WIRE_FILE_FIXED);
	n += 4; /* END TLV */
	tt_put32(c + n, tt_wire_crc32(c, n));
	n += 4;
	tt_put32(b, TT_WIRE_FILE_MAGIC);
	tt_put32(b + 4, (uint32_t)n);
	return 8 + n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4 || size > (1u << 20))
		return 0;
	uint32_t nrec = tt_get32(data);
	size_t raw_len = (size_t)tt_wire_pad8(size - 4);
	if (raw_len == 0)
		return 0;
	uint8_t *raw = calloc(1, raw_len);
	size_t bound = ZSTD_compressBound(raw_len);
	uint8_t *file = malloc(256 + bound);
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	memcpy(raw, data + 4, size - 4);
	size_t off = put_header(file);
	uint8_t *h = file + off + 8;
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	size_t zn = ZSTD_compress2(cc, file + off + TT_WIRE_BLOCK_FRAME, bound, raw, raw_len);
	if (!ZSTD_isError(zn)) {
		tt_put32(file + off, TT_WIRE_BLOCK_MAGIC);
		tt_put32(file + off + 4, TT_WIRE_BLOCK_HDR);
		memset(h, 0, TT_WIRE_BLOCK_HDR);
		memcpy(h, TT_WIRE_BLOCK_TAG, 4);
		tt_put32(h + 4, (uint32_t)zn);
		tt_put32(h + 16, (uint32_t)raw_len);
		tt_put32(h + 20, nrec);
		tt_put32(h + 44, tt_wire_crc32(h, 44));
		size_t total = off + TT_WIRE_BLOCK_FRAME + zn;
		struct tt_reader *r = tt_reader_open_mem(file, total, "fuzz");
		if (r) {
			struct tt_record rec;
			volatile unsigned sum = 0;
			int ret, guard = 0;
			while ((ret = tt_reader_next(r, &rec)) != 0 && ++guard < 100000) {
				if (ret == 1 && rec.type == TT_REC_DATA && rec.payload)
					for (uint32_t i = 0; i < rec.u.data.cap_len; i++)
						sum += rec.payload[i];
			}
			if (guard >= 100000)
				__builtin_trap();
			tt_reader_free(r);
		}
	}
	ZSTD_freeCCtx(cc);
	free(file);
	free(raw);
	return 0;
}
