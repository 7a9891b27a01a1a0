// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_http2.c - libFuzzer target: hostile traffic straight into the HTTP/2 session
 * (analyze/proto/http2.c: frames, streams, HPACK through libnghttp2's inflater, gRPC calls),
 * through the driver every protocol parser shares (tests/fuzz/proto_driver.h: input format and
 * checks).
 */
#include "analyze/proto/http2.h"
#include "tests/fuzz/proto_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tt_fuzz_proto(&tt_http2_proto, data, size);
}
