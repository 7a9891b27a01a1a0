// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_postgresql.c - libFuzzer target: hostile traffic straight into a PostgreSQL
 * session (analyze/proto/postgresql.c), through the driver every protocol parser shares
 * (tests/fuzz/proto_driver.h: input format and checks). Seeds: tests/fuzz/corpus/fuzz_postgresql/
 * (written by tests/proto/postgresql/mkcases.py --corpus from the parser's test cases).
 */
#include "analyze/proto/postgresql.h"
#include "tests/fuzz/proto_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tt_fuzz_proto(&tt_postgresql_proto, data, size);
}
