/* SPDX-License-Identifier: MIT */
/*
 * analyze/proto/websocket.h - WebSocket (RFC 6455) over one connection, with permessage-deflate
 * (RFC 7692). A row of the protocol table (proto.h).
 *
 * A connection becomes WebSocket when HTTP/1.1 hands it over after `101 Switching Protocols`
 * with `Upgrade: websocket` (the 101's Sec-WebSocket-Extensions say whether messages are
 * compressed and whether each side keeps its deflate window across messages), or, when the
 * recording started after the upgrade, when both directions' first bytes look like frames (masked
 * from the client only): the parser then resynchronises on the first plausible frame.
 *
 * Every message is one transaction flagged TT_TXN_ONEWAY (analyze/txn.h): the client's in req,
 * the server's in resp; fragmented messages are put back together (sizes exact, the first
 * TT_WS_TEXT_CAP bytes kept as text, the body up to the env's body_cap), control frames (ping,
 * pong, close) are messages of their own. op is the opcode's name ("text", "binary", "close",
 * "ping", "pong"; "continuation" for the rest of a message that began before the recording);
 * target the first bytes of text (a text message, a close reason, a ping's text). Messages come
 * out in the order they end (a fragmented message after the ping sent between its fragments),
 * each with the time of its first byte.
 *
 * Ownership: see proto.h; the session owns the messages it is assembling until it emits them.
 */
#ifndef TINYTAP_PROTO_WEBSOCKET_H
#define TINYTAP_PROTO_WEBSOCKET_H

#include "analyze/proto.h"

extern const struct tt_proto tt_websocket_proto;

/* Bytes of a message's text kept (target, JSON ws_text), cut at a UTF-8 character boundary. */
#define TT_WS_TEXT_CAP 1024
/* Inflated bytes of one compressed message: past this it is a deflate bomb ([invalid: ...]). */
#define TT_WS_INFLATE_MAX (16u << 20)
/* Bytes looked at, at most, to find the next plausible frame when resynchronising. */
#define TT_WS_SYNC_CAP 65536

#endif
