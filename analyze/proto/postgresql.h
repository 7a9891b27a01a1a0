/* SPDX-License-Identifier: MIT */
/*
 * analyze/proto/postgresql.h - the PostgreSQL frontend/backend protocol, version 3 (name
 * "postgresql", aliases "postgres,pg", tag "pg" on lines). A row of the protocol table (proto.h).
 *
 * What one transaction is:
 *   - one statement execution. A simple Query holding N statements gives N transactions, one per
 *     statement, in order (the SQL is split the way the server splits it: quotes, E'' strings,
 *     "identifiers", $tag$ bodies $tag$, nested comments, BEGIN ATOMIC ... END); each gets its
 *     own CommandComplete (rows), EmptyQueryResponse or ErrorResponse. After an error the rest
 *     of that Query is "not executed" (the server skips it). Chosen over one line with N results
 *     because filters (--op, --errors, --target) then work per statement.
 *   - in the extended protocol, one per Execute: Parse/Bind/Describe before it in the same batch
 *     (up to Sync) belong to it, so its duration runs from its first message to its completion.
 *     A Parse that no Execute of its batch runs is a transaction of its own (op PREPARE).
 *     A statement map per connection (name -> SQL, parameter types; at most 1024 statements and
 *     1 MiB of SQL) lets an Execute of a named statement prepared long before show its SQL; a
 *     statement the map does not hold (prepared before the recording, or past the caps) is
 *     shown as unknown, with the reason, never guessed. Bound parameters are shown (text as
 *     text; binary as an integer or boolean where the type is int2/int4/int8/oid/bool, from the
 *     Parse or the server's ParameterDescription; else as hex).
 *   - pipelining: every message that gets an answer queues an expectation; backend messages are
 *     matched against them in order. After an ErrorResponse the server skips to Sync: the
 *     Executes it skipped are marked "not executed", never paired with later answers.
 *   - the startup (StartupMessage up to ReadyForQuery: user, database, application_name, the
 *     authentication method, server_version, the backend pid; an SSLRequest or GSSENCRequest
 *     answered N folds into it), an SSLRequest/GSSENCRequest answered S/G (one line: the rest
 *     of the connection is encrypted and not parsed), a CancelRequest, a NotificationResponse
 *     (LISTEN/NOTIFY: pushed, a line of its own), and an ErrorResponse/NoticeResponse the server
 *     sends when nothing is asked (a FATAL on shutdown).
 *   Password, SASL and GSS messages ('p') are counted, never kept: no byte of them reaches any
 *   output (and --redact masks them in the recording's bytes: analyze/redact.c).
 *
 * Lines: `pg  <SQL> → SELECT 3 (0.2ms) [$1='42']`; errors `→ ERROR 23505 duplicate key ...`.
 * The core's op is the SQL verb (SELECT, INSERT, BEGIN...; WITH and "(" queries take the verb of
 * the command tag), target the whitespace-normalised SQL cut at 512 bytes (-- comments dropped,
 * whitespace inside literals kept). JSON fields: query (the normalised SQL, up to 16 KiB),
 * statement, params, rows, command_tag, sqlstate, severity, pg_error (the server's message;
 * "error" is the parser's own reason for an invalid message), pg_detail, notice, tx_status
 * (idle / in transaction / failed, from the ReadyForQuery that ended the batch), and for the
 * startup user, database, application_name, auth, server_version, backend_pid, encryption; for a
 * notification channel and payload.
 *
 * Robustness: every declared length is checked (4 bytes .. 1 GiB; fixed sizes where the message
 * has one) before anything is kept; a message keeps at most 64 KiB (SQL, parameters) or 4 KiB
 * (errors, notices), the rest is counted; DataRow and CopyData are counted, never kept (COPY data
 * goes to the bodies, as far as the body cap allows). A message that does not parse ends as
 * [invalid: why] and that direction resynchronises on the next message that validates in full.
 * Lost bytes (gaps) inside a DataRow or CopyData are stepped over by count; elsewhere the
 * answers that may belong to lost requests are shown without a request until a ReadyForQuery
 * with nothing pending brings the two directions back in step. A connection recorded after its
 * startup parses from its first whole message; statements prepared before show as unknown.
 *
 * Ownership: see proto.h; the session owns its queued transactions, statement and portal maps.
 */
#ifndef TINYTAP_PROTO_POSTGRESQL_H
#define TINYTAP_PROTO_POSTGRESQL_H

#include "analyze/proto.h"

extern const struct tt_proto tt_postgresql_proto;

#endif
