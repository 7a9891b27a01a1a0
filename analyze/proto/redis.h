/* SPDX-License-Identifier: MIT */
/*
 * analyze/proto/redis.h - the Redis protocol (RESP2 and RESP3) over one connection. A row of the
 * protocol table (proto.h): name "redis", aliases "resp".
 *
 * What it reads: commands (arrays of bulk strings, and inline commands typed as one line such as
 * `PING\r\n`), and every RESP2/RESP3 reply type: simple strings, errors (and RESP3 blob errors),
 * integers, bulk strings (a big one is streamed: a prefix kept, the rest counted, however many
 * reads it spans), arrays, nulls, doubles, booleans, big numbers, verbatim strings, maps, sets,
 * attributes (skipped before the value they describe) and pushes.
 *
 * One transaction per command, paired with its reply in order (analyze/pair.c: pipelining,
 * hundreds of commands in one write). MULTI, each queued command (+QUEUED) and EXEC (the array
 * of the queued commands' replies) are transactions of their own. (P|S)SUBSCRIBE and
 * (P|S)UNSUBSCRIBE take one confirmation per channel: one transaction per command, its reply the
 * confirmations. Pub/sub messages (RESP2 arrays "message"/"pmessage"/"smessage" on a subscribed
 * connection) and RESP3 pushes are one-way transactions (TT_TXN_ONEWAY), never paired.
 *
 * op is the command in upper case; target the command line (each argument cut and escaped, the
 * whole cut, then "(N args)"); the key is the command's first key where the command has one.
 * The password of AUTH, HELLO ... AUTH, MIGRATE ... AUTH/AUTH2, CONFIG SET requirepass/masterauth
 * and ACL SETUSER's >password rules is never kept: the target shows "***" and the command's
 * bytes are not kept as its -vv body (--redact also masks them in the recorded bytes).
 *
 * Bad input (a length over the caps, nesting deeper than TT_REDIS_MAX_DEPTH, a line that is not
 * RESP) ends that direction as [invalid: why]; after lost bytes a direction resynchronises at
 * the next read that starts like a message.
 *
 * Ownership: see proto.h. A session owns its transactions until it emits them; a transaction's
 * Redis strings are freed by the protocol's release hook.
 */
#ifndef TINYTAP_PROTO_REDIS_H
#define TINYTAP_PROTO_REDIS_H

#include "analyze/proto.h"

extern const struct tt_proto tt_redis_proto;

/* Caps, per connection. */
#define TT_REDIS_QUEUE	    1024	     /* commands sent ahead of their replies (pipelining) */
#define TT_REDIS_MAX_DEPTH  32		     /* nested aggregates */
#define TT_REDIS_MAX_BULK   (1ull << 32)     /* a bulk string's length (Redis: 512 MiB default) */
#define TT_REDIS_MAX_COUNT  (1ull << 32)     /* an aggregate's element count */
#define TT_REDIS_MAX_LINE   (64u * 1024)     /* a simple string, error or inline command line */
#define TT_REDIS_TARGET	    256		     /* bytes of the shown command line */

#endif
