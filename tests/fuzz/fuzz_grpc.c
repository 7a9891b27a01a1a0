// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_grpc.c - libFuzzer target: gRPC message framing and -vv's raw protobuf
 * decoding (analyze/proto/grpc.c) on hostile DATA bytes, without the HTTP/2 layer around them.
 * Input: byte 0: bit 0 the messages are the response's, bit 1 grpc-encoding gzip, bit 2 a body
 * cap of 64 bytes, bits 3-7 where (x 8) the bytes are cut into two DATA frames; then the DATA
 * bytes of one stream direction. Every output mode is written to /dev/null.
 */
#include <stdio.h>
#include <stdlib.h>

#include "analyze/output.h"
#include "analyze/proto/grpc.h"
#include "analyze/proto/http2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	if (size < 1 || size > (1u << 20))
		return 0;
	uint8_t o = data[0];
	int resp = o & 1;
	size_t cap = (o & 4) ? 64 : 65536, cut = (size_t)(o >> 3) * 8;
	struct tt_txn *t = tt_txn_new();
	if (!t)
		return 0;
	t->pr = &tt_http2_proto;
	tt_h2(t)->rst_code = -1;
	tt_h2(t)->grpc.status = -1;
	tt_grpc_start(t, "/fuzz.Service/Method");
	struct tt_msg *m = resp ? &t->resp : &t->req;
	static const char *const enc[] = {"identity", "gzip"};
	tt_msg_add_header(m, "grpc-encoding", 13, enc[(o >> 1) & 1], (o & 2) ? 4 : 8);
	tt_grpc_headers(t, m, resp);
	struct tt_grpc_framer f = {0};
	const uint8_t *p = data + 1;
	size_t n = size - 1, k = cut < n ? cut : n;
	t->req.seen = t->resp.seen = 1;
	for (int i = 0; i < 2; i++) { /* as the HTTP/2 session does: never an empty piece */
		const uint8_t *q = i ? p + k : p;
		size_t qn = i ? n - k : k;
		if (!qn)
			continue;
		tt_grpc_data(t, &f, resp, q, qn);
		tt_msg_add_body(m, q, qn, cap);
	}
	tt_grpc_end(t, &f, resp);
	t->req.done = t->resp.done = t->req.complete = t->resp.complete = 1;
	tt_grpc_finish(t);
	static const struct tt_output_opts modes[] = {
	    {.verbose = 2, .utc = 1, .body_show = 4096},
	    {.verbose = 2, .utc = 1, .body_show = 16},
	    {.verbose = 2, .json = 1, .utc = 1, .body_show = 64},
	};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		tt_output_txn(null, &modes[i], t, 1795600000000000000ll);
	tt_txn_free(t);
	return 0;
}
