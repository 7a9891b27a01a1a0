// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_reader.c - libFuzzer target: the .tinytap reader on arbitrary bytes.
 * Opens the input from memory, iterates to the end (continuing after every error, as a viewer
 * does), touches every payload byte so ASan checks the borrowed pointer, then tries the
 * seek paths (index and linear) and reads again.
 */
#include <stddef.h>
#include <stdint.h>

#include "format/reader.h"

static unsigned drain(struct tt_reader *r)
{
	struct tt_record rec;
	unsigned sum = 0;
	int ret, n = 0;

	while ((ret = tt_reader_next(r, &rec)) != 0) {
		if (++n > 1000000)
			__builtin_trap(); /* the reader must terminate */
		if (ret < 0) {
			sum += (unsigned)tt_reader_errmsg(r)[0];
			continue;
		}
		if (rec.type == TT_REC_DATA && rec.payload)
			for (uint32_t i = 0; i < rec.u.data.cap_len; i++)
				sum += rec.payload[i];
	}
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_reader *r = tt_reader_open_mem(data, size, "fuzz");
	struct tt_reader_stats st;
	volatile unsigned sink;

	if (!r)
		return 0;
	sink = drain(r);
	tt_reader_seek_time(r, size > 0 ? data[size - 1] * 1000ull : 0);
	sink += drain(r);
	tt_reader_seek_time(r, 0);
	sink += drain(r);
	tt_reader_get_stats(r, &st);
	(void)sink;
	tt_reader_free(r);
	return 0;
}
