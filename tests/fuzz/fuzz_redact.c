// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_redact.c - libFuzzer target: the --redact scanner (analyze/redact.c) on any
 * bytes. Checks, beyond "no crash": the length never changes and a byte is either kept or becomes
 * '*'; the stream API cut into pieces at the places the input chooses (its first byte seeds the
 * cuts) masks exactly what one whole-buffer pass masks; a peeked copy masks like the real read
 * and leaves the state as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	unsigned seed = data[0];
	data++;
	size--;
	uint8_t *whole = malloc(size + 1), *cut = malloc(size + 1), *peek = malloc(size + 1);
	struct tt_redactor *r = tt_redactor_new();
	if (!whole || !cut || !peek || !r)
		abort();
	memcpy(whole, data, size);
	memcpy(cut, data, size);
	memcpy(peek, data, size);
	size_t m1 = tt_redact_buf(whole, size), m2 = 0, kept = 0;
	for (size_t i = 0; i < size; i++) {
		if (whole[i] != data[i] && whole[i] != TT_REDACT_MASK)
			abort();
		kept += whole[i] == data[i];
	}
	if (m1 > size || kept + m1 < size)
		abort();
	for (size_t off = 0; off < size;) {
		seed = seed * 1103515245u + 12345u;
		size_t n = 1 + (seed >> 16) % 64;
		if (n > size - off)
			n = size - off;
		/* A peek of the same bytes first: same masks, state untouched. */
		tt_redactor_stream(r, 1, 0, peek + off, n, 1);
		m2 += tt_redactor_stream(r, 1, 0, cut + off, n, 0);
		if (memcmp(peek + off, cut + off, n))
			abort();
		/* Another stream in between must not disturb this one. */
		uint8_t junk[8] = "Cookie: ";
		tt_redactor_stream(r, 2, 1, junk, sizeof(junk), 0);
		off += n;
	}
	if (m2 != m1 || memcmp(whole, cut, size))
		abort();
	tt_redactor_free(r);
	free(whole);
	free(cut);
	free(peek);
	return 0;
}
