// SPDX-License-Identifier: MIT
/*
 * MySQL / MariaDB sessions (analyze/proto/mysql.h says what is read and shown).
 *
 * Layers, per direction: [compressed packets (zlib), after a handshake that negotiated them] ->
 * packets (4-byte header) -> payloads (a payload of 16 MiB or more is several packets: counted,
 * a prefix of TT_MYSQL_KEEP bytes kept) -> the client's commands / the server's answers. The
 * shape of an answer depends on its command (a result set, an OK, the prepared statement, a
 * string...), so the server's payloads go through a state machine started for the command at
 * the head of the queue (pair.h: answers come in order; MariaDB's connector pipelines PREPARE
 * and EXECUTE(-1)).
 *
 * Sequence ids are checked: a command starts at 0 and every packet of the exchange, in either
 * direction (auth switches, LOCAL INFILE data), takes the next one. A packet out of sequence, or
 * one the state does not allow, ends the exchange as [invalid: why] and that direction looks for
 * its place again.
 *
 * Finding the place (a recording that starts mid-connection, or after lost bytes): MySQL is one
 * command, then its whole answer. So a direction that lost its place tries again where it starts
 * to speak after the other side did (a "turn"), and trusts the packet there only if it looks like
 * a command (sequence 0, a known command byte) or like the first packet of the answer the
 * pending command expects. Everything before is counted as skipped and said on the next line.
 */
#include "analyze/proto/mysql.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "analyze/buf.h"
#include "analyze/map64.h"
#include "analyze/pair.h"

/* --- the protocol's numbers ------------------------------------------------------------------- */

/* Capability flags: the handshake's 32 bits, then MariaDB's extended ones (bits 32-63). */
#define CAP_MYSQL	      (1ull << 0) /* unset by MariaDB: its extended capabilities are sent */
#define CAP_CONNECT_WITH_DB   (1ull << 3)
#define CAP_COMPRESS	      (1ull << 5)
#define CAP_PROTOCOL_41	      (1ull << 9)
#define CAP_SSL		      (1ull << 11)
#define CAP_SECURE_CONN	      (1ull << 15)
#define CAP_PLUGIN_AUTH	      (1ull << 19)
#define CAP_CONNECT_ATTRS     (1ull << 20)
#define CAP_AUTH_LENENC	      (1ull << 21)
#define CAP_SESSION_TRACK     (1ull << 23)
#define CAP_DEPRECATE_EOF     (1ull << 24)
#define CAP_OPTIONAL_METADATA (1ull << 25)
#define CAP_ZSTD	      (1ull << 26)
#define CAP_QUERY_ATTRIBUTES  (1ull << 27)
#define CAP_MARIADB_CACHE_MD  (1ull << 36)
#define CAP_MARIADB_EXT_MD    (1ull << 35)

/* Server status flags (OK and EOF packets). */
#define ST_MORE_RESULTS	 0x0008
#define ST_CURSOR_EXISTS 0x0040

enum {
	COM_QUIT = 0x01,
	COM_INIT_DB = 0x02,
	COM_QUERY = 0x03,
	COM_FIELD_LIST = 0x04,
	COM_CREATE_DB = 0x05,
	COM_DROP_DB = 0x06,
	COM_STATISTICS = 0x09,
	COM_PROCESS_INFO = 0x0a,
	COM_PROCESS_KILL = 0x0c,
	COM_PING = 0x0e,
	COM_CHANGE_USER = 0x11,
	COM_BINLOG_DUMP = 0x12,
	COM_STMT_PREPARE = 0x16,
	COM_STMT_EXECUTE = 0x17,
	COM_STMT_SEND_LONG_DATA = 0x18,
	COM_STMT_CLOSE = 0x19,
	COM_STMT_RESET = 0x1a,
	COM_SET_OPTION = 0x1b,
	COM_STMT_FETCH = 0x1c,
	COM_BINLOG_DUMP_GTID = 0x1e,
	COM_RESET_CONNECTION = 0x1f,
	COM_STMT_BULK_EXECUTE = 0xfa, /* MariaDB */
	/* not on the wire: the handshake, the switch to TLS, an answer without a command */
	CMD_CONNECT = 0xe0,
	CMD_TLS = 0xe1,
	CMD_NONE = 0xe2,
	CMD_OPAQUE = 0xe3,
};

static const char *const cmd_names[256] = {
    [0x00] = "SLEEP",
    [0x01] = "QUIT",
    [0x02] = "INIT_DB",
    [0x03] = "QUERY",
    [0x04] = "FIELD_LIST",
    [0x05] = "CREATE_DB",
    [0x06] = "DROP_DB",
    [0x07] = "REFRESH",
    [0x08] = "SHUTDOWN",
    [0x09] = "STATISTICS",
    [0x0a] = "PROCESS_INFO",
    [0x0b] = "CONNECT",
    [0x0c] = "PROCESS_KILL",
    [0x0d] = "DEBUG",
    [0x0e] = "PING",
    [0x0f] = "TIME",
    [0x10] = "DELAYED_INSERT",
    [0x11] = "CHANGE_USER",
    [0x12] = "BINLOG_DUMP",
    [0x13] = "TABLE_DUMP",
    [0x14] = "CONNECT_OUT",
    [0x15] = "REGISTER_SLAVE",
    [0x16] = "STMT_PREPARE",
    [0x17] = "STMT_EXECUTE",
    [0x18] = "STMT_SEND_LONG_DATA",
    [0x19] = "STMT_CLOSE",
    [0x1a] = "STMT_RESET",
    [0x1b] = "SET_OPTION",
    [0x1c] = "STMT_FETCH",
    [0x1d] = "DAEMON",
    [0x1e] = "BINLOG_DUMP_GTID",
    [0x1f] = "RESET_CONNECTION",
    [0xfa] = "STMT_BULK_EXECUTE",
    [CMD_CONNECT] = "CONNECT",
    [CMD_TLS] = "TLS",
    [CMD_OPAQUE] = "COMPRESSED",
};

/* Commands a client sends (the server's internal ones, 0x00 0x0b 0x0f 0x10 0x13 0x14 0x1d, are
 * not taken as a command when looking for the stream's place). */
static int cmd_known(uint8_t b)
{
	return (b >= 0x01 && b <= 0x1f && b != 0x0b && b != 0x0f && b != 0x10 && b != 0x13 &&
		b != 0x14 && b != 0x1d) ||
	       b == COM_STMT_BULK_EXECUTE;
}

/* What a command's answer is. */
enum { XP_OK, XP_RESULT, XP_PREPARE, XP_FIELDS, XP_STRING, XP_NONE, XP_FETCH, XP_AUTH, XP_STREAM };

static int expects(uint8_t cmd)
{
	switch (cmd) {
	case COM_QUIT:
	case COM_STMT_CLOSE:
	case COM_STMT_SEND_LONG_DATA:
		return XP_NONE;
	case COM_QUERY:
	case COM_PROCESS_INFO:
	case COM_STMT_EXECUTE:
	case COM_STMT_BULK_EXECUTE:
		return XP_RESULT;
	case COM_STMT_PREPARE:
		return XP_PREPARE;
	case COM_FIELD_LIST:
		return XP_FIELDS;
	case COM_STATISTICS:
		return XP_STRING;
	case COM_STMT_FETCH:
		return XP_FETCH;
	case COM_CHANGE_USER:
	case CMD_CONNECT:
		return XP_AUTH;
	case COM_BINLOG_DUMP:
	case COM_BINLOG_DUMP_GTID:
		return XP_STREAM;
	default:
		return XP_OK;
	}
}

/* How a result ended. */
enum { K_NONE = 0, K_OK, K_ROWS, K_ERR, K_PREPARED, K_STRING, K_STREAM, K_CURSOR };

/* --- the transaction's detail ------------------------------------------------------------------
 */

struct mx {
	char *params;	      /* owned: JSON array of the bound parameters, or NULL */
	char *err_msg;	      /* owned: the ERR packet's message, or NULL */
	char *user;	      /* owned: CONNECT / CHANGE_USER */
	char *database;	      /* owned: CONNECT / CHANGE_USER / INIT_DB */
	char *server_version; /* owned: CONNECT / TLS: the greeting's */
	char *info;	      /* owned: auth plugin, OK info, LOCAL INFILE file, statistics */
	uint64_t rows;	      /* rows of the (last) result set, or rows affected (OK) */
	uint64_t total_rows;  /* of every result */
	uint64_t insert_id;
	uint64_t first_rows;  /* the first result's (multiple results) */
	uint64_t extra_bytes; /* LOCAL INFILE data sent, or SEND_LONG_DATA bytes */
	uint64_t skipped;     /* bytes not parsed before this txn (finding the stream's place) */
	uint32_t stmt_id;
	uint32_t columns; /* of the (last) result set; STMT_PREPARE: the statement's */
	uint32_t results; /* result sets, OKs and a final ERR of the answer */
	uint32_t packets; /* of the request (more than one: a payload of 16 MiB or more) */
	uint32_t conn_id; /* CONNECT: the server's connection id */
	uint16_t error_code;
	uint16_t warnings;
	uint16_t status; /* server status of the last OK / EOF */
	uint16_t nparams;
	char sqlstate[6];
	uint8_t cmd;	    /* COM_* or CMD_* */
	uint8_t kind;	    /* K_*: how the (last) result ended */
	uint8_t first_kind; /* K_*: the first result's (multiple results) */
	uint8_t req_seq;    /* sequence id of the request's last packet */
	uint8_t has_stmt : 1;
	uint8_t has_sql : 1; /* target is the SQL */
	uint8_t has_rows : 1;
	uint8_t compressed : 1;
	uint8_t no_reply : 1;	/* a command the server never answers */
	uint8_t params_cut : 1; /* params lacks some parameters (cut, or not decodable) */
	uint8_t deferred : 1;	/* EXECUTE(-1) waiting for its PREPARE's answer to be decoded */
	uint8_t mid_conn : 1;	/* the first one of a connection recorded from its middle */
	uint8_t zstd : 1;	/* CONNECT: zstd compression negotiated: nothing after it is read */
};
_Static_assert(sizeof(struct mx) <= TT_TXN_DETAIL, "MySQL detail fits the txn");

static struct mx *X(struct tt_txn *t)
{
	return tt_txn_detail(t, struct mx);
}

static const struct mx *XC(const struct tt_txn *t)
{
	return tt_txn_detail(t, const struct mx);
}

/* --- a bounded cursor over a payload --------------------------------------------------------- */

struct cur {
	const uint8_t *p;
	size_t n;
	int bad; /* read past the end */
};

static uint64_t c_int(struct cur *c, size_t k)
{
	if (c->n < k) {
		c->bad = 1;
		c->n = 0;
		return 0;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < k; i++)
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += k;
	c->n -= k;
	return v;
}

/* A length-encoded integer; *null set for 0xfb (NULL in a row), when null is non-NULL. */
static uint64_t c_lenenc(struct cur *c, int *null)
{
	if (null)
		*null = 0;
	if (!c->n) {
		c->bad = 1;
		return 0;
	}
	uint8_t b = *c->p;
	c->p++;
	c->n--;
	if (b < 0xfb)
		return b;
	if (b == 0xfb) {
		if (null)
			*null = 1;
		else
			c->bad = 1;
		return 0;
	}
	if (b == 0xfc)
		return c_int(c, 2);
	if (b == 0xfd)
		return c_int(c, 3);
	if (b == 0xfe)
		return c_int(c, 8);
	c->bad = 1; /* 0xff: not an integer */
	return 0;
}

static const uint8_t *c_bytes(struct cur *c, uint64_t k)
{
	if (k > c->n) {
		c->bad = 1;
		c->n = 0;
		return NULL;
	}
	const uint8_t *p = c->p;
	c->p += k;
	c->n -= (size_t)k;
	return p;
}

/* A NUL-terminated string (without its NUL); without a NUL: the rest, and bad when strict. */
static const uint8_t *c_strnul(struct cur *c, size_t *len, int strict)
{
	const uint8_t *p = c->p;
	const uint8_t *z = c->n ? memchr(p, 0, c->n) : NULL;
	if (!z) {
		*len = c->n;
		if (strict)
			c->bad = 1;
		c->p += c->n;
		c->n = 0;
		return p;
	}
	*len = (size_t)(z - p);
	c->p = z + 1;
	c->n -= *len + 1;
	return p;
}

static const uint8_t *c_strlenenc(struct cur *c, size_t *len)
{
	uint64_t n = c_lenenc(c, NULL);
	const uint8_t *p = c->bad ? NULL : c_bytes(c, n);
	*len = p ? (size_t)n : 0;
	return p;
}

static uint32_t u24(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

/* --- SQL: normalised text and verb ------------------------------------------------------------ */

/* SQL into out (at most cap bytes, NUL-terminated) with runs of white space outside quotes and
 * backquotes made one space, trimmed; returns its length, *cut set when it did not all fit. A NUL
 * byte (mariadb-slap ends its queries with one) is white space outside quotes, "\0" inside. */
static size_t sql_norm(const uint8_t *p, size_t n, char *out, size_t cap, int *cut)
{
	size_t o = 0;
	int q = 0, esc = 0, sp = 0;
	*cut = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (!q && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
			   c == '\v' || !c)) {
			sp = o > 0;
			continue;
		}
		if (o + 2 + (size_t)sp >= cap) {
			*cut = 1;
			break;
		}
		if (sp) {
			out[o++] = ' ';
			sp = 0;
		}
		if (!c) {
			out[o++] = '\\';
			out[o++] = '0';
			continue;
		}
		out[o++] = (char)c;
		if (q) {
			if (esc)
				esc = 0;
			else if (c == '\\' && q != '`')
				esc = 1;
			else if (c == q)
				q = 0;
		} else if (c == '\'' || c == '"' || c == '`') {
			q = c;
		}
	}
	out[o] = 0;
	return o;
}

/* The statement's verb (SELECT, INSERT...) in upper case into v (cap bytes), after white space,
 * comments and opening parentheses; MySQL's executable comments (slash-star-bang) are read
 * inside. "QUERY" when there is none. */
