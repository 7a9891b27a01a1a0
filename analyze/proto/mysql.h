/* SPDX-License-Identifier: MIT */
/*
 * analyze/proto/mysql.h - the MySQL / MariaDB client/server protocol over one connection. A row
 * of the protocol table (proto.h): name "mysql", aliases "mariadb".
 *
 * What it reads: packets (3-byte length + sequence id; payloads split across reads; 16 MiB
 * multi-packet payloads, counted, with a capped prefix kept); the handshake (the server's
 * version, the user and database; auth data is never kept), the switch to TLS after an
 * SSLRequest (marked, then not parsed), the compressed protocol (zlib, decoded: lines say
 * [compressed]); the command phase: COM_QUERY with OK / ERR / result sets (columns, rows; rows
 * are counted, not kept), multiple statements and multiple results, LOCAL INFILE; prepared
 * statements (COM_STMT_PREPARE / EXECUTE / FETCH / RESET / CLOSE / SEND_LONG_DATA, MariaDB's
 * statement id -1) with a per-connection statement-id -> SQL map and the bound parameters
 * decoded by type; PING, QUIT, INIT_DB, CHANGE_USER, STATISTICS and the other commands.
 *
 * One transaction per command: a COM_QUERY that holds several statements is one transaction
 * with several results (the server's general log has one entry per COM_QUERY too). The
 * handshake is one transaction, CONNECT: its request is the client's HandshakeResponse, its
 * response the final OK or ERR of the authentication. op is the SQL verb (SELECT, INSERT...)
 * or the command's name (PING, INIT_DB, STMT_PREPARE...), target the whitespace-normalised SQL
 * (cut at TT_TXN_MAX_TARGET) or the command's argument.
 *
 * A connection recorded from its middle is resynchronised: a packet is trusted from where one
 * side starts to speak after the other did (the protocol is one command, then its answer), when
 * it looks like a command (sequence 0, a known command byte) or like the answer the pending
 * command expects. What cannot be known (a statement prepared before the recording) is shown as
 * unknown, never guessed.
 *
 * Ownership: see proto.h. A session owns its transactions until it emits them and its statement
 * map; a transaction's MySQL strings are freed by the protocol's release hook.
 */
#ifndef TINYTAP_PROTO_MYSQL_H
#define TINYTAP_PROTO_MYSQL_H

#include "analyze/proto.h"

extern const struct tt_proto tt_mysql_proto;

/* Caps, per connection. */
#define TT_MYSQL_KEEP	     65536u /* bytes of one payload kept to parse it (the rest counted) */
#define TT_MYSQL_QUEUE	     64	    /* commands sent ahead of their answers (pipelining) */
#define TT_MYSQL_MAX_STMTS   1024   /* prepared statements remembered */
#define TT_MYSQL_STMT_BYTES  (1u << 20) /* SQL bytes kept for them in all; past it, 256 each */
#define TT_MYSQL_MAX_COLS    4096	/* a result's column count (MySQL's own limit) */
#define TT_MYSQL_PARAMS_MAX  4096	/* bytes of the parameters' JSON text */
#define TT_MYSQL_PARAM_TYPES 256	/* parameters whose types are remembered per statement */

#endif
