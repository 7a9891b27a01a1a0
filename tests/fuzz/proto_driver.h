/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/proto_driver.h - the one libFuzzer driver of every protocol parser: hostile traffic
 * straight into a protocol's session (no detection), cut into the two directions of one
 * connection with holes, then every transaction it emits printed (line, -v, -vv, JSON) to
 * /dev/null. A parser's fuzz target is tests/fuzz/fuzz_<name>.c:
 *
 *   #include "tests/fuzz/proto_driver.h"
 *   int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return tt_fuzz_proto(&X_proto, d, n); }
 *
 * Input: byte 0: bits 0-1 the socket's role (0 unknown, 1 client, 2 server), bit 2 a tiny body
 * cap, bit 3 the close is an eviction. Then steps, each one op byte:
 *   bit 0     direction (0 egress, 1 ingress)
 *   bits 1-2  0, 1: data: the next (op >> 3) + 1 input bytes (kind 1: times 16, for long runs)
 *             2: a gap of the next u16 bytes (0xffff: of unknown size)
 *             3: bytes without content (sendfile) of the next u16 bytes
 * Checks beyond "no crash": every transaction handed out has its protocol and both messages
 * over, and a complete one has an operation (or answers a request the recording lacks).
 * detect() also runs on the first bytes of each direction.
 */
#ifndef TINYTAP_FUZZ_PROTO_DRIVER_H
#define TINYTAP_FUZZ_PROTO_DRIVER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/output.h"
#include "analyze/proto.h"

static FILE *tt_fuzz_null;

static void tt_fuzz_emit(void *ctx, struct tt_txn *t)
{
	(void)ctx;
	if (!t->req.done || !t->resp.done || !t->pr)
		__builtin_trap();
	if (tt_txn_complete(t) && !t->op && !(t->flags & TT_TXN_NO_REQUEST))
		__builtin_trap();
	static const struct tt_output_opts modes[] = {
	    {.verbose = 0, .color = 1, .utc = 1, .slow_ns = 1},
	    {.verbose = 2, .utc = 1, .body_show = 4096},
	    {.verbose = 2, .json = 1, .utc = 1, .body_show = 64},
	};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		tt_output_txn(tt_fuzz_null, &modes[i], t, 1795600000000000000ll);
	tt_txn_free(t);
}

static int tt_fuzz_proto(const struct tt_proto *p, const uint8_t *data, size_t size)
{
	if (!tt_fuzz_null && !(tt_fuzz_null = fopen("/dev/null", "w")))
		abort();
	if (size < 1 || size > (1u << 20))
		return 0;
	uint8_t o = data[0];
	struct tt_proto_env env = {.emit = tt_fuzz_emit, .body_cap = (o & 4) ? 7 : 1u << 16};
	struct tt_conn_info ci = {.sock_id = 42, .have_conn = 1, .role = (uint8_t)(o & 3) % 3};
	ci.local.family = ci.remote.family = 2;
	ci.local.port = 80;
	ci.remote.port = 51234;
	void *s = p->open(&env, &ci, NULL);
	if (!s)
		abort();
	uint64_t ts = 1000000;
	size_t pos = 1;
	int detected[2] = {0, 0};
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
			if (!detected[c.dir]) { /* detect() on this direction's first bytes */
				struct tt_detect d = {.first_dir = c.dir, .ci = &ci};
				d.buf[c.dir] = c.data;
				d.len[c.dir] = n;
				int r = p->detect(&d);
				if (r < TT_DETECT_MORE || r > 100)
					__builtin_trap();
				detected[c.dir] = 1;
			}
		} else {
			if (size - pos < 2)
				break;
			uint16_t n = (uint16_t)(data[pos] | data[pos + 1] << 8);
			pos += 2;
			c.gap = kind == 2;
			c.len = n == 0xffff && c.gap ? TT_LEN_UNKNOWN : n;
		}
		p->feed(s, &c);
	}
	p->close(s, ts + 1000, (o >> 3) & 1);
	return 0;
}

#endif
