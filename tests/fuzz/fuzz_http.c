// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_http.c - libFuzzer target: hostile traffic straight into the HTTP/1 session
 * (analyze/http1.c on llhttp): the input is cut into the two directions of one connection, with
 * holes, then every transaction it emits is printed (line, -v, -vv, JSON) to /dev/null.
 *
 * Input: byte 0: bits 0-1 the socket's role (0 unknown, 1 client, 2 server), bit 2 a tiny body
 * cap, bit 3 the close is an eviction. Then steps, each one op byte:
 *   bit 0     direction (0 egress, 1 ingress)
 *   bits 1-2  0, 1: data: the next (op >> 3) + 1 input bytes (kind 1: times 16, for long lines)
 *             2: a gap of the next u16 bytes (0xffff: of unknown size)
 *             3: bytes without content (sendfile) of the next u16 bytes
 * Checks beyond "no crash": every transaction handed out has both messages over, and a
 * complete one has a request method (or is an answer to a request the recording lacks).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/http1.h"
#include "analyze/output.h"

static FILE *null_out;

static void emit(void *ctx, struct tt_txn *t)
{
	(void)ctx;
	if (!t->req.done || !t->resp.done)
		__builtin_trap();
	if (tt_txn_complete(t) && !t->op && !(t->flags & TT_TXN_NO_REQUEST))
		__builtin_trap();
	static const struct tt_output_opts modes[] = {
	    {.verbose = 0, .color = 1, .utc = 1, .slow_ns = 1},
	    {.verbose = 2, .utc = 1, .body_show = 4096},
	    {.verbose = 2, .json = 1, .utc = 1, .body_show = 64},
	};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		tt_output_txn(null_out, &modes[i], t, 1795600000000000000ll);
	tt_txn_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!null_out && !(null_out = fopen("/dev/null", "w")))
		abort();
	if (size < 1 || size > (1u << 20))
		return 0;
	uint8_t o = data[0];
	struct tt_proto_env env = {.emit = emit, .body_cap = (o & 4) ? 7 : 1u << 16};
	struct tt_conn_info ci = {.sock_id = 42, .have_conn = 1, .role = (uint8_t)(o & 3) % 3};
	ci.local.family = ci.remote.family = 2;
	ci.local.port = 80;
	ci.remote.port = 51234;
	void *s = tt_http1_proto.open(&env, &ci);
	if (!s)
		abort();
	uint64_t ts = 1000000;
	size_t pos = 1;
	while (pos < size) {
		uint8_t op = data[pos++];
		struct tt_chunk c = {.ts = ts += 1000, .pid = 7, .tid = 8, .dir = op & 1};
		int kind = (op >> 1) & 3;
		if (kind <= 1) {
			size_t n = ((size_t)(op >> 3) + 1) * (kind ? 16 : 1);
			if (n > size - pos)
				n = size - pos;
			c.data = data + pos;
			c.len = n;
			pos += n;
		} else {
			if (size - pos < 2)
				break;
			uint16_t n = (uint16_t)(data[pos] | data[pos + 1] << 8);
			pos += 2;
			c.gap = kind == 2;
			c.len = n == 0xffff && c.gap ? TT_LEN_UNKNOWN : n;
		}
		tt_http1_proto.feed(s, &c);
	}
	tt_http1_proto.close(s, ts + 1000, (o >> 3) & 1);
	return 0;
}
