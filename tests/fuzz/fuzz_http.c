// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_http.c - libFuzzer target: hostile traffic straight into the HTTP/1 session
 * (analyze/proto/http1.c on llhttp), through the driver every protocol parser shares
 * (tests/fuzz/proto_driver.h: input format and checks).
 */
#include "analyze/proto/http1.h"
#include "tests/fuzz/proto_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tt_fuzz_proto(&tt_http1_proto, data, size);
}
