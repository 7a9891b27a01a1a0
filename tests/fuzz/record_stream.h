/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/record_stream.h - a raw record stream (as `zstd -dc FILE.tinytap` prints a block:
 * u32 type | u32 body_len | body, padded to 8) decoded the way the reader decodes a block, but
 * forgiving: lengths are clamped to what is left and bad records skipped, so a fuzzer's
 * mutations reach the analysis instead of dying at a block CRC or a zstd checksum.
 */
#ifndef TINYTAP_FUZZ_RECORD_STREAM_H
#define TINYTAP_FUZZ_RECORD_STREAM_H

#include <stdint.h>
#include <string.h>

#include "format/record.h"
#include "format/wire.h"

/* The next record at *pos of p[0..n): 1 (rec filled; payload points into p), 0 at the end. */
static int tt_fuzz_next_record(const uint8_t *p, size_t n, size_t *pos, struct tt_record *rec)
{
	while (n - *pos >= TT_WIRE_REC_HDR) {
		uint32_t type = tt_get32(p + *pos), len = tt_get32(p + *pos + 4);
		size_t left = n - *pos - TT_WIRE_REC_HDR;
		const uint8_t *body = p + *pos + TT_WIRE_REC_HDR;
		if (len > left)
			len = (uint32_t)left;
		*pos += TT_WIRE_REC_HDR + (size_t)tt_wire_pad8(len);
		if (*pos > n)
			*pos = n;
		uint32_t fixed = tt_record_fixed_size(type);
		if (!fixed)
			continue; /* unknown type: skipped, as the reader does */
		memset(rec, 0, sizeof(*rec));
		rec->type = type;
		rec->body_len = len;
		if (type == TT_REC_DATA || type == TT_REC_TLS_DATA) {
			if (len < TT_WIRE_DATA_MIN_FIXED)
				continue;
			uint32_t cap = tt_get32(body + TT_WIRE_DATA_CAPLEN_OFF);
			if (cap > len - TT_WIRE_DATA_MIN_FIXED)
				cap = len - TT_WIRE_DATA_MIN_FIXED;
			uint32_t k = len - cap;
			memcpy(&rec->u, body, k < fixed ? k : fixed);
			rec->u.data.cap_len = cap;
			rec->payload = cap ? body + k : NULL;
			/* as the reader: the layer is the type's word */
			if (type == TT_REC_TLS_DATA)
				rec->u.data.flags |= TT_DATA_TLS;
			else
				rec->u.data.flags &= ~TT_DATA_TLS;
			rec->type = TT_REC_DATA;
		} else if (type == TT_REC_CGROUP) {
			if (len < TT_WIRE_CGROUP_MIN_FIXED)
				continue;
			uint32_t al = tt_get32(body + TT_WIRE_CGROUP_ATTRS_OFF);
			if (al > len - TT_WIRE_CGROUP_MIN_FIXED)
				al = len - TT_WIRE_CGROUP_MIN_FIXED;
			uint32_t k = len - al;
			memcpy(&rec->u, body, k < fixed ? k : fixed);
			rec->u.cgroup.attrs_len = al;
			rec->payload = al ? body + k : NULL;
		} else {
			memcpy(&rec->u, body, len < fixed ? len : fixed);
		}
		return 1;
	}
	return 0;
}

#endif
