// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_mysql.c - libFuzzer target: hostile traffic straight into the MySQL / MariaDB
 * session (analyze/proto/mysql.c), through the driver every protocol parser shares
 * (tests/fuzz/proto_driver.h: input format and checks). Seeds: tests/fuzz/corpus/fuzz_mysql/,
 * written by tests/proto/mysql/mkcases.py --corpus from the parser's cases.
 */
#include "analyze/proto/mysql.h"
#include "tests/fuzz/proto_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tt_fuzz_proto(&tt_mysql_proto, data, size);
}
