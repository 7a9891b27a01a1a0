// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_redis.c - libFuzzer target: hostile traffic straight into the Redis session
 * (analyze/proto/redis.c), through the driver every protocol parser shares
 * (tests/fuzz/proto_driver.h: input format and checks). Seeds: tests/fuzz/corpus/fuzz_redis/,
 * written by tests/proto/redis/mkcases.py --corpus from the parser's cases.
 */
#include "analyze/proto/redis.h"
#include "tests/fuzz/proto_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tt_fuzz_proto(&tt_redis_proto, data, size);
}