static void sql_verb(const char *s, size_t n, char *v, size_t cap)
{
	size_t i = 0;
	for (;;) {
		while (i < n &&
		       (s[i] == ' ' || s[i] == '(' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
			i++;
		if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
			if (i + 2 < n && (s[i + 2] == '!' ||
					  (s[i + 2] == 'M' && i + 3 < n && s[i + 3] == '!'))) {
				i += s[i + 2] == '!' ? 3 : 4; /* the comment's content is SQL */
				while (i < n && s[i] >= '0' && s[i] <= '9')
					i++;
				continue;
			}
			const char *e = NULL;
			for (size_t k = i + 2; k + 1 < n; k++)
				if (s[k] == '*' && s[k + 1] == '/') {
					e = s + k + 2;
					break;
				}
			if (!e)
				break;
			i = (size_t)(e - s);
			continue;
		}
		if (s[i] == '#' || (i + 2 < n && s[i] == '-' && s[i + 1] == '-' &&
				    (s[i + 2] == ' ' || s[i + 2] == '\t' || s[i + 2] == '\n'))) {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	size_t o = 0;
	while (i < n && o + 1 < cap &&
	       ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
		v[o++] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]), i++;
	if (!o || (i < n && ((s[i] >= '0' && s[i] <= '9') || (uint8_t)s[i] >= 0x80))) {
		snprintf(v, cap, "QUERY");
		return;
	}
	v[o] = 0;
}

/* --- the parameters' JSON text ---------------------------------------------------------------- */

struct jb {
	char b[TT_MYSQL_PARAMS_MAX];
	size_t n;
	int full; /* something did not fit: the array was closed early */
};

/* Room for n more bytes, keeping 8 for the closing "…"] */
static int jb_room(struct jb *j, size_t n)
{
	if (j->full || j->n + n + 8 > sizeof(j->b)) {
		j->full = 1;
		return 0;
	}
	return 1;
}

static void jb_put(struct jb *j, const char *s, size_t n)
{
	if (jb_room(j, n)) {
		memcpy(j->b + j->n, s, n);
		j->n += n;
	}
}

static void jb_puts(struct jb *j, const char *s)
{
	jb_put(j, s, strlen(s));
}

/* Length of a valid UTF-8 sequence at p (n bytes left), 0 when it is not one. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t k = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
	if (!k || k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (k == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
		return 0;
	if (k == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
		return 0;
	return k;
}

/* Text (valid UTF-8 without control characters but tab and newlines)? */
static int is_text(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') ||
			    p[i] == 0x7f)
				return 0;
			i++;
			continue;
		}
		size_t k = utf8_len(p + i, n - i);
		if (!k)
			return i + 4 > n; /* a sequence cut by the end of what was kept */
		i += k;
	}
	return 1;
}

#define JB_STR_MAX 256 /* bytes of one string value shown */

/* A JSON string of p (cut at JB_STR_MAX bytes, or *more when the value was cut on the wire). */
static void jb_str(struct jb *j, const uint8_t *p, size_t n, int more)
{
	static const char hx[] = "0123456789abcdef";
	if (n > JB_STR_MAX) {
		n = JB_STR_MAX;
		more = 1;
	}
	if (!jb_room(j, n + 2))
		return;
	j->b[j->n++] = '"';
	for (size_t i = 0; i < n;) {
		uint8_t c = p[i];
		char e[8];
		size_t el = 0;
		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			el = 2;
		} else if (c == '\n') {
			memcpy(e, "\\n", el = 2);
		} else if (c == '\r') {
			memcpy(e, "\\r", el = 2);
		} else if (c == '\t') {
			memcpy(e, "\\t", el = 2);
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(e, "\\u00", 4);
			e[4] = hx[c >> 4];
			e[5] = hx[c & 15];
			el = 6;
		} else if (c >= 0x80) {
			size_t k = utf8_len(p + i, n - i);
			if (k) {
				jb_put(j, (const char *)p + i, k);
				i += k;
				continue;
			}
			if (i + 4 > n && more) /* a character cut where the value was cut */
				break;
			memcpy(e, "\\ufffd", el = 6);
		} else {
			e[0] = (char)c;
			el = 1;
		}
		jb_put(j, e, el);
		i++;
	}
	if (more)
		jb_puts(j, "\xe2\x80\xa6"); /* … */
	jb_put(j, "\"", 1);
}

/* Bytes that are not text: "0x" and hex (the first 64 bytes). */
static void jb_hex(struct jb *j, const uint8_t *p, size_t n, int more)
{
	static const char hx[] = "0123456789abcdef";
	size_t k = n < 64 ? n : 64;
	if (!jb_room(j, 2 * k + 8))
		return;
	jb_puts(j, "\"0x");
	for (size_t i = 0; i < k; i++) {
		char e[2] = {hx[p[i] >> 4], hx[p[i] & 15]};
		jb_put(j, e, 2);
	}
	if (k < n || more)
		jb_puts(j, "\xe2\x80\xa6");
	jb_put(j, "\"", 1);
}

