// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_websocket.c - libFuzzer target: hostile frames straight into the WebSocket
 * session (analyze/proto/websocket.c), through the driver every protocol parser shares
 * (tests/fuzz/proto_driver.h: input format and checks). Bits 4-5 of the first byte choose how the
 * session starts: 0 after the recording began (resynchronisation), 1 after an upgrade without
 * extensions, 2 with permessage-deflate, 3 with permessage-deflate and no context takeover.
 */
#include "analyze/proto/websocket.h"
#include "tests/fuzz/proto_driver.h"

static int mode;

static void *open_mode(struct tt_proto_env *env, const struct tt_conn_info *ci,
		       const struct tt_handover *from)
{
	static const char *const ext[] = {NULL, NULL, "permessage-deflate",
					  "permessage-deflate; server_no_context_takeover; "
					  "client_no_context_takeover; client_max_window_bits=9"};
	if (!mode)
		return tt_websocket_proto.open(env, ci, from);
	struct tt_txn *t = tt_txn_new();
	tt_msg_add_header(&t->req, "Sec-WebSocket-Key", 17, "dGhlIHNhbXBsZSBub25jZQ==", 24);
	if (ext[mode])
		tt_msg_add_header(&t->resp, "Sec-WebSocket-Extensions", 24, ext[mode],
				  strlen(ext[mode]));
	struct tt_handover h = {.txn = t, .side = ci->role == 2 ? TT_SIDE_SERVER : TT_SIDE_CLIENT};
	void *s = tt_websocket_proto.open(env, ci, &h);
	tt_txn_free(t);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tt_proto p;
	p = tt_websocket_proto;
	p.open = open_mode;
	mode = size ? (data[0] >> 4) & 3 : 0;
	return tt_fuzz_proto(&p, data, size);
}