static void jb_printf(struct jb *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void jb_printf(struct jb *j, const char *fmt, ...)
{
	char t[96];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	if (k > 0)
		jb_put(j, t, (size_t)k < sizeof(t) ? (size_t)k : sizeof(t) - 1);
}

/* Field types (MYSQL_TYPE_*), as far as the binary protocol's encoding goes. */
enum {
	T_DECIMAL = 0,
	T_TINY = 1,
	T_SHORT = 2,
	T_LONG = 3,
	T_FLOAT = 4,
	T_DOUBLE = 5,
	T_NULL = 6,
	T_TIMESTAMP = 7,
	T_LONGLONG = 8,
	T_INT24 = 9,
	T_DATE = 10,
	T_TIME = 11,
	T_DATETIME = 12,
	T_YEAR = 13,
	T_NEWDATE = 14,
	T_VARCHAR = 15,
	T_BIT = 16,
	T_TIMESTAMP2 = 17,
	T_DATETIME2 = 18,
	T_TIME2 = 19,
};

/* One binary-protocol value of type ty into j; 0, or -1 when its bytes are not there (cut) or
 * its type is not one the protocol defines. */
static int jb_value(struct jb *j, struct cur *c, uint8_t ty, int uns, int cut_ok)
{
	switch (ty) {
	case T_TINY: {
		uint64_t v = c_int(c, 1);
		if (c->bad)
			return -1;
		if (uns)
			jb_printf(j, "%u", (unsigned)v);
		else
			jb_printf(j, "%d", (int)(int8_t)v);
		return 0;
	}
	case T_SHORT:
	case T_YEAR: {
		uint64_t v = c_int(c, 2);
		if (c->bad)
			return -1;
		if (uns || ty == T_YEAR)
			jb_printf(j, "%u", (unsigned)v);
		else
			jb_printf(j, "%d", (int)(int16_t)v);
		return 0;
	}
	case T_LONG:
	case T_INT24: {
		uint64_t v = c_int(c, 4);
		if (c->bad)
			return -1;
		if (uns)
			jb_printf(j, "%u", (unsigned)v);
		else
			jb_printf(j, "%d", (int)(int32_t)(uint32_t)v);
		return 0;
	}
	case T_LONGLONG: {
		uint64_t v = c_int(c, 8);
		if (c->bad)
			return -1;
		if (uns)
			jb_printf(j, "%llu", (unsigned long long)v);
		else
			jb_printf(j, "%lld", (long long)(int64_t)v);
		return 0;
	}
	case T_FLOAT:
	case T_DOUBLE: {
		uint64_t v = c_int(c, ty == T_FLOAT ? 4 : 8);
		if (c->bad)
			return -1;
		double d;
		if (ty == T_FLOAT) {
			uint32_t u = (uint32_t)v;
			float f;
			memcpy(&f, &u, 4);
			d = f;
		} else {
			memcpy(&d, &v, 8);
		}
		if (isfinite(d)) { /* the shortest form that reads back the same */
			char t[40];
			int prec = ty == T_FLOAT ? 6 : 15;
			for (;; prec++) {
				snprintf(t, sizeof(t), "%.*g", prec, d);
				if (prec >= (ty == T_FLOAT ? 9 : 17) ||
				    (ty == T_FLOAT ? (double)strtof(t, NULL) == d
						   : strtod(t, NULL) == d))
					break;
			}
			jb_puts(j, t);
		} else
			jb_printf(j, "\"%s\"", isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
		return 0;
	}
	case T_NULL:
		jb_puts(j, "null");
		return 0;
	case T_DATE:
	case T_DATETIME:
	case T_TIMESTAMP:
	case T_NEWDATE: {
		uint64_t l = c_int(c, 1);
		const uint8_t *p = c->bad ? NULL : c_bytes(c, l);
		if (!p || (l != 0 && l != 4 && l != 7 && l != 11))
			return -1;
		unsigned y = l ? (unsigned)(p[0] | p[1] << 8) : 0, mo = l ? p[2] : 0,
			 d = l ? p[3] : 0, h = l >= 7 ? p[4] : 0, mi = l >= 7 ? p[5] : 0,
			 s = l >= 7 ? p[6] : 0;
		unsigned long us =
		    l == 11 ? (unsigned long)u24(p + 7) | (unsigned long)p[10] << 24 : 0;
		if (ty == T_DATE || ty == T_NEWDATE)
			jb_printf(j, "\"%04u-%02u-%02u\"", y, mo, d);
		else if (us)
			jb_printf(j, "\"%04u-%02u-%02u %02u:%02u:%02u.%06lu\"", y, mo, d, h, mi, s,
				  us);
		else
			jb_printf(j, "\"%04u-%02u-%02u %02u:%02u:%02u\"", y, mo, d, h, mi, s);
		return 0;
	}
	case T_TIME: {
		uint64_t l = c_int(c, 1);
		const uint8_t *p = c->bad ? NULL : c_bytes(c, l);
		if (!p || (l != 0 && l != 8 && l != 12))
			return -1;
		unsigned long days = l ? (unsigned long)u24(p + 1) | (unsigned long)p[4] << 24 : 0;
		unsigned h = l ? p[5] : 0, mi = l ? p[6] : 0, s = l ? p[7] : 0;
		unsigned long us =
		    l == 12 ? (unsigned long)u24(p + 8) | (unsigned long)p[11] << 24 : 0;
		jb_printf(j, "\"%s%lu:%02u:%02u", l && p[0] ? "-" : "", days * 24 + h, mi, s);
		if (us)
			jb_printf(j, ".%06lu", us);
		jb_put(j, "\"", 1);
		return 0;
	}
	case T_DECIMAL:
	case T_VARCHAR:
	case T_BIT:
	case 245: /* JSON */
	case 246: /* NEWDECIMAL */
	case 247: /* ENUM */
	case 248: /* SET */
	case 249: /* TINY_BLOB */
	case 250: /* MEDIUM_BLOB */
	case 251: /* LONG_BLOB */
	case 252: /* BLOB */
	case 253: /* VAR_STRING */
	case 254: /* STRING */
	case 255: /* GEOMETRY */ {
		uint64_t l = c_lenenc(c, NULL);
		if (c->bad)
			return -1;
		size_t have = l <= c->n ? (size_t)l : c->n;
		if (have < l && !cut_ok)
			return -1;
		const uint8_t *p = c_bytes(c, have);
		if (is_text(p, have < 256 ? have : 256) || !have)
			jb_str(j, p, have, have < l);
		else
			jb_hex(j, p, have, have < l);
		if (have < l)
			return -1;
		return 0;
	}
	default:
		return -1;
	}
}

/* --- the statement map ------------------------------------------------------------------------ */

struct stmt {
	uint16_t nparams, ncols;
	uint16_t ntypes;    /* parameters whose types are known (types: 2 bytes each) */
	uint8_t *types;	    /* owned, or NULL */
	uint64_t long_data; /* parameters < 64 sent with SEND_LONG_DATA since the last execute */
	char op[24];	    /* the SQL's verb */
	size_t sql_len;
	int sql_cut;
	char sql[]; /* sql_len bytes + NUL */
};

/* --- the session ------------------------------------------------------------------------------ */

enum { PH_INIT, PH_AUTH, PH_CMD, PH_OFF };
enum { CS_CMD, CS_INFILE };
enum {
	RS_FIRST,      /* a result starts: OK, ERR, a column count, LOCAL INFILE... */
	RS_COLS,       /* column definitions */
	RS_COLS_END,   /* after them: EOF (without DEPRECATE_EOF), or rows */
	RS_ROWS,       /* rows up to EOF / OK / ERR */
	RS_PARAMS,     /* STMT_PREPARE: parameter definitions */
	RS_PARAMS_END, /* ... their EOF */
	RS_PCOLS,      /* STMT_PREPARE: column definitions */
	RS_PCOLS_END,  /* ... their EOF */
	RS_FIELDS,     /* FIELD_LIST: column definitions up to EOF */
	RS_AUTH,       /* the handshake's (or CHANGE_USER's) authentication */
	RS_STREAM,     /* BINLOG_DUMP: events up to EOF */
};

/* One payload as the framing hands it on. */
struct pkt {
	const uint8_t *p; /* the kept prefix: n of len bytes */
	size_t n;
	uint64_t len;
	uint8_t seq0, seq; /* first and last sequence id (a payload of several packets) */
	uint32_t parts;
	int gap;      /* bytes inside it were lost */
	uint64_t ts0; /* its first byte's record */
	uint32_t pid, tid;
};

struct my;

struct mdir {
	int dir;
	/* packets */
	uint8_t hdr[4];
	uint8_t hdr_len;
	uint8_t in_pkt;	   /* reading a packet's payload */
	uint8_t last_full; /* the packet being read is 0xffffff bytes: the payload goes on */
	uint8_t more;	   /* the payload goes on in the next packet */
	uint8_t sync;	   /* packets are framed from a place we trust */
	uint8_t probe;	   /* framing from a candidate place: the first payload decides */
	uint8_t checked;   /* probe: its first byte was looked at */
	uint8_t cand;	   /* the next byte may start a packet (the other side spoke) */
	uint8_t turn;	   /* the other direction spoke since this one last did */
	uint8_t acc_stop;  /* bytes were lost inside the payload: keep no more of it */
	uint8_t seq0, seq;
	uint32_t left; /* bytes of the current packet still to come */
	uint32_t parts;
	uint64_t total; /* payload bytes so far */
	uint64_t ts0;
	uint32_t pid, tid;
	int gap;
	struct tt_buf acc; /* the payload's kept prefix, when it spans calls or packets */
	/* compressed packets (zlib) */
	uint8_t z;     /* on: bytes are compressed packets */
	uint8_t zsync; /* compressed packets are framed from a place we trust */
	uint8_t zcand; /* the next byte may start a compressed packet */
	uint8_t zin;   /* reading a compressed packet's payload */
	uint8_t zskip; /* its content is of no use (lost bytes, did not decode) */
	uint8_t zhdr[7];
	uint8_t zhdr_len;
	uint32_t zleft, zulen;
	uint64_t zout;
	int zinit;
	z_stream zs;
};

struct my {
	struct tt_proto_env *env;
	const struct tt_conn_info *ci; /* borrowed: the connection outlives its session */
	struct tt_pairq pq;
	struct mdir d[2];
	const struct tt_chunk *ch; /* chunk being fed */
	int req_dir;		   /* direction of the client's packets, -1 unknown */
	int phase;
	uint64_t srv_caps, cli_caps;
	int caps_known; /* both capability sets were read */
	int eof_mode; /* 1: an EOF after column definitions; 0: none (DEPRECATE_EOF); -1 unknown */
	char version[64];
	uint32_t conn_id;
	/* the answer being read */
	struct tt_txn *rt;
	int rt_orphan; /* rt is not in the queue: emitted when its answer ends */
	int rs;
	uint64_t rs_left;
	uint16_t rs_ncols;
	uint8_t rs_seq; /* the sequence id the exchange's next packet must have */
	int rs_seq_any; /* packets of the exchange were lost: do not check the next one */
	int cs;		/* client: CS_CMD, CS_INFILE */
	/* prepared statements: id -> struct stmt * */
	struct tt_map64 stmts;
	size_t stmt_bytes;
	int stmts_full; /* a statement could not be kept */
	int stmts_all;	/* the connection was seen from its start: an unknown id was never prepared
			 */
	int have_last;	/* MariaDB's statement id -1: the last one prepared */
	uint32_t last_prepared;
	/* an EXECUTE(-1) sent right behind its PREPARE: decoded once the PREPARE is answered */
	uint64_t def_seq;
	uint8_t *def_buf; /* owned: the EXECUTE's payload (kept prefix) */
	size_t def_len;
	uint64_t def_total;
	uint64_t skipped; /* bytes not parsed since the last transaction */
	int placed;	  /* a packet was trusted once: later skips are counted */
	int reported;	  /* the payload just rejected was reported as [invalid] */
	int mid_pending;  /* recorded mid-connection: the next transaction says so */
};

static struct mdir *dir_of(struct my *s, int dir)
{
	return &s->d[dir & 1];
}

static uint64_t caps(const struct my *s)
{
	uint64_t c = s->cli_caps & s->srv_caps;
	if ((s->cli_caps | s->srv_caps) & CAP_MYSQL)
		c &= 0xffffffffull; /* MariaDB's extended capabilities only between MariaDBs */
	return c;
}

/* --- transactions ----------------------------------------------------------------------------- */

static struct tt_txn *txn_new(struct my *s, uint8_t cmd, uint32_t pid, uint32_t tid)
{
	enum tt_side side = s->req_dir == TT_DIR_EGRESS	   ? TT_SIDE_CLIENT
			    : s->req_dir == TT_DIR_INGRESS ? TT_SIDE_SERVER
							   : TT_SIDE_UNKNOWN;
	struct tt_txn *t = tt_proto_txn_new(&tt_mysql_proto, s->env, s->ci, side, pid, tid);
	if (!t)
		return NULL;
	struct mx *x = X(t);
	x->cmd = cmd;
	x->compressed = s->d[0].z || s->d[1].z;
	x->skipped = s->skipped;
	s->skipped = 0;
	x->mid_conn = s->mid_pending;
	s->mid_pending = 0;
	return t;
}

static void set_op(struct tt_txn *t, const char *op)
{
	tt_txn_set_str(t, &t->op, op, strlen(op));
}

static void set_strf(struct tt_txn *t, char **f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_strf(struct tt_txn *t, char **f, const char *fmt, ...)
{
	char b[256];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (k < 0)
		k = 0;
	tt_txn_set_str(t, f, b, (size_t)k < sizeof(b) ? (size_t)k : sizeof(b) - 1);
}

/* A wire string into a field, cut at cap bytes. */
static void set_wire(struct tt_txn *t, char **f, const uint8_t *p, size_t n, size_t cap)
{
	tt_txn_set_str(t, f, (const char *)p, n < cap ? n : cap);
}

static void msg_from(struct tt_msg *m, const struct pkt *pk, uint64_t ts)
{
	if (!m->seen) {
		m->seen = 1;
		m->ts_first = pk->ts0;
		m->pid = pk->pid;
		m->tid = pk->tid;
	}
	m->ts_last = ts;
	m->wire_bytes += pk->len + 4ull * pk->parts;
	if (pk->gap)
		m->gap = 1;
}

/* The SQL of a request: target (normalised, cut), op (its verb), and the -vv body. */
static void set_sql(struct my *s, struct tt_txn *t, const uint8_t *p, size_t n, uint64_t total)
{
	static _Thread_local char buf[TT_TXN_MAX_TARGET];
	int cut;
	size_t l = sql_norm(p, n, buf, sizeof(buf) - 4, &cut);
	if (cut || total > n) {
		memcpy(buf + l, "\xe2\x80\xa6", 4); /* … */
		l += 3;
	}
	char v[24];
	sql_verb(buf, l, v, sizeof(v));
	set_op(t, v);
	if (l) { /* an empty query has no target */
		tt_txn_set_str(t, &t->target, buf, l);
		X(t)->has_sql = 1;
	}
	if (s->env->body_cap) {
		tt_msg_add_body(&t->req, p, n, s->env->body_cap);
		if (total > n) { /* not kept: counted, and the body says it was cut */
			t->req.body_bytes += total - n;
			t->req.body_truncated = 1;
		}
	} else {
		t->req.body_bytes += total;
	}
}

static void emit_now(struct my *s, struct tt_txn *t)
{
	tt_pair_emit(&s->pq, t);
}

static void flush(struct my *s)
{
	tt_pair_flush(&s->pq, s->rt, NULL);
}

/* --- statements ------------------------------------------------------------------------------- */

static struct stmt *stmt_get(struct my *s, uint32_t id)
{
	uint64_t v;
	return tt_map64_get(&s->stmts, id, &v) ? (struct stmt *)(uintptr_t)v : NULL;
}

static void stmt_free(struct my *s, struct stmt *st)
{
	if (!st)
		return;
	s->stmt_bytes -= st->sql_len < s->stmt_bytes ? st->sql_len : s->stmt_bytes;
	free(st->types);
	free(st);
}

static void stmt_del(struct my *s, uint32_t id)
{
	uint64_t v;
	if (tt_map64_del(&s->stmts, id, &v))
		stmt_free(s, (struct stmt *)(uintptr_t)v);
	if (s->have_last && s->last_prepared == id)
		s->have_last = 0;
}

static void stmts_clear(struct my *s)
{
	size_t pos = 0;
	uint64_t k, v;
	while (tt_map64_next(&s->stmts, &pos, &k, &v))
		stmt_free(s, (struct stmt *)(uintptr_t)v);
	tt_map64_clear(&s->stmts);
	s->stmt_bytes = 0;
	s->have_last = 0;
	s->stmts_full = 0;
}

/* A statement the server prepared (id), for the SQL of t. */
static void stmt_put(struct my *s, uint32_t id, const struct tt_txn *t, uint16_t np, uint16_t nc)
{
	stmt_del(s, id);
	const char *sql = t->target ? t->target : "";
	size_t l = strlen(sql);
	int cut = 0;
	if (s->stmt_bytes + l > TT_MYSQL_STMT_BYTES && l > 256) {
		l = 256; /* the budget is spent: a prefix only */
		cut = 1;
	}
	struct stmt *st = calloc(1, sizeof(*st) + l + 1);
	if (!st || tt_map64_put(&s->stmts, id, (uintptr_t)st) < 0) {
		free(st);
		s->stmts_full = 1;
		return;
	}
	memcpy(st->sql, sql, l);
	st->sql_len = l;
	st->sql_cut = cut;
	st->nparams = np;
	st->ncols = nc;
	sql_verb(st->sql, l, st->op, sizeof(st->op));
	s->stmt_bytes += l;
	s->have_last = 1;
	s->last_prepared = id;
}

/* Why statement id is not known. */
static const char *stmt_unknown_why(const struct my *s, uint32_t id)
{
	if (id == UINT32_MAX)
		return "the last prepared statement (-1), not known";
	if (s->stmts_full)
		return "not kept: statement map full";
	if (s->stmts_all)
		return "not prepared on this connection";
	return "prepared before the recording started";
}

/* --- decoding an EXECUTE's parameters -------------------------------------------------------- */

/* c: the bytes after the iteration count. total_cut: the payload was not all kept. */
static void exec_params(struct my *s, struct tt_txn *t, struct stmt *st, struct cur *c,
			int total_cut)
{
	struct mx *x = X(t);
	static _Thread_local struct jb j;
	j.n = 0;
	j.full = 0;
	uint16_t np = st->nparams;
	jb_put(&j, "[", 1);
	if (!np) {
		jb_put(&j, "]", 1);
		tt_txn_set_str(t, &x->params, j.b, j.n);
		return;
	}
	size_t nb = ((size_t)np + 7) / 8;
	const uint8_t *nullmap = c_bytes(c, nb);
	uint64_t bound = c_int(c, 1);
	const uint8_t *types = NULL;
	int named = (caps(s) & CAP_QUERY_ATTRIBUTES) != 0;
	if (!c->bad && bound) {
		if (named) { /* MySQL 8 with query attributes: type, then a name, per parameter */
			x->params_cut = 1;
			jb_puts(&j, "\"(named parameters: not decoded)\"]");
			tt_txn_set_str(t, &x->params, j.b, j.n);
			return;
		}
		types = c_bytes(c, 2ull * np);
		if (types) { /* remembered for the executes that do not send them again */
			size_t keep = np < TT_MYSQL_PARAM_TYPES ? np : TT_MYSQL_PARAM_TYPES;
			uint8_t *tt = realloc(st->types, 2 * keep);
			if (tt) {
				memcpy(tt, types, 2 * keep);
				st->types = tt;
				st->ntypes = (uint16_t)keep;
			}
		}
	} else if (!c->bad) {
		types = st->types;
	}
	if (c->bad || !nullmap) {
		x->params_cut = 1;
		jb_puts(&j, total_cut ? "\"(cut)\"]" : "\"(malformed)\"]");
		tt_txn_set_str(t, &x->params, j.b, j.n);
		return;
	}
	size_t ntypes = bound ? np : st->ntypes;
	for (size_t i = 0; i < np; i++) {
		if (i)
			jb_put(&j, ",", 1);
		/* sent apart (its null bit may be set too: the server ignores it then) */
		if (i < 64 && (st->long_data >> i) & 1) {
			jb_puts(&j, "\"(long data)\"");
			continue;
		}
		if (nullmap[i / 8] & (1u << (i % 8))) {
			jb_puts(&j, "null");
			continue;
		}
		if (i >= ntypes || !types) {
			x->params_cut = 1;
			jb_puts(&j, "\"(types not known: bound before the recording)\"");
			break;
		}
		if (jb_value(&j, c, types[2 * i], (types[2 * i + 1] & 0x80) != 0, total_cut) < 0) {
			x->params_cut = 1;
			if (!c->bad && !total_cut)
				jb_printf(&j, "\"(type %u: not decoded)\"", types[2 * i]);
			else if (!total_cut)
				jb_puts(&j, "\"(malformed)\"");
			break;
		}
		if (j.full)
			break;
	}
	if (j.full) {
		x->params_cut = 1;
		j.full = 0;
		jb_puts(&j, ",\"\xe2\x80\xa6\""); /* room was kept for it */
	}
	jb_put(&j, "]", 1);
	tt_txn_set_str(t, &x->params, j.b, j.n);
	st->long_data = 0;
}

/* An EXECUTE (or BULK_EXECUTE) request's statement: SQL and parameters. */
static void exec_request(struct my *s, struct tt_txn *t, const struct pkt *pk)
{
	struct mx *x = X(t);
	struct cur c = {pk->p + 1, pk->n - 1, 0};
	uint32_t id = (uint32_t)c_int(&c, 4);
	if (c.bad) {
		t->error = "STMT_EXECUTE shorter than its statement id";
		t->flags |= TT_TXN_BROKEN;
		set_op(t, cmd_names[x->cmd]);
		return;
	}
	x->stmt_id = id;
	x->has_stmt = 1;
	struct stmt *st = NULL;
	uint32_t rid = id;
	if (id == UINT32_MAX) { /* MariaDB: the last statement prepared */
		/* a PREPARE sent before it, not answered yet: its SQL now, parameters once it is */
		for (size_t i = s->pq.n; i-- > 0;) {
			struct tt_txn *o = s->pq.q[i];
			if (XC(o)->cmd == COM_STMT_PREPARE && !o->resp.done && o != t) {
				char v[24];
				tt_txn_set_str(t, &t->target, o->target,
					       o->target ? strlen(o->target) : 0);
				sql_verb(t->target ? t->target : "",
					 t->target ? strlen(t->target) : 0, v, sizeof(v));
				set_op(t, v);
				x->has_sql = XC(o)->has_sql;
				if (x->cmd == COM_STMT_EXECUTE && !s->def_buf) {
					s->def_buf = malloc(pk->n);
					if (s->def_buf) {
						memcpy(s->def_buf, pk->p, pk->n);
						s->def_len = pk->n;
						s->def_total = pk->len;
						s->def_seq = t->seq;
						x->deferred = 1;
					}
				}
				if (!x->deferred)
					x->params_cut = 1;
				return;
			}
		}
		if (s->have_last)
			rid = s->last_prepared;
	}
	st = rid == UINT32_MAX ? NULL : stmt_get(s, rid);
	if (!st) {
		set_op(t, cmd_names[x->cmd]);
		set_strf(t, &t->target, "stmt %d (unknown: %s)", (int)id, stmt_unknown_why(s, id));
		return;
	}
	set_op(t, st->op);
	if (st->sql_cut) {
		char b[300];
		int k = snprintf(b, sizeof(b), "%s\xe2\x80\xa6", st->sql);
		tt_txn_set_str(t, &t->target, b, (size_t)k < sizeof(b) ? (size_t)k : sizeof(b) - 1);
	} else {
		tt_txn_set_str(t, &t->target, st->sql, st->sql_len);
	}
	x->has_sql = 1;
	if (x->cmd != COM_STMT_EXECUTE) { /* BULK_EXECUTE: rows of parameters, not decoded */
		x->params_cut = 1;
		return;
	}
	uint64_t flags = c_int(&c, 1);
	c_int(&c, 4); /* iteration count: 1 */
	if (caps(s) & CAP_QUERY_ATTRIBUTES && flags & 0x08)
		c_lenenc(&c, NULL); /* MySQL 8: parameter count */
	exec_params(s, t, st, &c, pk->len > pk->n);
}

/* The PREPARE an EXECUTE(-1) waited for is answered (st, or NULL: it failed). */
static void deferred_done(struct my *s, struct stmt *st)
{
	if (!s->def_buf)
		return;
	for (size_t i = 0; i < s->pq.n; i++) {
		struct tt_txn *t = s->pq.q[i];
		if (t->seq != s->def_seq)
			continue;
		X(t)->deferred = 0;
		if (st) {
			struct cur c = {s->def_buf, s->def_len, 0};
			c_bytes(&c, 10); /* command, statement id, flags, iteration count */
			exec_params(s, t, st, &c, s->def_total > s->def_len);
		} else {
			X(t)->params_cut = 1;
		}
		break;
	}
	free(s->def_buf);
	s->def_buf = NULL;
}

/* --- the answer ------------------------------------------------------------------------------- */

static void resp_end(struct my *s);
static void dir_lost(struct my *s, struct mdir *d, int gap, const char *why);
static int srv_payload(struct my *s, const struct pkt *pk);

/* The answer does not parse: why (static). The server's direction looks for its place again. */
static int resp_invalid(struct my *s, const char *why)
{
	if (s->rt && !s->rt->error)
		s->rt->error = why;
	s->reported = 1; /* the packet is said on that transaction: not counted as skipped */
	dir_lost(s, dir_of(s, s->req_dir ^ 1), 0, why);
	return -1;
}

static void result(struct my *s, int kind, uint64_t rows)
{
	struct mx *x = X(s->rt);
	if (!x->results) {
		x->first_kind = (uint8_t)kind;
		x->first_rows = rows;
	}
	x->results++;
	x->kind = (uint8_t)kind;
	x->rows = rows;
	x->has_rows = kind == K_OK || kind == K_ROWS || kind == K_STREAM || kind == K_CURSOR;
	x->total_rows += rows;
	if (kind == K_ERR)
		s->rt->outcome = TT_OUTCOME_ERROR;
	else if (s->rt->outcome == TT_OUTCOME_NONE)
		s->rt->outcome = TT_OUTCOME_OK;
}

/* OK packet (0x00, or 0xfe ending rows with DEPRECATE_EOF): its status. */
static uint16_t ok_packet(struct my *s, const struct pkt *pk, uint64_t *affected)
{
	struct mx *x = X(s->rt);
	struct cur c = {pk->p + 1, pk->n - 1, 0};
	*affected = c_lenenc(&c, NULL);
	x->insert_id = c_lenenc(&c, NULL);
	uint16_t st = (uint16_t)c_int(&c, 2);
	x->warnings = (uint16_t)c_int(&c, 2);
	if (c.bad) {
		x->warnings = 0;
		return 0;
	}
	x->status = st;
	size_t il = 0;
	const uint8_t *info = NULL;
	if (caps(s) & CAP_SESSION_TRACK)
		info = c.n ? c_strlenenc(&c, &il) : NULL;
	else
		info = c_bytes(&c, il = c.n);
	if (info && il && !c.bad) {
		if (x->info && x->cmd == COM_QUERY && x->extra_bytes) /* LOCAL INFILE's file */
			set_strf(s->rt, &x->info, "%s; %.*s", x->info, (int)(il < 200 ? il : 200),
				 (const char *)info);
		else
			set_wire(s->rt, &x->info, info, il, 256);
	}
	return st;
}

/* EOF packet (0xfe, short): its status. */
static uint16_t eof_packet(struct my *s, const struct pkt *pk)
{
	struct mx *x = X(s->rt);
	struct cur c = {pk->p + 1, pk->n - 1, 0};
	uint16_t w = (uint16_t)c_int(&c, 2);
	uint16_t st = (uint16_t)c_int(&c, 2);
	if (c.bad)
		return 0;
	x->warnings = w;
	x->status = st;
	return st;
}

/* ERR packet: 1 when it is one (a MariaDB progress report, code 0xffff, is not: 0). */
static int err_packet(struct my *s, const struct pkt *pk)
{
	struct mx *x = X(s->rt);
	struct cur c = {pk->p + 1, pk->n - 1, 0};
	uint16_t code = (uint16_t)c_int(&c, 2);
	if (!c.bad && code == 0xffff)
		return 0;
	x->error_code = code;
	if (c.n && c.p[0] == '#' && c.n >= 6) {
		memcpy(x->sqlstate, c.p + 1, 5);
		x->sqlstate[5] = 0;
		for (int i = 0; i < 5; i++)
			if (x->sqlstate[i] < 0x20 || (uint8_t)x->sqlstate[i] >= 0x7f)
				x->sqlstate[i] = '?';
		c.p += 6;
		c.n -= 6;
	}
	set_wire(s->rt, &x->err_msg, c.p, c.n, 512);
	return 1;
}

static int is_eof(const struct pkt *pk)
{
	return pk->n && pk->p[0] == 0xfe && pk->len < 9;
}

/* 0xfe and shorter than 16 MiB: EOF, or OK ending rows (a text row starting with 0xfe is a
 * value of 16 MiB or more). */
static int is_terminator(const struct pkt *pk)
{
	return pk->n && pk->p[0] == 0xfe && pk->len < 0xffffff;
}

/* The last result ended with status st: another follows, or the answer is over. */
static void result_next(struct my *s, uint16_t st)
{
	if (st & ST_MORE_RESULTS)
		s->rs = RS_FIRST;
	else
		resp_end(s);
}

/* A terminator of rows (EOF, or OK with DEPRECATE_EOF). */
static void rows_end(struct my *s, const struct pkt *pk, uint64_t rows)
{
	uint16_t st;
	if (pk->len >= 7 || s->eof_mode == 0) {
		uint64_t aff;
		st = ok_packet(s, pk, &aff);
		if (s->eof_mode < 0)
			s->eof_mode = 0;
	} else {
		st = eof_packet(s, pk);
	}
	result(s, st & ST_CURSOR_EXISTS && !rows ? K_CURSOR : K_ROWS, rows);
	result_next(s, st);
}

/* A column (or parameter) definition: it starts with the catalog, a length-encoded "def". */
static int coldef_ok(const struct pkt *pk)
{
	return pk->n && pk->p[0] < 0xfb;
}

/* Answers of the handshake and CHANGE_USER: switch, more data, then OK or ERR. */
static int auth_packet(struct my *s, const struct pkt *pk)
{
	struct mx *x = X(s->rt);
	uint8_t b = pk->p[0];
	if (b == 0x00) {
		uint64_t aff;
		ok_packet(s, pk, &aff);
		result(s, K_OK, 0);
		x->has_rows = 0;
		resp_end(s);
		return 0;
	}
	if (b == 0xfe) { /* AuthSwitchRequest: plugin name, then its data (not kept) */
		struct cur c = {pk->p + 1, pk->n - 1, 0};
		size_t l;
		const uint8_t *name = c_strnul(&c, &l, 0);
		set_strf(s->rt, &x->info, "auth switch to %.*s", (int)(l < 64 ? l : 64),
			 (const char *)name);
		return 0;
	}
	if (b == 0x01) /* AuthMoreData: not kept */
		return 0;
	return resp_invalid(s, "unexpected packet during authentication");
}

/* Column count of a result set, and whether its definitions follow. */
static int result_start(struct my *s, const struct pkt *pk)
{
	struct cur c = {pk->p, pk->n, 0};
	uint64_t n = c_lenenc(&c, NULL);
	if (c.bad || !n)
		return resp_invalid(s, "bad column count");
	if (n > TT_MYSQL_MAX_COLS)
		return resp_invalid(s, "column count over 4096");
	struct mx *x = X(s->rt);
	x->columns = (uint32_t)n;
	s->rs_left = n;
	s->rs = RS_COLS;
	uint64_t cp = caps(s);
	if (c.n == 1 && (cp & (CAP_MARIADB_CACHE_MD | CAP_OPTIONAL_METADATA)) && c.p[0] == 0)
		s->rs = RS_COLS_END; /* metadata not sent again (the client has it) */
	return 0;
}

static void rows_start(struct my *s)
{
	s->rs = RS_ROWS;
	s->rs_left = 0; /* rows so far */
}

static int rows_packet(struct my *s, const struct pkt *pk)
{
	uint8_t b = pk->p[0];
	if (is_terminator(pk)) {
		rows_end(s, pk, s->rs_left);
		return 0;
	}
	if (b == 0xff) {
		if (err_packet(s, pk)) {
			X(s->rt)->rows = s->rs_left;
			result(s, K_ERR, s->rs_left);
			resp_end(s);
		}
		return 0;
	}
	s->rs_left++;
	return 0;
}

/* The prepare's OK: statement id, columns, parameters; their definitions follow. */
static int prepare_ok(struct my *s, const struct pkt *pk)
{
	struct mx *x = X(s->rt);
	struct cur c = {pk->p + 1, pk->n - 1, 0};
	uint32_t id = (uint32_t)c_int(&c, 4);
	uint16_t nc = (uint16_t)c_int(&c, 2);
	uint16_t np = (uint16_t)c_int(&c, 2);
	if (c.bad)
		return resp_invalid(s, "STMT_PREPARE's OK too short");
	c_int(&c, 1);
	if (c.n >= 2)
		x->warnings = (uint16_t)c_int(&c, 2);
	x->stmt_id = id;
	x->has_stmt = 1;
	x->nparams = np;
	x->columns = nc;
	s->rs_ncols = nc;
	s->rs_left = np;
	result(s, K_PREPARED, 0);
	x->has_rows = 0;
	s->rs = np ? RS_PARAMS : RS_PARAMS_END;
	if (!np) {
		s->rs_left = nc;
		s->rs = nc ? RS_PCOLS : RS_PCOLS_END;
		if (!nc)
			resp_end(s);
	}
	return 0;
}

/* After a block of definitions (prepare's parameters or columns, or a result's columns): an
 * EOF when the connection has them. 1 if pk was that EOF, 0 if not, -1 invalid. */
static int defs_eof(struct my *s, const struct pkt *pk)
{
	if (s->eof_mode == 1) {
		if (!is_eof(pk))
			return resp_invalid(s, "an EOF packet expected after definitions");
		return 1;
	}
	if (s->eof_mode < 0 && is_eof(pk) && (pk->len == 5 || pk->len == 1)) {
		s->eof_mode = 1; /* learnt: an OK is never 5 bytes long */
		return 1;
	}
	if (s->eof_mode < 0 && !is_terminator(pk))
		s->eof_mode = 0; /* a row or a definition right after the definitions */
	return 0;
}

/* One payload of the server's answer. 0, or -1 when it was not taken (invalid). */
static int resp_packet(struct my *s, const struct pkt *pk)
{
	struct tt_txn *t = s->rt;
	struct mx *x = X(t);
	if (!s->rs_seq_any && pk->seq0 != s->rs_seq) {
		if (s->eof_mode < 0 && (s->rs == RS_PARAMS_END || s->rs == RS_PCOLS_END)) {
			/* no EOF after the prepare's definitions (DEPRECATE_EOF, learnt): the
			 * answer was over, this packet answers the next command */
			s->eof_mode = 0;
			resp_end(s);
			return srv_payload(s, pk);
		}
		return resp_invalid(s, "packet out of sequence");
	}
	s->rs_seq_any = 0;
	s->rs_seq = (uint8_t)(pk->seq + 1);
	msg_from(&t->resp, pk, s->ch->ts);
	if (pk->gap)
		t->flags |= TT_TXN_GAP;
	if (!pk->n) {
		if (pk->len && (s->rs == RS_ROWS || s->rs == RS_STREAM)) {
			s->rs_left++; /* a row whose first bytes were lost */
			return 0;
		}
		if (pk->len) {
			dir_lost(s, dir_of(s, s->req_dir ^ 1), 1, NULL);
			return -1;
		}
		return resp_invalid(s, "empty packet");
	}
	uint8_t b = pk->p[0];
	int xp = expects(x->cmd);
	switch (s->rs) {
	case RS_AUTH:
		if (b == 0xff) {
			if (err_packet(s, pk)) {
				result(s, K_ERR, 0);
				resp_end(s);
			}
			return 0;
		}
		return auth_packet(s, pk);
	case RS_FIRST:
		if (b == 0xff) {
			if (err_packet(s, pk)) {
				result(s, K_ERR, 0);
				resp_end(s);
			}
			return 0;
		}
		switch (xp) {
		case XP_PREPARE:
			if (b != 0x00)
				return resp_invalid(s, "unexpected answer to STMT_PREPARE");
			return prepare_ok(s, pk);
		case XP_STRING:
			set_wire(t, &x->info, pk->p, pk->n, 256);
			result(s, K_STRING, 0);
			resp_end(s);
			return 0;
		case XP_RESULT:
			if (b == 0x00) {
				uint64_t aff;
				uint16_t st = ok_packet(s, pk, &aff);
				result(s, K_OK, aff);
				result_next(s, st);
				return 0;
			}
			if (b == 0xfb && x->cmd == COM_QUERY) { /* LOCAL INFILE: the client sends */
				set_strf(t, &x->info, "LOCAL INFILE %.*s",
					 (int)(pk->n - 1 < 200 ? pk->n - 1 : 200),
					 (const char *)pk->p + 1);
				s->cs = CS_INFILE;
				return 0;
			}
			if (is_eof(pk))
				return resp_invalid(s, "unexpected EOF packet");
			return result_start(s, pk);
		default: /* XP_OK */
			if (b == 0x00) {
				uint64_t aff;
				ok_packet(s, pk, &aff);
				result(s, K_OK, aff);
				resp_end(s);
				return 0;
			}
			if (is_eof(pk)) {
				eof_packet(s, pk);
				result(s, K_OK, 0);
				resp_end(s);
				return 0;
			}
			return resp_invalid(s, "unexpected answer");
		}
	case RS_COLS:
		if (b == 0xff) {
			if (err_packet(s, pk)) {
				result(s, K_ERR, 0);
				resp_end(s);
			}
			return 0;
		}
		if (!coldef_ok(pk))
			return resp_invalid(s, "column definition expected");
		if (!--s->rs_left)
			s->rs = RS_COLS_END;
		return 0;
	case RS_COLS_END: {
		int e = defs_eof(s, pk);
		if (e < 0)
			return -1;
		rows_start(s);
		if (e) {
			uint16_t st = eof_packet(s, pk);
			if (st & ST_CURSOR_EXISTS) { /* EXECUTE opened a cursor: rows by FETCH */
				result(s, K_CURSOR, 0);
				result_next(s, st);
			}
			return 0;
		}
		return rows_packet(s, pk);
	}
	case RS_ROWS:
		return rows_packet(s, pk);
	case RS_PARAMS:
	case RS_PCOLS:
		if (!coldef_ok(pk))
			return resp_invalid(s, "definition expected");
		if (--s->rs_left)
			return 0;
		if (s->rs == RS_PARAMS) {
			s->rs = RS_PARAMS_END;
			if (s->eof_mode == 0 && !s->rs_ncols)
				resp_end(s);
			else if (s->eof_mode == 0) {
				s->rs = RS_PCOLS;
				s->rs_left = s->rs_ncols;
			}
		} else {
			s->rs = RS_PCOLS_END;
			if (s->eof_mode == 0)
				resp_end(s);
		}
		return 0;
	case RS_PARAMS_END:
	case RS_PCOLS_END: {
		int e = defs_eof(s, pk);
		if (e < 0)
			return -1;
		if (!e && s->rs == RS_PCOLS_END)
			return resp_invalid(s, "more definitions than announced");
		if (s->rs == RS_PARAMS_END && s->rs_ncols) {
			s->rs = RS_PCOLS;
			s->rs_left = s->rs_ncols;
			if (!e) { /* this is the first column's definition */
				if (!coldef_ok(pk))
					return resp_invalid(s, "definition expected");
				if (!--s->rs_left) {
					s->rs = RS_PCOLS_END;
					if (s->eof_mode == 0)
						resp_end(s);
				}
			}
			return 0;
		}
		if (!e)
			return resp_invalid(s, "more definitions than announced");
		resp_end(s);
		return 0;
	}
	case RS_FIELDS:
		if (b == 0xff) {
			if (err_packet(s, pk)) {
				result(s, K_ERR, 0);
				resp_end(s);
			}
			return 0;
		}
		if (is_terminator(pk)) {
			eof_packet(s, pk);
			result(s, K_ROWS, 0);
			x->has_rows = 0;
			resp_end(s);
			return 0;
		}
		x->columns++;
		return 0;
	case RS_STREAM:
		if (b == 0xff) {
			if (err_packet(s, pk)) {
				result(s, K_ERR, s->rs_left);
				resp_end(s);
			}
			return 0;
		}
		if (is_eof(pk)) {
			result(s, K_STREAM, s->rs_left);
			resp_end(s);
			return 0;
		}
		s->rs_left++;
		return 0;
	}
	return resp_invalid(s, "unexpected packet");
}

/* Where an answer's reading starts, for its command. */
static void resp_begin(struct my *s, struct tt_txn *t)
{
	struct mx *x = X(t);
	s->rt = t;
	s->rs_seq = (uint8_t)(x->req_seq + 1);
	s->rs_left = 0;
	switch (expects(x->cmd)) {
	case XP_AUTH:
		s->rs = RS_AUTH;
		break;
	case XP_FETCH:
		rows_start(s);
		break;
	case XP_STREAM:
		s->rs = RS_STREAM;
		break;
	case XP_FIELDS:
		s->rs = RS_FIELDS;
		break;
	default:
		s->rs = RS_FIRST;
		break;
	}
}

/* The answer being read is over: what it changes in the session, then it goes. */
static void resp_end(struct my *s)
{
	struct tt_txn *t = s->rt;
	if (!t)
		return;
	struct mx *x = X(t);
	t->resp.complete = t->resp.done = 1;
	s->rt = NULL;
	s->cs = CS_CMD;
	int ok = x->kind != K_ERR;
	switch (x->cmd) {
	case CMD_CONNECT:
		if (!ok) {
			s->phase = PH_OFF; /* the server closes the connection */
			break;
		}
		s->phase = PH_CMD;
		if (caps(s) & CAP_COMPRESS) { /* both directions compressed from the next byte */
			for (int i = 0; i < 2; i++) {
				s->d[i].z = 1;
				s->d[i].zsync = 1;
			}
		} else if (caps(s) & CAP_ZSTD) { /* MySQL 8's zstd compression: not decoded */
			s->phase = PH_OFF;
			x->zstd = 1;
		}
		break;
	case COM_STMT_PREPARE:
		if (ok && x->has_stmt)
			stmt_put(s, x->stmt_id, t, x->nparams, (uint16_t)x->columns);
		if (!ok)
			s->have_last = 0;
		deferred_done(s, ok && x->has_stmt ? stmt_get(s, x->stmt_id) : NULL);
		break;
	case COM_CHANGE_USER:
	case COM_RESET_CONNECTION:
		if (ok)
			stmts_clear(s); /* the server closed them all */
		break;
	default:
		break;
	}
	if (s->rt_orphan) {
		s->rt_orphan = 0;
		emit_now(s, t);
	} else {
		flush(s);
	}
}

/* A server payload when no command waits: an ERR the server sends before it closes (idle
 * timeout, shutdown, kill), or an OK or ERR answering a command that was lost, is shown without
 * a request; anything else cannot be read without its command. */
static int orphan(struct my *s, const struct pkt *pk)
{
	int err = pk->n && pk->p[0] == 0xff && pk->seq0 <= 1;
	int ok = pk->n && pk->p[0] == 0x00 && pk->seq0 == 1 && pk->len >= 7 && pk->len < 1024;
	if (!err && !ok)
		return -1;
	struct tt_txn *t = txn_new(s, CMD_NONE, pk->pid, pk->tid);
	if (!t)
		return 0;
	t->flags |= TT_TXN_NO_REQUEST;
	t->req.done = 1;
	s->rt = t;
	s->rt_orphan = 1;
	s->rs = RS_FIRST;
	s->rs_seq = pk->seq0;
	return resp_packet(s, pk);
}

/* --- the server's payloads -------------------------------------------------------------------- */

/* The server's greeting (HandshakeV10): version, connection id, capabilities. */
static int greeting(struct my *s, const struct pkt *pk)
{
	struct cur c = {pk->p + 1, pk->n - 1, 0};
	size_t vl;
	const uint8_t *v = c_strnul(&c, &vl, 1);
	uint32_t id = (uint32_t)c_int(&c, 4);
	c_bytes(&c, 9); /* scramble part 1 and a filler */
	uint64_t cp = c_int(&c, 2);
	if (c.bad || vl > 60)
		return -1;
	if (c.n >= 16) {
		c_int(&c, 3); /* charset, status */
		cp |= c_int(&c, 2) << 16;
		c_int(&c, 1);
		c_bytes(&c, 6);
		uint64_t ext = c_int(&c, 4);
		if (!(cp & CAP_MYSQL))
			cp |= ext << 32; /* MariaDB */
	}
	memcpy(s->version, v, vl);
	s->version[vl] = 0;
	s->conn_id = id;
	s->srv_caps = cp;
	s->phase = PH_AUTH;
	s->stmts_all = 1;
	return 0;
}

static int srv_payload(struct my *s, const struct pkt *pk)
{
	if (s->phase == PH_INIT) {
		if (pk->seq0 == 0 && pk->n && pk->p[0] == 10)
			return greeting(s, pk);
		if (pk->seq0 == 0 && pk->n && pk->p[0] == 0xff) { /* refused: too many, host... */
			struct tt_txn *t = txn_new(s, CMD_CONNECT, pk->pid, pk->tid);
			if (!t)
				return 0;
			set_op(t, "CONNECT");
			t->flags |= TT_TXN_NO_REQUEST;
			t->req.done = 1;
			s->rt = t;
			s->rt_orphan = 1;
			s->rs = RS_AUTH;
			s->rs_seq = 0;
			int r = resp_packet(s, pk);
			s->phase = PH_OFF;
			return r;
		}
		s->phase = PH_CMD; /* recorded mid-connection */
		s->mid_pending = 1;
	}
	if (!s->rt) {
		int skipped = 0;
		struct tt_txn *t = tt_pair_response(&s->pq, &skipped);
		if (!t)
			return orphan(s, pk);
		resp_begin(s, t);
	}
	return resp_packet(s, pk);
}

/* --- the client's payloads -------------------------------------------------------------------- */

static void req_msg(struct my *s, struct tt_txn *t, const struct pkt *pk)
{
	msg_from(&t->req, pk, s->ch->ts);
	t->req.complete = t->req.done = 1;
	if (pk->gap)
		t->flags |= TT_TXN_GAP;
	X(t)->req_seq = pk->seq;
	X(t)->packets = pk->parts;
}

/* Queues t, a request; it goes at once when nothing answers it. */
static void req_queue(struct my *s, struct tt_txn *t)
{
	if (X(t)->no_reply) {
		t->resp.done = t->resp.complete = 1;
		if (!s->pq.n) {
			emit_now(s, t);
			return;
		}
	}
	if (tt_pair_request(&s->pq, t, s->rt != NULL, &s->rt, NULL) < 0) {
		tt_txn_free(t);
		return;
	}
	flush(s);
}

/* HandshakeResponse (or SSLRequest): user, database; never the auth data. */
static int login(struct my *s, const struct pkt *pk)
{
	struct cur c = {pk->p, pk->n, 0};
	uint64_t cc = c_int(&c, 2);
	int v41 = (cc & CAP_PROTOCOL_41) != 0;
	if (v41) {
		cc |= c_int(&c, 2) << 16;
		c_int(&c, 4); /* max packet */
		c_int(&c, 1); /* charset */
		c_bytes(&c, 19);
		uint64_t ext = c_int(&c, 4);
		if (!(cc & CAP_MYSQL))
			cc |= ext << 32;
	} else {
		c_int(&c, 3);
	}
	if (c.bad)
		return -1;
	s->cli_caps = cc;
	s->caps_known = 1;
	s->eof_mode = caps(s) & CAP_DEPRECATE_EOF ? 0 : 1;
	if (cc & CAP_SSL && !c.n) { /* SSLRequest: TLS from the next byte */
		struct tt_txn *t = txn_new(s, CMD_TLS, pk->pid, pk->tid);
		if (t) {
			set_op(t, "TLS");
			set_wire(t, &X(t)->server_version, (const uint8_t *)s->version,
				 strlen(s->version), 64);
			X(t)->conn_id = s->conn_id;
			req_msg(s, t, pk);
			X(t)->no_reply = 1;
			req_queue(s, t);
		}
		s->phase = PH_OFF;
		return 0;
	}
	struct tt_txn *t = txn_new(s, CMD_CONNECT, pk->pid, pk->tid);
	if (!t)
		return 0;
	struct mx *x = X(t);
	set_op(t, "CONNECT");
	size_t ul, dl = 0, pl = 0;
	const uint8_t *user = c_strnul(&c, &ul, 0), *db = NULL, *plugin = NULL;
	if (v41) {
		if (cc & CAP_AUTH_LENENC)
			c_strlenenc(&c, &pl);
		else if (cc & CAP_SECURE_CONN)
			c_bytes(&c, c_int(&c, 1));
		else
			c_strnul(&c, &pl, 0);
		if (cc & CAP_CONNECT_WITH_DB && !c.bad)
			db = c_strnul(&c, &dl, 0);
		if (cc & CAP_PLUGIN_AUTH && !c.bad)
			plugin = c_strnul(&c, &pl, 0);
	} else if (cc & CAP_CONNECT_WITH_DB) {
		c_strnul(&c, &pl, 0);
		db = c_strnul(&c, &dl, 0);
	}
	set_wire(t, &x->user, user, ul, 128);
	if (db && dl && !c.bad)
		set_wire(t, &x->database, db, dl, 128);
	if (plugin && pl && !c.bad)
		set_strf(t, &x->info, "auth plugin %.*s", (int)(pl < 64 ? pl : 64),
			 (const char *)plugin);
	char tg[300];
	int k = snprintf(tg, sizeof(tg), "user=%s%s%s", x->user ? x->user : "",
			 x->database ? " db=" : "", x->database ? x->database : "");
	tt_txn_set_str(t, &t->target, tg, (size_t)k < sizeof(tg) ? (size_t)k : sizeof(tg) - 1);
	if (s->version[0])
		set_wire(t, &x->server_version, (const uint8_t *)s->version, strlen(s->version),
			 64);
	x->conn_id = s->conn_id;
	x->compressed = (caps(s) & CAP_COMPRESS) != 0;
	req_msg(s, t, pk);
	req_queue(s, t);
	return 0;
}

/* A command (sequence 0). */
static int command(struct my *s, const struct pkt *pk)
{
	uint8_t b = pk->p[0];
	struct tt_txn *t = txn_new(s, b, pk->pid, pk->tid);
	if (!t)
		return 0;
	struct mx *x = X(t);
	req_msg(s, t, pk);
	struct cur c = {pk->p + 1, pk->n - 1, 0};
	const char *name = cmd_names[b];
	char nb[16];
	if (!name) {
		snprintf(nb, sizeof(nb), "COM_0x%02x", b);
		name = nb;
	}
	switch (b) {
	case COM_QUERY: {
		if (caps(s) & CAP_QUERY_ATTRIBUTES) { /* MySQL 8: attributes before the SQL */
			uint64_t n = c_lenenc(&c, NULL);
			c_lenenc(&c, NULL);
			if (n && !c.bad) {
				set_op(t, "QUERY");
				tt_txn_set_str(t, &t->target, "(query attributes: not decoded)",
					       31);
				break;
			}
		}
		set_sql(s, t, c.p, c.n, pk->len - (uint64_t)(c.p - pk->p));
		break;
	}
	case COM_STMT_PREPARE:
		set_sql(s, t, c.p, c.n, pk->len - 1);
		set_op(t, name);
		break;
	case COM_INIT_DB:
	case COM_CREATE_DB:
	case COM_DROP_DB:
		set_op(t, name);
		set_wire(t, &t->target, c.p, c.n, 256);
		if (b == COM_INIT_DB)
			set_wire(t, &x->database, c.p, c.n, 128);
		break;
	case COM_FIELD_LIST: {
		size_t l;
		const uint8_t *tab = c_strnul(&c, &l, 0);
		set_op(t, name);
		set_wire(t, &t->target, tab, l, 256);
		break;
	}
	case COM_SET_OPTION: {
		uint16_t opt = (uint16_t)c_int(&c, 2);
		set_op(t, name);
		if (!c.bad)
			set_strf(t, &t->target, "%s",
				 opt == 0   ? "MULTI_STATEMENTS_ON"
				 : opt == 1 ? "MULTI_STATEMENTS_OFF"
					    : "?");
		break;
	}
	case COM_PROCESS_KILL: {
		uint32_t id = (uint32_t)c_int(&c, 4);
		set_op(t, name);
		if (!c.bad)
			set_strf(t, &t->target, "%u", id);
		break;
	}
	case COM_CHANGE_USER: {
		size_t ul, dl = 0, al;
		const uint8_t *user = c_strnul(&c, &ul, 0), *db = NULL;
		if (caps(s) & CAP_SECURE_CONN || !s->caps_known)
			c_bytes(&c, c_int(&c, 1));
		else
			c_strnul(&c, &al, 0);
		if (!c.bad)
			db = c_strnul(&c, &dl, 0);
		set_op(t, name);
		set_wire(t, &x->user, user, ul, 128);
		if (db && !c.bad && dl)
			set_wire(t, &x->database, db, dl, 128);
		char tg[300];
		int k = snprintf(tg, sizeof(tg), "user=%s%s%s", x->user ? x->user : "",
				 x->database ? " db=" : "", x->database ? x->database : "");
		tt_txn_set_str(t, &t->target, tg,
			       (size_t)k < sizeof(tg) ? (size_t)k : sizeof(tg) - 1);
		break;
	}
	case COM_STMT_EXECUTE:
	case COM_STMT_BULK_EXECUTE:
		exec_request(s, t, pk);
		break;
	case COM_STMT_CLOSE:
	case COM_STMT_RESET:
	case COM_STMT_FETCH:
	case COM_STMT_SEND_LONG_DATA: {
		uint32_t id = (uint32_t)c_int(&c, 4);
		set_op(t, name);
		if (c.bad) {
			t->error = "shorter than its statement id";
			t->flags |= TT_TXN_BROKEN;
			break;
		}
		x->stmt_id = id;
		x->has_stmt = 1;
		struct stmt *st =
		    stmt_get(s, id == UINT32_MAX && s->have_last ? s->last_prepared : id);
		if (st) {
			tt_txn_set_str(t, &t->target, st->sql, st->sql_len);
			x->has_sql = 1;
		} else {
			set_strf(t, &t->target, "stmt %d (unknown: %s)", (int)id,
				 stmt_unknown_why(s, id));
		}
		if (b == COM_STMT_SEND_LONG_DATA) {
			uint16_t p = (uint16_t)c_int(&c, 2);
			x->extra_bytes = pk->len > 7 ? pk->len - 7 : 0;
			if (st && !c.bad && p < 64)
				st->long_data |= 1ull << p;
		} else if (b == COM_STMT_RESET && st) {
			st->long_data = 0;
		} else if (b == COM_STMT_CLOSE) {
			stmt_del(s, id);
		}
		break;
	}
	default:
		set_op(t, name);
		break;
	}
	if (expects(b) == XP_NONE)
		x->no_reply = 1;
	req_queue(s, t);
	return 0;
}

static int cli_payload(struct my *s, const struct pkt *pk)
{
	if (s->phase == PH_INIT) {
		if (pk->seq0 != 0 || !pk->n || !cmd_known(pk->p[0]))
			return -1;
		s->phase = PH_CMD; /* recorded mid-connection */
		s->mid_pending = 1;
	}
	if (s->phase == PH_AUTH && !s->rt && !s->pq.n) {
		if (pk->seq0 != 1)
			return -1;
		return login(s, pk);
	}
	/* packets of the exchange being answered: auth data, LOCAL INFILE data */
	if (s->rt && (s->rs == RS_AUTH || s->cs == CS_INFILE) && pk->seq0 != 0) {
		if (!s->rs_seq_any && pk->seq0 != s->rs_seq) {
			if (!s->rt->error)
				s->rt->error = "packet out of sequence";
			dir_lost(s, dir_of(s, s->req_dir), 0, NULL);
			return -1;
		}
		s->rs_seq_any = 0;
		s->rs_seq = (uint8_t)(pk->seq + 1);
		struct tt_txn *t = s->rt;
		t->req.wire_bytes += pk->len + 4ull * pk->parts;
		if (s->cs == CS_INFILE) {
			X(t)->extra_bytes += pk->len;
			if (!pk->len)
				s->cs = CS_CMD;
		}
		return 0;
	}
	if (pk->seq0 != 0 || !pk->n) {
		s->cs = CS_CMD;
		dir_lost(s, dir_of(s, s->req_dir), 0, NULL);
		return -1;
	}
	return command(s, pk);
}

/* --- looking for the stream's place ----------------------------------------------------------- */

/* The first answer packet's plausible first bytes for the command t waits for. */
static int resp_first_ok(const struct tt_txn *t, uint8_t b)
{
	switch (expects(XC(t)->cmd)) {
	case XP_RESULT:
		return b == 0x00 || b == 0xff || b == 0xfb || (b >= 1 && b <= 0xfc);
	case XP_PREPARE:
		return b == 0x00 || b == 0xff;
	case XP_FETCH:
	case XP_STREAM:
		return b == 0x00 || b == 0xff || b == 0xfe;
	case XP_FIELDS:
		return b == 0x03 || b == 0xff || b == 0xfe;
	case XP_AUTH:
		return b == 0x00 || b == 0xff || b == 0xfe || b == 0x01;
	case XP_STRING:
		return b >= 0x20 && b < 0x7f;
	default:
		return b == 0x00 || b == 0xff || b == 0xfe;
	}
}

/* The queued txn the server answers next, or NULL. */
static const struct tt_txn *waiting(const struct my *s)
{
	for (size_t i = 0; i < s->pq.n; i++)
		if (!s->pq.q[i]->resp.done)
			return s->pq.q[i];
	return NULL;
}

/* Could a payload start here: header (plen, seq) and, b >= 0, its first byte. */
static int probe_ok(struct my *s, struct mdir *d, uint32_t plen, uint8_t seq, int b)
{
	int server = s->req_dir >= 0 ? d->dir != s->req_dir : -1;
	int may_srv = server != 0, may_cli = server != 1;
	int ok = 0;
	if (may_srv) {
		if (s->phase == PH_INIT && seq == 0 && plen >= 1 && plen < 1024)
			ok |= b < 0 || b == 10 || b == 0xff;
		const struct tt_txn *t = waiting(s);
		if (t && !s->rt && seq == (uint8_t)(XC(t)->req_seq + 1) && plen >= 1)
			ok |= b < 0 || resp_first_ok(t, (uint8_t)b);
	}
	if (may_cli) {
		if (s->phase == PH_AUTH && seq == 1 && plen >= 6)
			ok |= 1;
		if (seq == 0 && plen >= 1 && plen < 0xffffff)
			ok |= b < 0 || cmd_known((uint8_t)b);
	}
	return ok;
}

/* --- packets ---------------------------------------------------------------------------------- */

static void frame_reset(struct mdir *d)
{
	d->hdr_len = 0;
	d->in_pkt = 0;
	d->more = 0;
	d->last_full = 0;
	d->checked = 0;
	d->total = 0;
	d->parts = 0;
	d->gap = 0;
	d->acc_stop = 0;
	tt_buf_reset(&d->acc);
}

/* Bytes not parsed: counted once the stream had its place (before, what the recording holds
 * depends on how detection cut it: the first transaction says "mid-connection" instead). */
static void skip(struct my *s, uint64_t n)
{
	if (s->placed)
		s->skipped += n;
}

/* The probe at a candidate place failed: skip to the next turn. */
static void probe_fail(struct my *s, struct mdir *d)
{
	skip(s, d->total + 4ull * d->parts);
	d->probe = 0;
	d->sync = 0;
	frame_reset(d);
}

/* The direction lost its place (gap: bytes were lost; else they did not parse). */
static void dir_lost(struct my *s, struct mdir *d, int gap, const char *why)
{
	d->sync = 0;
	d->probe = 0;
	d->cand = 0;
	frame_reset(d);
	uint64_t ts = s->ch ? s->ch->ts : 0;
	if (s->req_dir < 0)
		return;
	if (d->dir == s->req_dir) {
		tt_pair_requests_lost(&s->pq);
		if (s->rt && (s->rs == RS_AUTH || s->cs == CS_INFILE))
			s->rs_seq_any = 1; /* the exchange's client packets may be lost */
		if (gap && s->rt && s->cs == CS_INFILE) {
			s->rt->flags |= TT_TXN_GAP;
			s->rt->req.gap = 1;
		}
		s->cs = CS_CMD;
	} else {
		struct tt_txn *t = s->rt;
		if (t) {
			t->resp.done = 1;
			if (gap) {
				t->resp.gap = 1;
				t->flags |= TT_TXN_GAP;
			} else {
				t->flags |= TT_TXN_BROKEN;
				if (!t->error)
					t->error = why ? why : "answer did not parse";
			}
			s->rt = NULL;
			if (s->rt_orphan) {
				s->rt_orphan = 0;
				emit_now(s, t);
			}
		}
		tt_pair_responses_lost(&s->pq, ts, gap);
		s->cs = CS_CMD;
	}
	flush(s);
}

/* A whole payload was read. */
static void deliver(struct my *s, struct mdir *d, const uint8_t *p, size_t n)
{
	struct pkt pk = {.p = p ? p : (const uint8_t *)"",
			 .n = n,
			 .len = d->total,
			 .seq0 = d->seq0,
			 .seq = d->seq,
			 .parts = d->parts,
			 .gap = d->gap,
			 .ts0 = d->ts0,
			 .pid = d->pid,
			 .tid = d->tid};
	int probing = d->probe;
	if (s->req_dir < 0) { /* whose packets are these? */
		if (pk.seq0 == 0 && n && p[0] == 10 && s->phase == PH_INIT)
			s->req_dir = d->dir ^ 1;
		else if (pk.seq0 == 0 && n && cmd_known(p[0]))
			s->req_dir = d->dir;
		else {
			if (probing)
				probe_fail(s, d);
			else
				skip(s, pk.len + 4ull * pk.parts);
			return;
		}
	}
	d->total = 0;
	d->parts = 0;
	d->gap = 0;
	d->acc_stop = 0;
	tt_buf_reset(&d->acc);
	s->reported = 0;
	int r = d->dir == s->req_dir ? cli_payload(s, &pk) : srv_payload(s, &pk);
	if (r < 0 && s->reported)
		pk.len = pk.parts = 0; /* counted where it was reported */
	if (probing) {
		if (r == 0 && d->probe) {
			d->probe = 0;
			d->sync = 1;
			s->placed = 1;
		} else if (r < 0) {
			skip(s, pk.len + 4ull * pk.parts);
			d->probe = 0;
			d->sync = 0;
			frame_reset(d);
		}
	} else if (r < 0) {
		skip(s, pk.len + 4ull * pk.parts);
		if (d->sync) /* not what this place allows: look for the next one */
			dir_lost(s, d, 0, NULL);
	}
}

/* Frames packets from n bytes at p: returns how many it used (it stops after each payload, so
 * that a change of layer — compression, TLS — applies to the very next byte). */
static size_t pk_step(struct my *s, struct mdir *d, const uint8_t *p, size_t n)
{
	if (!d->sync && !d->probe) {
		if (!d->cand) {
			skip(s, n);
			return n;
		}
		d->cand = 0;
		d->probe = 1;
		frame_reset(d);
	}
	size_t used = 0;
	if (!d->in_pkt) {
		while (d->hdr_len < 4 && used < n)
			d->hdr[d->hdr_len++] = p[used++];
		if (d->hdr_len < 4)
			return used;
		uint32_t plen = u24(d->hdr);
		uint8_t seq = d->hdr[3];
		d->hdr_len = 0;
		if (!d->more) {
			d->total = 0;
			d->parts = 0;
			d->gap = 0;
			d->acc_stop = 0;
			d->checked = 0;
			tt_buf_reset(&d->acc);
			d->seq0 = seq;
			d->ts0 = s->ch->ts;
			d->pid = s->ch->pid;
			d->tid = s->ch->tid;
			if (d->probe && !probe_ok(s, d, plen, seq, -1)) {
				skip(s, 4);
				d->probe = 0;
				frame_reset(d);
				return used;
			}
		} else if (seq != (uint8_t)(d->seq + 1)) {
			skip(s, 4 + d->total);
			if (d->probe)
				probe_fail(s, d);
			else
				dir_lost(s, d, 0,
					 "a 16 MiB payload's next packet is out of sequence");
			return used;
		}
		d->seq = seq;
		d->parts++;
		d->left = plen;
		d->in_pkt = 1;
		d->last_full = plen == 0xffffff;
		d->more = 0;
		if (!plen) {
			d->in_pkt = 0;
			if (d->probe && !d->checked && !d->total) {
				probe_fail(s, d); /* an empty first packet is no place to start */
				return used;
			}
			deliver(s, d, tt_buf_data(&d->acc), tt_buf_len(&d->acc));
			return used;
		}
	}
	size_t take = n - used < d->left ? n - used : d->left;
	const uint8_t *q = p + used;
	if (!take)
		return used;
	if (d->probe && !d->checked && !d->total) {
		if (!probe_ok(s, d, d->left, d->seq0, q[0])) {
			probe_fail(s, d);
			return used;
		}
		d->checked = 1;
	}
	if (take == d->left && d->parts == 1 && !d->last_full && !d->total && !d->gap) {
		/* the whole payload is here: no copy */
		d->total = take;
		d->left = 0;
		d->in_pkt = 0;
		deliver(s, d, q, take);
		return used + take;
	}
	if (!d->acc_stop && tt_buf_len(&d->acc) < TT_MYSQL_KEEP) {
		size_t room = TT_MYSQL_KEEP - tt_buf_len(&d->acc);
		if (tt_buf_append(&d->acc, q, take < room ? take : room) < 0)
			d->acc_stop = 1;
	}
	d->total += take;
	d->left -= (uint32_t)take;
	used += take;
	if (!d->left) {
		d->in_pkt = 0;
		if (d->last_full)
			d->more = 1;
		else
			deliver(s, d, tt_buf_data(&d->acc), tt_buf_len(&d->acc));
	}
	return used;
}

static void pk_feed(struct my *s, struct mdir *d, const uint8_t *p, size_t n)
{
	while (n) {
		if (s->phase == PH_OFF) {
			skip(s, n);
			return;
		}
		size_t u = pk_step(s, d, p, n);
		p += u;
		n -= u;
	}
}

/* Bytes of a packet's payload lost (len, or TT_LEN_UNKNOWN): stepped over when they fall inside
 * the packet being read, else the direction lost its place. */
static void pk_hole(struct my *s, struct mdir *d, uint64_t len)
{
	if (d->probe) {
		probe_fail(s, d);
		return;
	}
	if (d->sync && d->in_pkt && len != TT_LEN_UNKNOWN && len <= d->left) {
		d->left -= (uint32_t)len;
		d->total += len;
		d->gap = 1;
		d->acc_stop = 1;
		if (!d->left) {
			d->in_pkt = 0;
			if (d->last_full)
				d->more = 1;
			else
				deliver(s, d, tt_buf_data(&d->acc), tt_buf_len(&d->acc));
		}
		return;
	}
	dir_lost(s, d, 1, NULL); /* lost bytes are marked [gap], not counted as skipped */
}

/* --- compressed packets ----------------------------------------------------------------------- */

static void z_bad(struct my *s, struct mdir *d, const char *why)
{
	d->zskip = 1;
	struct tt_txn *t = s->rt;
	if (!t && d->dir != s->req_dir) /* the answer it held had not started */
		t = (struct tt_txn *)waiting(s);
	if (t && d->dir != s->req_dir && !t->error) {
		t->error = why;
		t->flags |= TT_TXN_BROKEN;
		if (!t->resp.seen && s->ch) { /* an answer came: it did not decode */
			t->resp.seen = 1;
			t->resp.ts_first = t->resp.ts_last = s->ch->ts;
			t->resp.pid = s->ch->pid;
			t->resp.tid = s->ch->tid;
		}
	}
	dir_lost(s, d, 0, why);
}

static void z_inflate(struct my *s, struct mdir *d, const uint8_t *p, size_t n)
{
	uint8_t out[16384];
	d->zs.next_in = (Bytef *)(uintptr_t)p;
	d->zs.avail_in = (uInt)n;
	for (;;) {
		d->zs.next_out = out;
		d->zs.avail_out = sizeof(out);
		int r = inflate(&d->zs, Z_NO_FLUSH);
		size_t got = sizeof(out) - d->zs.avail_out;
		d->zout += got;
		if (d->zout > d->zulen) {
			z_bad(s, d, "compressed packet larger than announced");
			return;
		}
		if (got)
			pk_feed(s, d, out, got);
		if (d->zskip)
			return;
		if (r == Z_STREAM_END) {
			if (d->zs.avail_in)
				z_bad(s, d, "bytes after a compressed packet's end");
			return;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			z_bad(s, d, "compressed packet does not decode");
			return;
		}
		if (!d->zs.avail_in && d->zs.avail_out)
			return;
		if (r == Z_BUF_ERROR && !got)
			return;
	}
}

/* Frames compressed packets: returns the bytes used (up to one packet's end). */
static size_t z_step(struct my *s, struct mdir *d, const uint8_t *p, size_t n)
{
	if (!d->zsync) {
		if (!d->zcand) {
			skip(s, n);
			return n;
		}
		d->zcand = 0;
		d->zsync = 1;
		d->zhdr_len = 0;
		d->zin = 0;
	}
	size_t used = 0;
	if (!d->zin) {
		while (d->zhdr_len < 7 && used < n)
			d->zhdr[d->zhdr_len++] = p[used++];
		if (d->zhdr_len < 7)
			return used;
		d->zhdr_len = 0;
		d->zleft = u24(d->zhdr);
		d->zulen = u24(d->zhdr + 4);
		d->zout = 0;
		d->zskip = 0;
		d->zin = 1;
		if (!d->sync && !d->probe)
			d->cand = 1; /* a compressed packet may start a command or an answer */
		if (d->zulen) {
			int r = d->zinit ? inflateReset(&d->zs) : inflateInit(&d->zs);
			if (r != Z_OK) {
				d->zskip = 1;
				dir_lost(s, d, 0, "zlib");
			}
			d->zinit = 1;
		}
		if (!d->zleft) {
			d->zin = 0;
			if (d->zulen)
				z_bad(s, d, "empty compressed packet");
			return used;
		}
	}
	size_t take = n - used < d->zleft ? n - used : d->zleft;
	const uint8_t *q = p + used;
	if (d->zskip)
		; /* the rest of a packet given up on (said on its transaction) */
	else if (!d->zulen)
		pk_feed(s, d, q, take);
	else
		z_inflate(s, d, q, take);
	d->zleft -= (uint32_t)take;
	used += take;
	if (!d->zleft) {
		d->zin = 0;
		if (d->zulen && !d->zskip && d->zout != d->zulen)
			z_bad(s, d, "compressed packet shorter than announced");
	}
	return used;
}

/* --- the session ------------------------------------------------------------------------------ */

static void dir_feed(struct my *s, struct mdir *d, const uint8_t *p, size_t n)
{
	while (n) {
		if (s->phase == PH_OFF) {
			skip(s, n);
			return;
		}
		size_t u = d->z ? z_step(s, d, p, n) : pk_step(s, d, p, n);
		p += u;
		n -= u;
	}
}

static void dir_hole(struct my *s, struct mdir *d, uint64_t len)
{
	if (s->phase == PH_OFF)
		return;
	if (!d->z) {
		pk_hole(s, d, len);
		return;
	}
	if (d->zsync && d->zin && len != TT_LEN_UNKNOWN && len <= d->zleft) {
		d->zleft -= (uint32_t)len;
		if (!d->zskip) {
			d->zskip = 1; /* the rest of this compressed packet is of no use */
			dir_lost(s, d, 1, NULL);
		}
		if (!d->zleft)
			d->zin = 0;
		return;
	}
	d->zsync = 0;
	d->zin = 0;
	d->zhdr_len = 0;
	dir_lost(s, d, 1, NULL);
}

static void *mysql_open(struct tt_proto_env *env, const struct tt_conn_info *ci,
			const struct tt_handover *from)
{
	(void)from;
	struct my *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->env = env;
	s->ci = ci;
	tt_pair_init(&s->pq, env, TT_MYSQL_QUEUE);
	tt_map64_init(&s->stmts, TT_MYSQL_MAX_STMTS);
	s->req_dir = tt_proto_client_dir(ci, NULL); /* never handed a connection */
	s->eof_mode = -1;
	for (int i = 0; i < 2; i++) {
		s->d[i].dir = i;
		s->d[i].turn = 1;
		tt_buf_init(&s->d[i].acc, TT_MYSQL_KEEP);
	}
	return s;
}

static void mysql_feed(void *sess, const struct tt_chunk *c)
{
	struct my *s = sess;
	if (c->dir != TT_DIR_EGRESS && c->dir != TT_DIR_INGRESS)
		return;
	struct mdir *d = dir_of(s, c->dir);
	s->ch = c;
	if (d->turn) { /* the other side spoke since: a command or an answer may start here */
		d->turn = 0;
		d->cand = 1;
		d->zcand = 1;
		if (d->probe && !d->z) /* what it was probing was older: start again here */
			probe_fail(s, d);
	}
	s->d[c->dir ^ 1].turn = 1;
	if (c->gap || !c->data)
		dir_hole(s, d, c->len);
	else
		dir_feed(s, d, c->data, (size_t)c->len);
	s->ch = NULL;
}

static void mysql_close(void *sess, uint64_t ts, int evicted)
{
	struct my *s = sess;
	if (!s)
		return;
	struct tt_chunk end = {.ts = ts};
	s->ch = &end;
	free(s->def_buf);
	s->def_buf = NULL;
	if (s->rt) {
		struct tt_txn *t = s->rt;
		s->rt = NULL;
		t->resp.done = 1;
		t->flags |= TT_TXN_BROKEN | (evicted ? TT_TXN_EVICTED : 0);
		if (s->rt_orphan)
			emit_now(s, t);
	}
	tt_pair_end(&s->pq, evicted);
	tt_pair_fini(&s->pq);
	stmts_clear(s);
	tt_map64_free(&s->stmts);
	for (int i = 0; i < 2; i++) {
		tt_buf_free(&s->d[i].acc);
		if (s->d[i].zinit)
			inflateEnd(&s->d[i].zs);
	}
	free(s);
}

/* --- detection -------------------------------------------------------------------------------- */

/* The server's greeting at p: 1 yes, 0 no, -1 more bytes would tell. */
static int detect_greeting(const uint8_t *p, size_t n)
{
	if (n < 5)
		return n >= 4 && (p[3] != 0 || u24(p) < 20 || u24(p) > 1024) ? 0 : -1;
	uint32_t plen = u24(p);
	if (p[3] != 0 || p[4] != 10 || plen < 20 || plen > 1024)
		return 0;
	for (size_t i = 5; i < n && i < 4 + plen; i++) {
		if (!p[i])
			return i > 5 && i - 5 <= 60 ? 1 : 0;
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return 0;
	}
	return n < 4 + plen && n < 70 ? -1 : 0;
}

/* A command at p: 2 (with its whole packet and a text argument), 1 (plausible), 0, -1 more. */
static int detect_command(const uint8_t *p, size_t n)
{
	if (n < 5)
		return n >= 4 && (p[3] != 0 || !u24(p)) ? 0 : -1;
	uint32_t plen = u24(p);
	uint8_t b = p[4];
	if (p[3] != 0 || !plen || !cmd_known(b))
		return 0;
	switch (b) {
	case COM_QUIT:
	case COM_PING:
	case COM_STATISTICS:
	case COM_PROCESS_INFO:
	case COM_RESET_CONNECTION:
		return plen == 1 ? (n == 5 ? 2 : 1) : 0;
	case COM_QUERY:
	case COM_STMT_PREPARE:
	case COM_INIT_DB: {
		if (plen < 2)
			return 0;
		if (n < 6)
			return -1;
		size_t k = n < 4 + (size_t)plen ? n : 4 + (size_t)plen;
		if (k > 64 + 5)
			k = 64 + 5;
		if (!is_text(p + 5, k - 5))
			return 0;
		/* an SQL text starts with a letter, a comment or a parenthesis */
		uint8_t c = p[5];
		if (b != COM_INIT_DB && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && c != '(' &&
		    c != '/' && c != ' ' && c != '\n' && c != '-' && c != '#')
			return 0;
		return n == 4 + (size_t)plen ? 2 : 1;
	}
	case COM_STMT_EXECUTE:
		return plen >= 10 ? 1 : 0;
	case COM_STMT_CLOSE:
	case COM_STMT_RESET:
		return plen == 5 ? 1 : 0;
	case COM_STMT_FETCH:
		return plen == 9 ? 1 : 0;
	default:
		return 1;
	}
}

/* An answer's first packet at p (sequence 1): OK, ERR, EOF or a column count. */
static int detect_answer(const uint8_t *p, size_t n)
{
	if (n < 5)
		return -1;
	uint32_t plen = u24(p);
	uint8_t b = p[4];
	if (p[3] != 1 || !plen)
		return 0;
	if (b == 0x00)
		return plen >= 7 && plen < 1024;
	if (b == 0xff)
		return plen >= 3 && plen < 1024;
	if (b == 0xfe)
		return plen < 9;
	return plen == 1 && b >= 1 && b < 0xfb; /* a column count */
}

static int mysql_detect(const struct tt_detect *dt)
{
	int more = 0, best = TT_DETECT_NO;
	int port = dt->ci && (dt->ci->local.port == 3306 || dt->ci->remote.port == 3306);
	int cmd = 0, ans = 0;
	for (int i = 0; i < 2; i++) {
		if (!dt->len[i])
			continue;
		int g = detect_greeting(dt->buf[i], dt->len[i]);
		if (g > 0)
			return 90;
		int c = detect_command(dt->buf[i], dt->len[i]);
		int a = detect_answer(dt->buf[i], dt->len[i]);
		if (g < 0 || c < 0)
			more = 1;
		if (c > cmd)
			cmd = c;
		if (a > 0)
			ans = 1;
		/* a refusal instead of a greeting: ERR with sequence 0 */
		if (dt->len[i] >= 5 && dt->buf[i][3] == 0 && dt->buf[i][4] == 0xff &&
		    u24(dt->buf[i]) >= 3 && u24(dt->buf[i]) < 512) {
			if (u24(dt->buf[i]) + 4 > dt->len[i])
				more = 1;
			else if (u24(dt->buf[i]) + 4 == dt->len[i] &&
				 is_text(dt->buf[i] + 7, dt->len[i] - 7))
				best = port ? 60 : 40;
		}
	}
	/* recorded mid-connection: a command, and an answer to it */
	if (cmd && ans)
		best = best > 75 ? best : 75;
	else if (cmd == 2)
		best = best > (port ? 55 : 35) ? best : (port ? 55 : 35);
	else if (cmd == 1 && port)
		best = best > 30 ? best : 30;
	else if (ans && port)
		best = best > 20 ? best : 20;
	if (best)
		return best;
	return more ? TT_DETECT_MORE : TT_DETECT_NO;
}

/* --- what the line says ----------------------------------------------------------------------- */

static void desc_plural(struct tt_desc *d, uint64_t n, const char *one, const char *many)
{
	tt_desc_u64(d, n);
	tt_desc_adds(d, n == 1 ? one : many);
}

/* One result's words. */
static void desc_result(struct tt_desc *d, const struct mx *x, int kind, uint64_t rows)
{
	switch (kind) {
	case K_OK:
		tt_desc_adds(d, "OK");
		if (rows) {
			tt_desc_adds(d, ", ");
			desc_plural(d, rows, " row affected", " rows affected");
		}
		break;
	case K_ROWS:
		if (x->cmd == COM_FIELD_LIST)
			desc_plural(d, x->columns, " column", " columns");
		else
			desc_plural(d, rows, " row", " rows");
		break;
	case K_CURSOR:
		tt_desc_adds(d, "cursor opened");
		break;
	case K_STREAM:
		desc_plural(d, rows, " event", " events");
		break;
	case K_PREPARED:
		tt_desc_adds(d, "stmt ");
		tt_desc_u64(d, x->stmt_id);
		tt_desc_adds(d, " (");
		desc_plural(d, x->nparams, " param, ", " params, ");
		desc_plural(d, x->columns, " column)", " columns)");
		break;
	case K_STRING:
		if (x->info)
			tt_desc_adds(d, x->info);
		break;
	case K_ERR:
		tt_desc_adds(d, "ERR ");
		tt_desc_u64(d, x->error_code);
		if (x->sqlstate[0]) {
			tt_desc_adds(d, " (");
			tt_desc_adds(d, x->sqlstate);
			tt_desc_adds(d, ")");
		}
		if (x->err_msg && *x->err_msg) {
			tt_desc_adds(d, " ");
			tt_desc_adds(d, x->err_msg);
		}
		break;
	}
}

static void mysql_describe(const struct tt_txn *t, struct tt_desc *d)
{
	const struct mx *x = XC(t);
	if (x->zstd) {
		static const char z[] = "[compressed with zstd: not decoded from here on]";
		memcpy(d->note, z, sizeof(z));
		d->note_len = sizeof(z) - 1;
	} else if (x->compressed) {
		memcpy(d->note, "[compressed]", 13);
		d->note_len = 12;
	}
	if (x->skipped || x->mid_conn) {
		int k = x->skipped
			    ? snprintf(d->note + d->note_len, sizeof(d->note) - d->note_len,
				       "%s[%llu bytes skipped before]", d->note_len ? " " : "",
				       (unsigned long long)x->skipped)
			    : snprintf(d->note + d->note_len, sizeof(d->note) - d->note_len,
				       "%s[recorded mid-connection]", d->note_len ? " " : "");
		if (k > 0)
			d->note_len += (size_t)k < sizeof(d->note) - d->note_len
					   ? (size_t)k
					   : sizeof(d->note) - d->note_len - 1;
	}
	if (x->cmd == CMD_TLS) {
		tt_desc_adds(d, "encrypted from here on (shown from the TLS plaintext when it was recorded)");
		d->tone = TT_TONE_REDIRECT;
		d->tone_len = d->len;
		return;
	}
	if (x->no_reply) {
		tt_desc_adds(d, "no reply expected");
		return;
	}
	if (!x->results) {
		if (t->resp.seen && x->cmd == COM_QUERY && x->info && !(t->flags & TT_TXN_BROKEN))
			tt_desc_adds(d, "LOCAL INFILE, no result");
		else if (t->resp.seen)
			tt_desc_adds(d, "(answer incomplete)");
		if (d->len) {
			d->tone = TT_TONE_MISSING;
			d->tone_len = d->len;
		}
		return; /* else (no response) */
	}
	if (x->results > 1) {
		tt_desc_u64(d, x->results);
		tt_desc_adds(d, " results: ");
		desc_result(d, x, x->first_kind, x->first_rows);
		tt_desc_adds(d, x->results > 2 ? ", …, " : ", ");
	}
	desc_result(d, x, x->kind, x->rows);
	if (x->cmd == CMD_CONNECT && x->kind == K_OK && x->server_version) {
		tt_desc_adds(d, ", server ");
		tt_desc_adds(d, x->server_version);
	}
	if (x->warnings && x->kind != K_ERR) {
		tt_desc_adds(d, ", ");
		desc_plural(d, x->warnings, " warning", " warnings");
	}
	d->tone = t->outcome == TT_OUTCOME_ERROR ? TT_TONE_ERROR : TT_TONE_OK;
	d->tone_len = d->len;
}

/* Appends s to buf at *o (cut at n - 1). */
static void put(char *buf, size_t n, size_t *o, const char *s, size_t l)
{
	if (*o + l > n - 1)
		l = n - 1 > *o ? n - 1 - *o : 0;
	memcpy(buf + *o, s, l);
	*o += l;
}

static void putf(char *buf, size_t n, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void putf(char *buf, size_t n, size_t *o, const char *fmt, ...)
{
	if (*o >= n - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *o, n - *o, fmt, ap);
	va_end(ap);
	if (k > 0)
		*o += (size_t)k < n - *o ? (size_t)k : n - *o - 1;
}

static size_t mysql_line(const struct tt_txn *t, enum tt_line which, char *buf, size_t n)
{
	const struct mx *x = XC(t);
	size_t o = 0;
	if (!n)
		return 0;
	if (which == TT_LINE_REQ) {
		const char *name = cmd_names[x->cmd];
		if (x->cmd == CMD_CONNECT) {
			putf(buf, n, &o, "HandshakeResponse user=%s", x->user ? x->user : "");
			if (x->database)
				putf(buf, n, &o, " db=%s", x->database);
			if (x->info && x->info[0] == 'a' && !strncmp(x->info, "auth plugin", 11))
				putf(buf, n, &o, " (%s)", x->info);
		} else if (x->cmd == CMD_TLS) {
			putf(buf, n, &o, "SSLRequest");
		} else {
			if (name && x->cmd != CMD_NONE)
				putf(buf, n, &o, "COM_%s", name);
			else
				putf(buf, n, &o, "COM_0x%02x", x->cmd);
			if (x->has_stmt)
				putf(buf, n, &o, " stmt %d", (int)x->stmt_id);
			if (t->target && (x->has_sql || !x->has_stmt)) {
				put(buf, n, &o, " ", 1);
				put(buf, n, &o, t->target, strlen(t->target));
			}
			if (x->params) {
				put(buf, n, &o, " params ", 8);
				put(buf, n, &o, x->params, strlen(x->params));
			}
			if (x->deferred || (x->params_cut && !x->params))
				putf(buf, n, &o, " params (not decoded)");
		}
		if (x->packets > 1)
			putf(buf, n, &o, " [%llu bytes in %u packets]",
			     (unsigned long long)(t->req.wire_bytes - 4ull * x->packets),
			     x->packets);
		if (x->extra_bytes && x->cmd == COM_STMT_SEND_LONG_DATA)
			putf(buf, n, &o, " [%llu bytes of data]",
			     (unsigned long long)x->extra_bytes);
		else if (x->extra_bytes)
			putf(buf, n, &o, " [LOCAL INFILE: %llu bytes sent]",
			     (unsigned long long)x->extra_bytes);
		buf[o] = 0;
		return o;
	}
	if (which == TT_LINE_INTERIM || !x->results) {
		if (which == TT_LINE_RESP && t->resp.seen && x->info)
			putf(buf, n, &o, "%s", x->info);
		buf[o] = 0;
		return o;
	}
	if (x->results > 1)
		putf(buf, n, &o, "%u results, rows in all=%llu; the last: ", x->results,
		     (unsigned long long)x->total_rows);
	switch (x->kind) {
	case K_OK:
		putf(buf, n, &o, "OK affected_rows=%llu insert_id=%llu warnings=%u status=0x%04x",
		     (unsigned long long)x->rows, (unsigned long long)x->insert_id, x->warnings,
		     x->status);
		break;
	case K_ROWS:
	case K_CURSOR:
	case K_STREAM:
		if (x->cmd == COM_FIELD_LIST)
			putf(buf, n, &o, "%u columns", x->columns);
		else if (x->cmd == COM_STMT_FETCH || x->kind == K_STREAM)
			putf(buf, n, &o, "%s=%llu warnings=%u status=0x%04x",
			     x->kind == K_STREAM ? "events" : "rows", (unsigned long long)x->rows,
			     x->warnings, x->status);
		else
			putf(buf, n, &o, "%s rows=%llu columns=%u warnings=%u status=0x%04x",
			     x->kind == K_CURSOR ? "cursor opened:" : "result set:",
			     (unsigned long long)x->rows, x->columns, x->warnings, x->status);
		break;
	case K_PREPARED:
		putf(buf, n, &o, "prepared: stmt=%u params=%u columns=%u warnings=%u", x->stmt_id,
		     x->nparams, x->columns, x->warnings);
		break;
	case K_STRING:
		putf(buf, n, &o, "%s", x->info ? x->info : "");
		break;
	case K_ERR:
		putf(buf, n, &o, "ERR %u (%s) %s", x->error_code, x->sqlstate,
		     x->err_msg ? x->err_msg : "");
		break;
	}
	if (x->cmd == CMD_CONNECT && x->kind == K_OK)
		putf(buf, n, &o, " server=%s conn_id=%u%s",
		     x->server_version ? x->server_version : "", x->conn_id,
		     x->compressed ? " compressed" : "");
	if (x->info && x->kind != K_STRING && x->cmd != CMD_CONNECT)
		putf(buf, n, &o, " info=%s", x->info);
	else if (x->info && x->cmd == CMD_CONNECT && !strncmp(x->info, "auth switch", 11))
		putf(buf, n, &o, " (%s)", x->info);
	buf[o] = 0;
	return o;
}

/* --- declared fields -------------------------------------------------------------------------- */

static int str_val(const char *s, struct tt_val *v)
{
	if (!s)
		return 0;
	v->s = s;
	v->len = strlen(s);
	return 1;
}

static int get_command(const struct tt_txn *t, struct tt_val *v)
{
	uint8_t c = XC(t)->cmd;
	return c != CMD_NONE && str_val(cmd_names[c], v);
}

static int get_conn_id(const struct tt_txn *t, struct tt_val *v)
{
	v->i = XC(t)->conn_id;
	return XC(t)->cmd == CMD_CONNECT || XC(t)->cmd == CMD_TLS;
}

static int get_query(const struct tt_txn *t, struct tt_val *v)
{
	return XC(t)->has_sql && str_val(t->target, v);
}

static int get_params(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(XC(t)->params, v);
}

static void json_params(const struct tt_txn *t, struct tt_wb *w)
{
	const char *p = XC(t)->params;
	tt_wb_put(w, p, strlen(p)); /* valid JSON: written by jb_*() */
}

static int get_stmt(const struct tt_txn *t, struct tt_val *v)
{
	v->i = XC(t)->stmt_id == UINT32_MAX ? -1 : (int64_t)XC(t)->stmt_id;
	return XC(t)->has_stmt;
}

/* Wire counters are 64-bit unsigned: JSON gets at most 2^63 - 1. */
static int64_t i64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static int get_rows(const struct tt_txn *t, struct tt_val *v)
{
	v->i = i64(XC(t)->rows);
	return XC(t)->has_rows;
}

static int get_columns(const struct tt_txn *t, struct tt_val *v)
{
	v->i = XC(t)->columns;
	return v->i != 0;
}

static int get_insert_id(const struct tt_txn *t, struct tt_val *v)
{
	v->i = i64(XC(t)->insert_id);
	return v->i != 0;
}

static int get_warnings(const struct tt_txn *t, struct tt_val *v)
{
	v->i = XC(t)->warnings;
	return v->i != 0;
}

static int get_results(const struct tt_txn *t, struct tt_val *v)
{
	v->i = XC(t)->results;
	return v->i > 1;
}

static int get_user(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(XC(t)->user, v);
}

static int get_database(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(XC(t)->database, v);
}

static int get_version(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(XC(t)->server_version, v);
}

static int get_info(const struct tt_txn *t, struct tt_val *v)
{
	return str_val(XC(t)->info, v);
}

static int get_compressed(const struct tt_txn *t, struct tt_val *v)
{
	v->i = 1;
	return XC(t)->compressed;
}

static int get_zstd(const struct tt_txn *t, struct tt_val *v)
{
	v->i = 1;
	return XC(t)->zstd;
}

static int get_mid(const struct tt_txn *t, struct tt_val *v)
{
	v->i = 1;
	return XC(t)->mid_conn;
}

static int get_skipped(const struct tt_txn *t, struct tt_val *v)
{
	v->i = i64(XC(t)->skipped);
	return v->i != 0;
}

static int get_error_code(const struct tt_txn *t, struct tt_val *v)
{
	v->i = XC(t)->error_code;
	return XC(t)->kind == K_ERR;
}

static int get_sqlstate(const struct tt_txn *t, struct tt_val *v)
{
	return XC(t)->kind == K_ERR && XC(t)->sqlstate[0] && str_val(XC(t)->sqlstate, v);
}

static int get_mysql_error(const struct tt_txn *t, struct tt_val *v)
{
	return XC(t)->kind == K_ERR && str_val(XC(t)->err_msg, v);
}

static const struct tt_field mysql_fields[] = {
    {"command", TT_FT_STR, TT_FJ_HEAD, TT_FJ_OMIT,
     "the command (QUERY, STMT_EXECUTE, PING...; CONNECT, TLS)", get_command},
    {"query", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "the SQL (white space normalised, cut)",
     get_query},
    {"params", TT_FT_RAW, TT_FJ_HEAD, TT_FJ_NULL, "a prepared statement's bound parameters",
     get_params, json_params},
    {"statement_id", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "prepared statement id", get_stmt},
    {"rows", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "rows returned (result set) or affected (OK)",
     get_rows},
    {"columns", TT_FT_INT, TT_FJ_HEAD, TT_FJ_OMIT, "columns of the result set", get_columns},
    {"results", TT_FT_INT, TT_FJ_HEAD, TT_FJ_OMIT, "results of a multi-statement answer",
     get_results},
    {"insert_id", TT_FT_INT, TT_FJ_HEAD, TT_FJ_OMIT, "last insert id", get_insert_id},
    {"warnings", TT_FT_INT, TT_FJ_HEAD, TT_FJ_OMIT, "warnings", get_warnings},
    {"user", TT_FT_STR, TT_FJ_HEAD, TT_FJ_OMIT, "CONNECT / CHANGE_USER user", get_user},
    {"database", TT_FT_STR, TT_FJ_HEAD, TT_FJ_OMIT, "database (CONNECT, INIT_DB)", get_database},
    {"server_version", TT_FT_STR, TT_FJ_HEAD, TT_FJ_OMIT, "server version (greeting)", get_version},
    {"connection_id", TT_FT_INT, TT_FJ_HEAD, TT_FJ_OMIT,
     "CONNECT / TLS: the server's id of the connection (its thread id)", get_conn_id},
    {"info", TT_FT_STR, TT_FJ_HEAD, TT_FJ_OMIT, "auth plugin, OK info, LOCAL INFILE file",
     get_info},
    {"compressed", TT_FT_BOOL, TT_FJ_HEAD, TT_FJ_OMIT, "compressed protocol (zlib, decoded)",
     get_compressed},
    {"zstd_not_decoded", TT_FT_BOOL, TT_FJ_HEAD, TT_FJ_OMIT,
     "CONNECT: zstd compression negotiated, nothing after it is read", get_zstd},
    {"error_code", TT_FT_INT, TT_FJ_TAIL, TT_FJ_NULL, "ERR packet's error number", get_error_code},
    {"sqlstate", TT_FT_STR, TT_FJ_TAIL, TT_FJ_NULL, "ERR packet's SQLSTATE", get_sqlstate},
    {"mysql_error", TT_FT_STR, TT_FJ_TAIL, TT_FJ_NULL, "ERR packet's message", get_mysql_error},
    {"mid_connection", TT_FT_BOOL, TT_FJ_TAIL, TT_FJ_OMIT,
     "the first transaction of a connection recorded from its middle", get_mid},
    {"skipped_bytes", TT_FT_INT, TT_FJ_TAIL, TT_FJ_OMIT,
     "bytes not parsed before it (recording started mid-connection, lost bytes)", get_skipped},
};

static void mysql_release(struct tt_txn *t)
{
	struct mx *x = X(t);
	tt_txn_free_str(t, x->params);
	tt_txn_free_str(t, x->err_msg);
	tt_txn_free_str(t, x->user);
	tt_txn_free_str(t, x->database);
	tt_txn_free_str(t, x->server_version);
	tt_txn_free_str(t, x->info);
}

const struct tt_proto tt_mysql_proto = {
    .name = "mysql",
    .aliases = "mariadb",
    .tag = "mysql",
    .flags = TT_PROTO_OP_IN_TARGET,
    .detect = mysql_detect,
    .open = mysql_open,
    .feed = mysql_feed,
    .close = mysql_close,
    .describe = mysql_describe,
    .line = mysql_line,
    .fields = mysql_fields,
    .nfields = sizeof(mysql_fields) / sizeof(mysql_fields[0]),
    .release = mysql_release,
};
