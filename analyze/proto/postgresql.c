// SPDX-License-Identifier: MIT
/*
 * PostgreSQL protocol v3 sessions (analyze/proto/postgresql.h says what a transaction is).
 *
 * Each direction is framed on its own (struct pdir: a 5-byte header, then the body; the
 * frontend's first messages have no type byte). Frontend messages that the server answers queue
 * an expectation (struct exp) in order; each backend message is matched against the oldest one.
 * Transactions live in the shared in-order queue (pair.h) until the ReadyForQuery that ends their
 * batch, which gives them the transaction status.
 */
#include "analyze/proto/postgresql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/buf.h"
#include "analyze/map64.h"
#include "analyze/pair.h"

/* --- caps and constants ------------------------------------------------------------------- */

#define CODE_V3		 196608u     /* StartupMessage, protocol 3.0 */
#define CODE_V3_2	 196610u     /* protocol 3.2 (PostgreSQL 18) */
#define CODE_SSL	 80877103u   /* SSLRequest */
#define CODE_GSSENC	 80877104u   /* GSSENCRequest */
#define CODE_CANCEL	 80877102u   /* CancelRequest */
#define STARTUP_MAX	 10000u	     /* the server's own limit for an untyped message */
#define MSG_MAX		 (1u << 30)  /* PostgreSQL never sends more in one message */
#define KEEP_BIG	 (64u << 10) /* body bytes kept of Query, Parse, Bind */
#define KEEP_SMALL	 (4u << 10)  /* of errors, notices, notifications, startup */
#define QUERY_MAX	 (16u << 10) /* normalised SQL kept per statement */
#define TARGET_MAX	 512
#define STMTS_MAX	 256 /* statements of one Query with a transaction each */
#define STMT_TABLE_MAX	 1024
#define STMT_BYTES_MAX	 (1u << 20)
#define PORTAL_TABLE_MAX 64
#define EXP_MAX		 16384 /* expectations (answers awaited) per connection */
#define OPEN_SOFT	 1024  /* queued transactions: finished ones go out without a status */
#define OPEN_MAX	 8192  /* past this what is awaited is given up on (evicted) */
#define OPEN_PARSES_MAX	 64
#define PARAMS_MAX	 64  /* parameters shown */
#define PARAM_JSON_MAX	 128 /* bytes of one parameter's value in JSON */
#define PARAM_TEXT_MAX	 48  /* bytes of one parameter's value on the line */
#define PTEXT_CAP	 1024
#define PJSON_CAP	 (PARAMS_MAX * (PARAM_JSON_MAX * 6 + 16) + 16)
#define OIDS_MAX	 64
#define SCAN_CAP	 (64u << 10) /* bytes held while resynchronising */
#define SCAN_WORK_MAX	 (1u << 20)  /* bytes validated per scan */
#define SCAN_DECIDE	 256	     /* bytes that decide about a message longer than SCAN_CAP */
#define NOTE_PAYLOAD_MAX 64

/* type OIDs whose binary form is shown as a number */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID	 26

/* --- the detail a transaction carries ----------------------------------------------------- */

enum kind {
	K_STMT = 0, /* a statement of a simple Query */
	K_EXEC,	    /* an Execute */
	K_PREPARE,  /* a Parse no Execute ran */
	K_STARTUP,
	K_SSL, /* an SSLRequest (or GSSENCRequest) answered S (or G), or never answered */
	K_CANCEL,
	K_NOTIFY, /* a NotificationResponse */
	K_ASYNC,  /* an ErrorResponse / NoticeResponse nobody asked for */
	K_FUNC,	  /* a FunctionCall */
	K_OTHER,  /* a Bind/Describe/Close/Sync that failed on its own; an answer without request */
};

/* flags */
#define PF_ROWS	      0x0001 /* rows is known (a command tag with a count, or DataRows) */
#define PF_FINAL      0x0002 /* its answer is over: no expectation points to it any more */
#define PF_OPEN_PARSE 0x0004 /* a Parse an Execute of the same batch may still take over */
#define PF_NOT_EXEC   0x0008 /* skipped by the server after an earlier error */
#define PF_NO_RESULT  0x0010 /* the server answered fewer statements than the query held */
#define PF_SUSPENDED  0x0020 /* PortalSuspended: row limit reached */
#define PF_COPY_IN    0x0040
#define PF_COPY_OUT   0x0080
#define PF_EMPTY      0x0100 /* EmptyQueryResponse */
#define PF_UNKNOWN    0x0200 /* the statement is not in the map */
#define PF_ERROR      0x0400 /* an ErrorResponse answered it */
#define PF_PARSED     0x0800 /* ParseComplete */
#define PF_TLS	      0x1000 /* K_SSL: answered S/G */
#define PF_GSS	      0x2000 /* K_SSL: a GSSENCRequest */
#define PF_FUNC_NULL  0x4000 /* FunctionCallResponse: NULL */

struct pg_detail {
	char *query;	 /* owned: normalised SQL, or NULL */
	char *pjson;	 /* owned: bound parameters as a JSON array, or NULL */
	char *ptext;	 /* owned: the same for the line ($1='a', $2=42), or NULL */
	char *statement; /* owned: prepared statement name ("" unnamed), NULL: not extended */
	char *tag;	 /* owned: CommandComplete tag */
	char *message;	 /* owned: ErrorResponse's message */
	char *pdetail;	 /* owned: ErrorResponse's detail */
	char *notice;	 /* owned: the first NoticeResponse's message */
	char *user, *database, *app, *server_version; /* owned: startup */
	char *payload;		/* owned: notification payload (the channel is the target) */
	const char *severity;	/* static */
	const char *auth;	/* static */
	const char *encryption; /* static: "ssl refused", "gssenc refused" */
	uint64_t rows;		/* command tag's count, else DataRows */
	uint64_t data_rows;
	uint32_t backend_pid; /* startup: BackendKeyData; notification: the sender */
	uint32_t func_len;
	char sqlstate[6];
	char tx_status; /* 'I' 'T' 'E', 0: none */
	uint8_t kind;
	uint16_t flags;
	uint16_t stmt_no, stmt_count; /* statement k (from 1) of n in a simple Query */
};
_Static_assert(sizeof(struct pg_detail) <= TT_TXN_DETAIL, "PostgreSQL detail fits the txn");

static struct pg_detail *PD(struct tt_txn *t)
{
	return tt_txn_detail(t, struct pg_detail);
}

static const struct pg_detail *PDc(const struct tt_txn *t)
{
	return tt_txn_detail(t, const struct pg_detail);
}

/* --- bytes -------------------------------------------------------------------------------- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A bounded cursor over a message body: every read checks what remains. */
struct cur {
	const uint8_t *p;
	size_t n, off;
	int bad; /* a read went past the end */
};

static int c_u8(struct cur *c, uint8_t *v)
{
	if (c->n - c->off < 1) {
		c->bad = 1;
		return 0;
	}
	*v = c->p[c->off++];
	return 1;
}

static int c_i16(struct cur *c, int16_t *v)
{
	if (c->n - c->off < 2) {
		c->bad = 1;
		return 0;
	}
	*v = (int16_t)be16(c->p + c->off);
	c->off += 2;
	return 1;
}

static int c_i32(struct cur *c, int32_t *v)
{
	if (c->n - c->off < 4) {
		c->bad = 1;
		return 0;
	}
	*v = (int32_t)be32(c->p + c->off);
	c->off += 4;
	return 1;
}

/* A NUL-terminated string: *s and its length (without the NUL). */
static int c_str(struct cur *c, const char **s, size_t *len)
{
	const uint8_t *z = c->n > c->off ? memchr(c->p + c->off, 0, c->n - c->off) : NULL;
	if (!z) {
		c->bad = 1;
		return 0;
	}
	*s = (const char *)c->p + c->off;
	*len = (size_t)(z - (c->p + c->off));
	c->off += *len + 1;
	return 1;
}

static int c_skip(struct cur *c, size_t n)
{
	if (c->n - c->off < n) {
		c->bad = 1;
		return 0;
	}
	c->off += n;
	return 1;
}

static int c_end(const struct cur *c)
{
	return !c->bad && c->off == c->n;
}

static uint64_t hash_name(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Length of s cut to at most max bytes without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((uint8_t)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

static int is_ident(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80 || c == '$';
}

static int is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

/* --- SQL text: statements, normalisation, the verb ---------------------------------------- */

/* The lexer state the splitter and the normaliser share. */
enum { LX_CODE, LX_SQ, LX_ESQ, LX_DQ, LX_DOLLAR, LX_LINE, LX_BLOCK };

struct lexer {
	int st;
	int depth;	 /* block comment nesting */
	const char *tag; /* dollar quote tag (with both $), borrowed from the text */
	size_t tag_len;
};

/* Length of a dollar-quote opener ($$ or $tag$) at s, 0 when none. */
static size_t dollar_tag(const char *s, size_t n)
{
	if (n < 2 || s[0] != '$')
		return 0;
	size_t i = 1;
	if (s[1] >= '0' && s[1] <= '9')
		return 0; /* $1: a parameter */
	while (i < n && s[i] != '$' && is_ident((uint8_t)s[i]))
		i++;
	return i < n && s[i] == '$' ? i + 1 : 0;
}

/* Advances over the byte(s) at s[i] (n bytes in all); returns how many bytes it took and
 * whether they are code (1) or inside a literal/comment (0) in *code. */
static size_t lex_step(struct lexer *lx, const char *s, size_t n, size_t i, int *code)
{
	char c = s[i];
	*code = 0;
	switch (lx->st) {
	case LX_CODE:
		if (c == '\'') {
			int e = i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
				(i < 2 || !is_ident((uint8_t)s[i - 2]));
			lx->st = e ? LX_ESQ : LX_SQ;
			return 1;
		}
		if (c == '"') {
			lx->st = LX_DQ;
			return 1;
		}
		if (c == '-' && i + 1 < n && s[i + 1] == '-') {
			lx->st = LX_LINE;
			return 2;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			lx->st = LX_BLOCK;
			lx->depth = 1;
			return 2;
		}
		if (c == '$' && (i == 0 || !is_ident((uint8_t)s[i - 1]))) {
			size_t t = dollar_tag(s + i, n - i);
			if (t) {
				lx->st = LX_DOLLAR;
				lx->tag = s + i;
				lx->tag_len = t;
				return t;
			}
		}
		*code = 1;
		return 1;
	case LX_SQ:
		if (c == '\'')
			lx->st = LX_CODE; /* '' reopens at once: the same for splitting */
		return 1;
	case LX_ESQ:
		if (c == '\\')
			return i + 1 < n ? 2 : 1;
		if (c == '\'')
			lx->st = LX_CODE;
		return 1;
	case LX_DQ:
		if (c == '"')
			lx->st = LX_CODE;
		return 1;
	case LX_DOLLAR:
		if (c == '$' && n - i >= lx->tag_len && !memcmp(s + i, lx->tag, lx->tag_len)) {
			lx->st = LX_CODE;
			return lx->tag_len;
		}
		return 1;
	case LX_LINE:
		if (c == '\n')
			lx->st = LX_CODE;
		return 1;
	case LX_BLOCK:
		if (c == '*' && i + 1 < n && s[i + 1] == '/') {
			if (--lx->depth == 0)
				lx->st = LX_CODE;
			return 2;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			lx->depth++;
			return 2;
		}
		return 1;
	}
	return 1;
}

static int word_is(const char *w, size_t n, const char *k)
{
	size_t kl = strlen(k);
	if (n != kl)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (upper(w[i]) != k[i])
			return 0;
	return 1;
}

/* Splits s into top-level statements (at ';' outside literals, comments and BEGIN ATOMIC
 * bodies); calls fn for each that holds code. Returns how many it found. */
static size_t split_sql(const char *s, size_t n, void (*fn)(void *ctx, const char *p, size_t len),
			void *ctx)
{
	struct lexer lx = {0};
	size_t start = 0, found = 0, i = 0;
	int has_code = 0, atomic = 0, first_word = 1, create = 0;
	const char *prev = NULL, *w = NULL;
	size_t prev_len = 0;
	while (i <= n) {
		if (i == n || (lx.st == LX_CODE && s[i] == ';' && !atomic)) {
			if (has_code) {
				fn(ctx, s + start, i - start);
				found++;
			}
			start = i + 1;
			has_code = atomic = create = 0;
			first_word = 1;
			prev = NULL;
			if (i == n)
				break;
			i++;
			continue;
		}
		int code;
		size_t step = lex_step(&lx, s, n, i, &code);
		if (code && !is_space((uint8_t)s[i]))
			has_code = 1;
		if (code && is_ident((uint8_t)s[i]) && s[i] != '$' &&
		    (i == 0 || !is_ident((uint8_t)s[i - 1]))) {
			/* a word at the top level: CREATE ... BEGIN ATOMIC ... END */
			w = s + i;
			size_t wl = 0;
			while (i + wl < n && is_ident((uint8_t)s[i + wl]))
				wl++;
			if (first_word)
				create = word_is(w, wl, "CREATE");
			first_word = 0;
			if (create) {
				if (word_is(w, wl, "ATOMIC") && prev &&
				    word_is(prev, prev_len, "BEGIN"))
					atomic++;
				else if (atomic && word_is(w, wl, "CASE"))
					atomic++;
				else if (atomic && word_is(w, wl, "END"))
					atomic--;
			}
			prev = w;
			prev_len = wl;
			i += wl;
			continue;
		}
		i += step;
	}
	return found;
}

/* Normalises one statement into out (cap bytes, >= 8): runs of white space outside literals
 * become one space, -- comments are dropped, the ends are trimmed and a final ';' removed. When
 * it does not fit, it is cut on a character boundary and ends with "…"; *cut is then set. */
static size_t norm_sql(const char *s, size_t n, char *out, size_t cap, int *cut)
{
	struct lexer lx = {0};
	size_t o = 0, i = 0, lim = cap - 4;
	int space = 0;
	*cut = 0;
	while (i < n) {
		int code, was = lx.st;
		size_t step = lex_step(&lx, s, n, i, &code);
		if (i + step > n)
			step = n - i;
		if (lx.st == LX_LINE || was == LX_LINE) { /* a -- comment: gone */
			space = o > 0;
			i += step;
			continue;
		}
		if (code && (is_space((uint8_t)s[i]) || s[i] == 0)) {
			space = o > 0;
			i += step;
			continue;
		}
		size_t need = step + (space ? 1 : 0);
		if (o + need > lim) {
			*cut = 1;
			break;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		memcpy(out + o, s + i, step);
		o += step;
		i += step;
	}
	if (*cut) {
		o = utf8_cut(out, o, o);
		memcpy(out + o, "\xe2\x80\xa6", 3); /* … */
		o += 3;
	} else {
		while (o && (out[o - 1] == ';' || out[o - 1] == ' '))
			o--;
	}
	out[o] = 0;
	return o;
}

/* The SQL verb: the first word (after parentheses and comments), in capitals, into v (size
 * 24); its length, 0 when there is none. */
static size_t sql_verb(const char *s, size_t n, char v[24])
{
	size_t i = 0;
	for (;;) {
		while (i < n && (is_space((uint8_t)s[i]) || s[i] == '('))
			i++;
		if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
			int depth = 1;
			i += 2;
			while (i < n && depth) {
				if (i + 1 < n && s[i] == '*' && s[i + 1] == '/')
					depth--, i += 2;
				else if (i + 1 < n && s[i] == '/' && s[i + 1] == '*')
					depth++, i += 2;
				else
					i++;
			}
			continue;
		}
		break;
	}
	size_t k = 0;
	while (i < n && k < 23 &&
	       ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
		v[k++] = upper(s[i++]);
	if (i < n && is_ident((uint8_t)s[i]) && k)
		k = 0; /* a longer or odd word: not a verb */
	v[k] = 0;
	return k;
}

/* --- prepared statements and portals ----------------------------------------------------- */

struct stmt {
	uint32_t refs;
	char *name; /* owned */
	char *sql;  /* owned: normalised, at most QUERY_MAX bytes */
	size_t sql_len, bytes;
	char verb[24];
	uint16_t noids;
	int oids_known;		  /* the server's ParameterDescription filled oids */
	uint32_t oids[OIDS_MAX];  /* parameter types (0: unspecified) */
	struct tt_txn *parse_txn; /* borrowed: its Parse, while an Execute may take it over */
};

struct portal {
	struct stmt *st;     /* reference, or NULL: the statement was not in the map */
	char *stmt_name;     /* owned: the statement Bind named */
	char *pjson, *ptext; /* owned */
	uint64_t bind_exp;   /* its Bind's expectation (seq + 1), 0: none */
	uint64_t bind_ts;
	uint32_t bind_pid, bind_tid;
};

static void stmt_unref(struct stmt *st)
{
	if (st && --st->refs == 0) {
		free(st->name);
		free(st->sql);
		free(st);
	}
}

static struct stmt *stmt_ref(struct stmt *st)
{
	if (st)
		st->refs++;
	return st;
}

static void portal_free(struct portal *po)
{
	if (!po)
		return;
	stmt_unref(po->st);
	free(po->stmt_name);
	free(po->pjson);
	free(po->ptext);
	free(po);
}

/* --- expectations: what the frontend asked that the backend will answer, in order --------- */

enum xkind {
	X_STARTUP = 1,
	X_SSL,	    /* SSLRequest or GSSENCRequest: one byte */
	X_QUERY,    /* a simple Query: its statements, then ReadyForQuery */
	X_PARSE,    /* ParseComplete */
	X_BIND,	    /* BindComplete */
	X_DESCRIBE, /* [ParameterDescription] RowDescription | NoData */
	X_EXECUTE,  /* DataRow* CommandComplete | EmptyQuery | PortalSuspended */
	X_CLOSE,    /* CloseComplete */
	X_SYNC,	    /* ReadyForQuery */
	X_FUNC,	    /* FunctionCallResponse, ReadyForQuery */
};

struct exp {
	uint64_t seq;
	uint8_t kind;
	uint8_t err;	    /* X_QUERY: a statement failed, the rest is not executed */
	uint8_t gss;	    /* X_SSL: a GSSENCRequest */
	uint8_t named;	    /* X_PARSE/X_CLOSE: the statement's name is not empty */
	struct tt_txn *t;   /* borrowed from the pair queue, or NULL */
	struct stmt *st;    /* reference: Parse's new statement, Describe's, Close's removed one */
	struct stmt *prev;  /* reference: the statement Parse replaced */
	struct tt_txn **ts; /* X_QUERY: owned array of n transactions (NULL: n <= 1, in one) */
	struct tt_txn *one; /* borrowed: X_QUERY's single statement */
	uint32_t n, cur;    /* X_QUERY: statements, the one being answered (t: past them) */
	uint64_t q_ts_first, q_ts_last; /* X_QUERY: the Query message's times (its statements may
					 * have gone out before an extra answer comes) */
	uint32_t q_pid, q_tid;
};

/* --- the session ------------------------------------------------------------------------- */

enum { D_START = 0, D_UNTYPED, D_TYPED, D_SCAN, D_DEAD };

struct msg {
	uint8_t type;	  /* 0: untyped (startup phase) */
	const uint8_t *b; /* kept body bytes (borrowed) */
	size_t kept;
	uint64_t len; /* declared body length */
	int cut;      /* kept < len */
	int holes;    /* bytes of the body were lost */
	uint64_t wire;
	uint64_t ts_first, ts_last;
	uint32_t pid, tid;
};

struct pdir {
	int dir; /* enum tt_dir */
	int mode;
	uint8_t hdr[5];
	uint8_t hlen, hsz;
	uint8_t type;
	uint32_t len;  /* declared, including itself */
	uint64_t left; /* body bytes still to come */
	uint32_t keep; /* body bytes this message keeps */
	int holes;
	struct tt_buf body;
	uint64_t ts_first;
	uint32_t pid, tid;
	uint64_t nmsgs;	     /* messages framed */
	struct tt_buf scanb; /* bytes held while resynchronising (SCAN_CAP) */
	int scan0_call;	     /* scanb's first byte started a call */
	uint64_t scan_ts;
};

struct pg {
	struct tt_proto_env *env;
	const struct tt_conn_info *ci; /* borrowed */
	struct tt_pairq pq;
	struct pdir d[2];
	int fe;			   /* direction of the frontend's messages, -1 unknown */
	int startup_seen;	   /* the connection's start was recorded */
	int tls;		   /* encrypted from here: nothing is parsed */
	const struct tt_chunk *ch; /* being fed */
	/* expectations: a ring of rcap (power of two) from seq head to tail */
	struct exp *ring;
	size_t rcap;
	uint64_t head, tail;
	int bsync;	  /* backend answers are matched with expectations */
	uint64_t barrier; /* while !bsync: expectations before this seq are still answered */
	int be_skip;	  /* an error: the server skips to Sync */
	struct tt_map64 stmts, portals; /* hash of the name -> struct stmt * / struct portal * */
	size_t stmt_bytes;
	int stmt_overflow;			  /* statements were not kept (caps) */
	struct stmt *open_parse[OPEN_PARSES_MAX]; /* references, Parses of the current batch */
	size_t n_open_parse;
	struct tt_txn *copy;   /* borrowed: the transaction whose COPY is in progress */
	struct tt_txn *ssl;    /* borrowed: an SSLRequest answered N, for the startup to take */
	struct tt_txn *orphan; /* owned: answers to requests the recording lacks, being assembled */
	size_t released_at;    /* queue length at the last early release */
	char scratch[QUERY_MAX + 8];
};

static void stmts_clear(struct pg *s)
{
	size_t pos = 0;
	uint64_t k, v;
	while (tt_map64_next(&s->stmts, &pos, &k, &v))
		stmt_unref((struct stmt *)(uintptr_t)v);
	tt_map64_clear(&s->stmts);
	s->stmt_bytes = 0;
}

static void portals_clear(struct pg *s)
{
	size_t pos = 0;
	uint64_t k, v;
	while (tt_map64_next(&s->portals, &pos, &k, &v))
		portal_free((struct portal *)(uintptr_t)v);
	tt_map64_clear(&s->portals);
}

/* The statement called name, or NULL. */
static struct stmt *stmt_get(struct pg *s, const char *name, size_t n)
{
	uint64_t v;
	if (!tt_map64_get(&s->stmts, hash_name(name, n), &v))
		return NULL;
	struct stmt *st = (struct stmt *)(uintptr_t)v;
	return strlen(st->name) == n && !memcmp(st->name, name, n) ? st : NULL;
}

/* Takes the statement called name out of the map; returns its reference (or NULL). */
static struct stmt *stmt_take(struct pg *s, const char *name, size_t n)
{
	struct stmt *st = stmt_get(s, name, n);
	if (st) {
		tt_map64_del(&s->stmts, hash_name(name, n), NULL);
		s->stmt_bytes -= st->bytes;
	}
	return st;
}

/* Puts st (the map takes a reference) in place of any statement of its name; returns the
 * replaced one's reference, or NULL. On failure (caps) the statement is not kept. */
static struct stmt *stmt_put(struct pg *s, struct stmt *st)
{
	size_t n = strlen(st->name);
	struct stmt *old = stmt_take(s, st->name, n);
	if (s->stmt_bytes + st->bytes > STMT_BYTES_MAX ||
	    tt_map64_put(&s->stmts, hash_name(st->name, n), (uintptr_t)st) < 0) {
		s->stmt_overflow = 1;
		return old;
	}
	stmt_ref(st);
	s->stmt_bytes += st->bytes;
	return old;
}

static struct portal *portal_get(struct pg *s, const char *name, size_t n)
{
	uint64_t v;
	return tt_map64_get(&s->portals, hash_name(name, n), &v) ? (struct portal *)(uintptr_t)v
								 : NULL;
}

static void portal_put(struct pg *s, const char *name, size_t n, struct portal *po)
{
	uint64_t key = hash_name(name, n), v;
	if (tt_map64_del(&s->portals, key, &v))
		portal_free((struct portal *)(uintptr_t)v);
	if (tt_map64_len(&s->portals) >= PORTAL_TABLE_MAX)
		portals_clear(s); /* cursors the client never closed: forget them all */
	if (tt_map64_put(&s->portals, key, (uintptr_t)po) < 0)
		portal_free(po);
}

static void portal_del(struct pg *s, const char *name, size_t n)
{
	uint64_t v;
	if (tt_map64_del(&s->portals, hash_name(name, n), &v))
		portal_free((struct portal *)(uintptr_t)v);
}

/* --- transactions ------------------------------------------------------------------------ */

extern const struct tt_proto tt_postgresql_proto;

static enum tt_side side_of(const struct pg *s)
{
	return s->fe == TT_DIR_EGRESS	 ? TT_SIDE_CLIENT
	       : s->fe == TT_DIR_INGRESS ? TT_SIDE_SERVER
					 : TT_SIDE_UNKNOWN;
}

/* A new transaction of kind k; m (when not NULL) is its first frontend message. */
static struct tt_txn *txn_make(struct pg *s, int k, const struct msg *m)
{
	struct tt_txn *t = tt_proto_txn_new(&tt_postgresql_proto, s->env, s->ci, side_of(s),
					    m ? m->pid : s->ch ? s->ch->pid : 0,
					    m ? m->tid : s->ch ? s->ch->tid : 0);
	if (!t)
		return NULL;
	PD(t)->kind = (uint8_t)k;
	t->req.done = 1;
	t->req.complete = 1; /* a whole frontend message, or none (pushed answers) */
	if (m) {
		t->req.seen = 1;
		t->req.ts_first = m->ts_first;
		t->req.ts_last = m->ts_last;
		t->req.pid = m->pid;
		t->req.tid = m->tid;
		t->req.wire_bytes = m->wire;
		if (m->holes) {
			t->req.gap = 1;
			t->flags |= TT_TXN_GAP;
		}
	}
	return t;
}

/* Adds a frontend message to t's request. */
static void req_add(struct tt_txn *t, const struct msg *m)
{
	if (!t)
		return;
	if (!t->req.seen) {
		t->req.seen = 1;
		t->req.ts_first = m->ts_first;
		t->req.pid = m->pid;
		t->req.tid = m->tid;
	}
	t->req.ts_last = m->ts_last;
	t->req.wire_bytes += m->wire;
	if (m->holes) {
		t->req.gap = 1;
		t->flags |= TT_TXN_GAP;
	}
}

/* Adds a backend message to t's response. */
static void resp_add(struct tt_txn *t, const struct msg *m)
{
	if (!t)
		return;
	if (!t->resp.seen) {
		t->resp.seen = 1;
		t->resp.ts_first = m->ts_first;
		t->resp.pid = m->pid;
		t->resp.tid = m->tid;
	}
	t->resp.ts_last = m->ts_last;
	t->resp.wire_bytes += m->wire;
	if (m->holes) {
		t->resp.gap = 1;
		t->flags |= TT_TXN_GAP;
	}
}

/* The answer to t is over (its ReadyForQuery, when it comes, only adds the status). */
static void finalize(struct tt_txn *t)
{
	if (!t)
		return;
	PD(t)->flags |= PF_FINAL;
	t->resp.complete = 1;
}

static void flush(struct pg *s)
{
	tt_pair_flush(&s->pq, NULL, NULL);
}

static void overflow(struct pg *s);

/* Queues t in request order. NULL t: nothing. */
static struct tt_txn *enqueue(struct pg *s, struct tt_txn *t)
{
	if (!t)
		return NULL;
	if (tt_pair_request(&s->pq, t, 0, NULL, NULL) < 0) {
		t->resp.done = 1;
		tt_pair_emit(&s->pq, t); /* out at once rather than lost */
		return NULL;
	}
	return t;
}

/* Before a frontend message is handled: finished transactions go out early when many wait for
 * their batch's ReadyForQuery; past OPEN_MAX transactions or EXP_MAX expectations the connection
 * gives up on what it waits for (overflow()). Never during a handler: it frees what the handler
 * holds. */
static void prepare(struct pg *s)
{
	if (s->tail - s->head >= EXP_MAX) {
		overflow(s);
		return;
	}
	size_t n = tt_pair_len(&s->pq);
	if (n < OPEN_SOFT)
		return;
	if (n >= s->released_at + 256 || n < s->released_at) {
		s->released_at = n;
		for (size_t i = 0; i < s->pq.n; i++) {
			struct tt_txn *t = s->pq.q[i];
			const struct pg_detail *x = PDc(t);
			if ((x->flags & PF_FINAL) && !(x->flags & PF_OPEN_PARSE)) {
				t->resp.done = 1;
				if (s->copy == t)
					s->copy = NULL;
			}
		}
		flush(s);
	}
	if (tt_pair_len(&s->pq) >= OPEN_MAX)
		overflow(s);
}

static struct tt_txn *txn_new(struct pg *s, int k, const struct msg *m)
{
	return enqueue(s, txn_make(s, k, m));
}

/* Emits a transaction that is not in the queue (pushed answers, orphans). */
static void emit_now(struct pg *s, struct tt_txn *t)
{
	t->req.done = t->resp.done = 1;
	tt_pair_emit(&s->pq, t);
}

static void set_str(struct tt_txn *t, char **f, const char *p, size_t n)
{
	tt_txn_set_str(t, f, p, n);
}

/* Sets query (the whole normalised SQL) and target (cut at TARGET_MAX). */
static void set_sql(struct tt_txn *t, const char *sql, size_t n)
{
	set_str(t, &PD(t)->query, sql, n);
	if (n <= TARGET_MAX) {
		set_str(t, &t->target, sql, n);
		return;
	}
	char buf[TARGET_MAX + 4];
	size_t k = utf8_cut(sql, n, TARGET_MAX);
	memcpy(buf, sql, k);
	memcpy(buf + k, "\xe2\x80\xa6", 3);
	set_str(t, &t->target, buf, k + 3);
}

static void set_op(struct tt_txn *t, const char *verb)
{
	set_str(t, &t->op, verb, strlen(verb));
}

/* The op from a command tag's first word (a WITH query, or an unknown statement). */
static void op_from_tag(struct tt_txn *t, const char *tag, size_t n)
{
	char v[24];
	size_t k = 0;
	while (k < n && k < 23 && tag[k] >= 'A' && tag[k] <= 'Z')
		k++;
	if (!k || (k < n && tag[k] != ' '))
		return;
	memcpy(v, tag, k);
	v[k] = 0;
	set_op(t, v);
}

/* --- the expectation ring ------------------------------------------------------------------ */

static struct exp *x_at(struct pg *s, uint64_t seq)
{
	return &s->ring[seq & (s->rcap - 1)];
}

static struct exp *x_head(struct pg *s)
{
	return s->head < s->tail ? x_at(s, s->head) : NULL;
}

/* The pending expectation of sequence seq, or NULL. */
static struct exp *x_find(struct pg *s, uint64_t seq)
{
	return seq >= s->head && seq < s->tail ? x_at(s, seq) : NULL;
}

static struct tt_txn **q_txns(struct exp *x)
{
	return x->ts ? x->ts : &x->one;
}

static void x_release(struct exp *x)
{
	stmt_unref(x->st);
	stmt_unref(x->prev);
	free(x->ts);
	memset(x, 0, sizeof(*x));
}

static void x_pop(struct pg *s)
{
	if (s->head < s->tail)
		x_release(x_at(s, s->head++));
}

/* A new expectation at the tail, or NULL (no memory). */
static struct exp *x_push(struct pg *s, int kind)
{
	if (s->tail - s->head == s->rcap) {
		size_t nc = s->rcap ? s->rcap * 2 : 16;
		struct exp *r = calloc(nc, sizeof(*r));
		if (!r)
			return NULL;
		for (uint64_t q = s->head; q < s->tail; q++)
			r[q & (nc - 1)] = *x_at(s, q);
		free(s->ring);
		s->ring = r;
		s->rcap = nc;
	}
	struct exp *x = x_at(s, s->tail);
	memset(x, 0, sizeof(*x));
	x->seq = s->tail++;
	x->kind = (uint8_t)kind;
	return x;
}

/* The server did not do what x asked (an error, or skipped): the maps go back. */
static void x_undo(struct pg *s, struct exp *x)
{
	if (x->kind == X_PARSE && x->st) {
		size_t n = strlen(x->st->name);
		if (stmt_get(s, x->st->name, n) == x->st) {
			stmt_unref(stmt_take(s, x->st->name, n));
			if (x->prev)
				stmt_unref(stmt_put(s, x->prev));
		}
	} else if (x->kind == X_CLOSE && x->st && !stmt_get(s, x->st->name, strlen(x->st->name))) {
		stmt_unref(stmt_put(s, x->st));
	}
}

/* The transaction an answer to x goes to now (X_QUERY: the current statement). */
static struct tt_txn *x_txn(struct exp *x)
{
	if (x->kind == X_QUERY)
		return x->cur < x->n ? q_txns(x)[x->cur] : x->t;
	return x->t;
}

static void not_executed(struct pg *s, struct tt_txn *t)
{
	if (!t || (PD(t)->flags & (PF_FINAL | PF_ERROR)))
		return;
	PD(t)->flags |= PF_NOT_EXEC;
	t->outcome = TT_OUTCOME_NONE;
	finalize(t);
	if (s->copy == t)
		s->copy = NULL;
}

/* x was skipped by the server (an earlier error in its batch). */
static void x_skipped(struct pg *s, struct exp *x)
{
	x_undo(s, x);
	if (x->kind == X_QUERY) {
		for (uint32_t i = x->cur; i < x->n; i++)
			not_executed(s, q_txns(x)[i]);
	} else {
		not_executed(s, x->t);
	}
}

/* Gives up on every answer still awaited (flags: why), and lets finished transactions go
 * without a status: their ReadyForQuery may be lost too. */
static void close_parses(struct pg *s);

static void give_up(struct pg *s, uint32_t flags)
{
	close_parses(s); /* no Execute takes over a Parse given up on (it may go out now) */
	for (uint64_t q = s->head; q < s->tail; q++) {
		struct exp *x = x_at(s, q);
		struct tt_txn **ts = q_txns(x);
		/* X_QUERY: the statements not answered yet, then the extra one (t); else t */
		uint32_t n = x->kind == X_QUERY ? x->n : 0, i = x->kind == X_QUERY ? x->cur : 0;
		for (; i <= n; i++) {
			struct tt_txn *t = i < n ? ts[i] : x->t;
			if (!t || (PD(t)->flags & PF_FINAL))
				continue;
			t->flags |= flags | (t->resp.seen ? 0 : TT_TXN_NO_RESPONSE);
			if (flags & TT_TXN_GAP)
				t->resp.gap = 1;
			PD(t)->flags |= PF_FINAL;
			PD(t)->flags &= (uint16_t)~PF_OPEN_PARSE;
		}
		x_release(x);
	}
	s->head = s->tail;
	s->copy = NULL;
	s->be_skip = 0;
	for (size_t i = 0; i < s->pq.n; i++) {
		struct tt_txn *t = s->pq.q[i];
		if ((PD(t)->flags & PF_FINAL) && !(PD(t)->flags & PF_OPEN_PARSE))
			t->resp.done = 1;
	}
	flush(s);
}

/* The Parses of the current batch can no longer be taken over by an Execute. */
static void close_parses(struct pg *s)
{
	for (size_t i = 0; i < s->n_open_parse; i++) {
		struct stmt *st = s->open_parse[i];
		struct tt_txn *t = st->parse_txn;
		if (t) {
			struct pg_detail *x = PD(t);
			x->flags &= (uint16_t)~PF_OPEN_PARSE;
			if (x->flags & (PF_PARSED | PF_ERROR | PF_NOT_EXEC))
				finalize(t);
			st->parse_txn = NULL;
		}
		stmt_unref(st);
	}
	s->n_open_parse = 0;
}

/* Too much waits for answers (a hostile or broken stream): give up on all of it. */
static void overflow(struct pg *s)
{
	close_parses(s);
	give_up(s, TT_TXN_EVICTED);
	for (size_t i = 0; i < s->pq.n; i++) {
		struct tt_txn *t = s->pq.q[i];
		t->flags |= TT_TXN_EVICTED | (t->resp.seen ? 0 : TT_TXN_NO_RESPONSE);
		t->resp.done = 1;
	}
	s->ssl = NULL;
	flush(s);
	s->bsync = 0;
	s->barrier = s->tail;
}

/* Requests may have been lost: answers past the ones awaited now may be theirs. */
static void fe_lost(struct pg *s)
{
	if (s->bsync) {
		s->bsync = 0;
		s->barrier = s->tail;
	}
}

static void emit_orphan(struct pg *s, uint32_t flags);

/* Answers were lost (or did not parse): nothing awaited now can be paired any more. */
static void be_lost(struct pg *s, uint32_t flags)
{
	emit_orphan(s, flags);
	give_up(s, flags);
	s->bsync = 0;
	s->barrier = s->tail;
}

/* The ReadyForQuery that ends a batch: what finished gets the status and goes out. */
static void ready(struct pg *s, const struct msg *m, char status)
{
	struct tt_txn *last = NULL;
	for (size_t i = 0; i < s->pq.n; i++) {
		struct tt_txn *t = s->pq.q[i];
		struct pg_detail *x = PD(t);
		if (!(x->flags & PF_FINAL) || (x->flags & PF_OPEN_PARSE) || t->resp.done)
			continue;
		x->tx_status = status;
		t->resp.done = 1;
		if (s->copy == t)
			s->copy = NULL; /* a COPY the server ended without its CommandComplete */
		if (t->resp.seen)
			last = t;
	}
	resp_add(last, m);
	s->be_skip = 0;
	flush(s);
}

/* --- parameters -------------------------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t n, cap;
	int full;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->full || b->n + n + 1 > b->cap) {
		b->full = 1;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void sb_s(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_i64(struct sbuf *b, int64_t v)
{
	char t[24];
	int k = snprintf(t, sizeof(t), "%lld", (long long)v);
	sb_put(b, t, (size_t)k);
}

static int valid_utf8(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = p[i];
		size_t k = c < 0x80		? 0
			   : (c & 0xE0) == 0xC0 ? 1
			   : (c & 0xF0) == 0xE0 ? 2
			   : (c & 0xF8) == 0xF0 ? 3
						: 9;
		if (k == 9 || (k && c < 0xC2 && k == 1))
			return 0;
		if (i + k >= n + (k ? 0 : 1) && k) /* cut by the end: the caller's cap cut it */
			return 1;
		for (size_t j = 1; j <= k; j++)
			if ((p[i + j] & 0xC0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

static void sb_json_str(struct sbuf *b, const uint8_t *p, size_t n, int cut)
{
	static const char hx[] = "0123456789abcdef";
	sb_put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			sb_put(b, e, 2);
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = {'\\', 'u', '0', '0', hx[c >> 4], hx[c & 15]};
			sb_put(b, e, 6);
		} else {
			sb_put(b, (const char *)&c, 1);
		}
	}
	if (cut)
		sb_s(b, "\xe2\x80\xa6");
	sb_put(b, "\"", 1);
}

static void sb_hex(struct sbuf *b, const uint8_t *p, size_t n, size_t max)
{
	static const char hx[] = "0123456789abcdef";
	sb_s(b, "\\x");
	for (size_t i = 0; i < n && i < max; i++) {
		char e[2] = {hx[p[i] >> 4], hx[p[i] & 15]};
		sb_put(b, e, 2);
	}
	if (n > max)
		sb_s(b, "\xe2\x80\xa6");
}

/* One bound value, as JSON (j) and for the line (l). v NULL: SQL NULL. */
static void param_show(struct sbuf *j, struct sbuf *l, const uint8_t *v, size_t n, int binary,
		       uint32_t oid)
{
	if (!v) {
		sb_s(j, "null");
		sb_s(l, "NULL");
		return;
	}
	if (binary) {
		int64_t iv = 0;
		int isint = 1;
		if (oid == OID_INT2 && n == 2)
			iv = (int16_t)be16(v);
		else if ((oid == OID_INT4 && n == 4))
			iv = (int32_t)be32(v);
		else if (oid == OID_OID && n == 4)
			iv = be32(v);
		else if (oid == OID_INT8 && n == 8)
			iv = (int64_t)((uint64_t)be32(v) << 32 | be32(v + 4));
		else
			isint = 0;
		if (isint) {
			sb_i64(j, iv);
			sb_i64(l, iv);
			return;
		}
		if (oid == OID_BOOL && n == 1) {
			sb_s(j, v[0] ? "true" : "false");
			sb_s(l, v[0] ? "true" : "false");
			return;
		}
		struct sbuf h = {.p = (char[PARAM_JSON_MAX * 2 + 16]){0},
				 .cap = PARAM_JSON_MAX * 2 + 16};
		sb_hex(&h, v, n, PARAM_JSON_MAX / 2 - 2);
		sb_json_str(j, (const uint8_t *)h.p, h.n, 0);
		h.n = 0;
		h.full = 0;
		sb_hex(&h, v, n, PARAM_TEXT_MAX / 2 - 2);
		sb_put(l, h.p, h.n);
		return;
	}
	if (!valid_utf8(v, n)) {
		param_show(j, l, v, n, 1, 0); /* not text: as hex */
		return;
	}
	size_t k = utf8_cut((const char *)v, n, PARAM_JSON_MAX);
	sb_json_str(j, v, k, k < n);
	int num = (oid == OID_INT2 || oid == OID_INT4 || oid == OID_INT8 || oid == OID_OID) && n &&
		  n < 24;
	for (size_t i = 0; num && i < n; i++)
		num = (v[i] >= '0' && v[i] <= '9') || (i == 0 && v[i] == '-');
	if (num) {
		sb_put(l, (const char *)v, n);
		return;
	}
	k = utf8_cut((const char *)v, n, PARAM_TEXT_MAX);
	sb_put(l, "'", 1);
	for (size_t i = 0; i < k; i++) /* as SQL writes it: a quote doubled */
		sb_put(l, v[i] == '\'' ? "''" : (const char *)v + i, v[i] == '\'' ? 2 : 1);
	if (k < n)
		sb_s(l, "\xe2\x80\xa6");
	sb_put(l, "'", 1);
}

/* --- frontend messages ------------------------------------------------------------------- */

static const char *fe_label(uint8_t t)
{
	switch (t) {
	case 0:
		return "STARTUP";
	case 'Q':
		return "QUERY";
	case 'P':
		return "PARSE";
	case 'B':
		return "BIND";
	case 'E':
		return "EXECUTE";
	case 'D':
		return "DESCRIBE";
	case 'C':
		return "CLOSE";
	case 'S':
		return "SYNC";
	case 'H':
		return "FLUSH";
	case 'X':
		return "TERMINATE";
	case 'F':
		return "FUNCTION";
	case 'd':
	case 'c':
	case 'f':
		return "COPY";
	case 'p':
		return "PASSWORD";
	}
	return NULL;
}

/* A frontend message that does not parse: a transaction says why. framed: its length was
 * right, so the server answers it (an error, usually) and pairing goes on; else where the next
 * message starts is unknown and requests may be lost. */
static void fe_bad(struct pg *s, const struct msg *m, const char *why, int framed)
{
	static const uint8_t xk[128] = {
	    ['Q'] = X_QUERY,	['P'] = X_PARSE, ['B'] = X_BIND, ['E'] = X_EXECUTE,
	    ['D'] = X_DESCRIBE, ['C'] = X_CLOSE, ['F'] = X_FUNC};
	int kind = m->type == 0 ? X_STARTUP : m->type < 128 ? xk[m->type] : 0;
	struct tt_txn *t = framed && kind ? txn_new(s, K_OTHER, m) : txn_make(s, K_OTHER, m);
	if (t) {
		const char *l = fe_label(m->type);
		if (l)
			set_op(t, l);
		t->error = why;
		t->flags |= TT_TXN_BROKEN;
	}
	if (framed && kind) {
		struct exp *x = t ? x_push(s, kind) : NULL;
		if (x && kind == X_QUERY) {
			x->one = t;
			x->n = 1;
			x->q_ts_first = m->ts_first;
			x->q_ts_last = m->ts_last;
			x->q_pid = m->pid;
			x->q_tid = m->tid;
		} else if (x) {
			x->t = t;
		}
		return;
	}
	if (t) {
		t->req.complete = 0;
		emit_now(s, t);
	}
	fe_lost(s);
}

/* Startup parameters worth showing. */
struct startup {
	const char *user, *db, *app, *repl;
	size_t ulen, dlen, alen, rlen;
};

static void on_startup(struct pg *s, struct pdir *d, const struct msg *m)
{
	struct cur c = {.p = m->b + 4, .n = m->kept - 4};
	struct startup su = {0};
	for (;;) {
		const char *k, *v;
		size_t kl, vl;
		if (!c_str(&c, &k, &kl) || !kl)
			break;
		if (!c_str(&c, &v, &vl))
			break;
		if (word_is(k, kl, "USER"))
			su.user = v, su.ulen = vl;
		else if (word_is(k, kl, "DATABASE"))
			su.db = v, su.dlen = vl;
		else if (word_is(k, kl, "APPLICATION_NAME"))
			su.app = v, su.alen = vl;
		else if (word_is(k, kl, "REPLICATION"))
			su.repl = v, su.rlen = vl;
	}
	if (c.bad) {
		fe_bad(s, m, "startup parameters do not end", 1);
		d->mode = D_SCAN;
		return;
	}
	struct tt_txn *t = s->ssl;
	s->ssl = NULL;
	if (t) { /* an SSLRequest answered N, then this: one transaction */
		struct pg_detail *x = PD(t);
		x->encryption = (x->flags & PF_GSS) ? "gssenc refused" : "ssl refused";
		x->flags &= (uint16_t) ~(PF_GSS | PF_FINAL);
		x->kind = K_STARTUP;
		req_add(t, m);
	} else {
		t = txn_new(s, K_STARTUP, m);
	}
	struct exp *xp = t ? x_push(s, X_STARTUP) : NULL;
	if (!xp)
		return;
	xp->t = t;
	struct pg_detail *x = PD(t);
	set_op(t, "STARTUP");
	if (su.user)
		set_str(t, &x->user, su.user, su.ulen);
	if (su.db)
		set_str(t, &x->database, su.db, su.dlen);
	if (su.app)
		set_str(t, &x->app, su.app, su.alen);
	char tg[TARGET_MAX];
	struct sbuf b = {.p = tg, .cap = sizeof(tg)};
	static const char *const keys[] = {
	    "user=", " database=", " application_name=", " replication="};
	const char *vals[] = {su.user, su.db, su.app, su.repl};
	size_t lens[] = {su.ulen, su.dlen, su.alen, su.rlen};
	for (int i = 0; i < 4; i++) {
		if (!vals[i])
			continue;
		sb_s(&b, keys[i] + (b.n ? 0 : keys[i][0] == ' '));
		sb_put(&b, vals[i], lens[i] < 128 ? lens[i] : 128);
	}
	set_str(t, &t->target, tg, b.n);
}

static void fe_untyped(struct pg *s, struct pdir *d, const struct msg *m)
{
	if (m->kept < 4 || m->kept < (m->len < 8 ? m->len : 8)) {
		fe_bad(s, m, "startup message cut by lost bytes", 1);
		d->mode = D_SCAN;
		return;
	}
	uint32_t code = be32(m->b);
	if ((code == CODE_SSL || code == CODE_GSSENC) && m->len == 4) {
		if (s->ssl) { /* asked again: the first answer stands on its own */
			finalize(s->ssl);
			s->ssl->resp.done = 1;
			s->ssl = NULL;
			flush(s);
		}
		struct tt_txn *t = txn_new(s, K_SSL, m);
		struct exp *x = t ? x_push(s, X_SSL) : NULL;
		if (!x)
			return;
		x->t = t;
		x->gss = code == CODE_GSSENC;
		set_op(t, x->gss ? "GSSENC" : "SSL");
		if (x->gss)
			PD(t)->flags |= PF_GSS;
		return;
	}
	if (code == CODE_CANCEL && m->len == 12) {
		struct tt_txn *t = txn_make(s, K_CANCEL, m);
		if (t) {
			uint32_t pid = be32(m->b + 4);
			char tg[40];
			int k = snprintf(tg, sizeof(tg), "backend pid %u", pid);
			set_op(t, "CANCEL");
			set_str(t, &t->target, tg, (size_t)k);
			PD(t)->backend_pid = pid;
			finalize(t);
			emit_now(s, t);
		}
		d->mode = D_DEAD; /* nothing follows on a cancel connection */
		return;
	}
	if ((code >> 16) == 3 && m->len >= 5) {
		on_startup(s, d, m);
		if (d->mode == D_UNTYPED)
			d->mode = D_TYPED;
		return;
	}
	fe_bad(s, m,
	       (code >> 16) >= 1 && (code >> 16) <= 9 ? "unsupported protocol version"
						      : "unknown startup message code",
	       1);
	d->mode = D_SCAN;
}

struct split_ctx {
	const char *base;
	size_t n;
	size_t off[STMTS_MAX], len[STMTS_MAX];
};

static void on_split(void *ctx, const char *p, size_t len)
{
	struct split_ctx *sc = ctx;
	if (sc->n < STMTS_MAX) {
		sc->off[sc->n] = (size_t)(p - sc->base);
		sc->len[sc->n] = len;
	}
	sc->n++;
}

static void stmt_sql(struct pg *s, struct tt_txn *t, const char *sql, size_t n, int cut)
{
	int c2;
	size_t k = norm_sql(sql, n, s->scratch, QUERY_MAX, &c2);
	if (cut && !c2 && k + 3 < sizeof(s->scratch)) {
		memcpy(s->scratch + k, "\xe2\x80\xa6", 4);
		k += 3;
	}
	char v[24];
	set_op(t, sql_verb(s->scratch, k, v) ? v : "?");
	set_sql(t, s->scratch, k);
}

static void fe_query(struct pg *s, const struct msg *m)
{
	const char *sql = (const char *)m->b;
	size_t n = m->kept;
	if (!m->cut) {
		if (!n || m->b[n - 1] != 0) {
			fe_bad(s, m, "Query does not end with a NUL", 1);
			return;
		}
		n--;
	}
	const char *z = memchr(sql, 0, n);
	if (z)
		n = (size_t)(z - sql);
	static _Thread_local struct split_ctx sc;
	sc.base = sql;
	sc.n = 0;
	split_sql(sql, n, on_split, &sc);
	uint32_t cnt = sc.n == 0 ? 1 : sc.n > STMTS_MAX ? STMTS_MAX : (uint32_t)sc.n;
	struct exp *x = x_push(s, X_QUERY);
	if (!x)
		return;
	if (cnt > 1 && !(x->ts = calloc(cnt, sizeof(*x->ts)))) {
		x_release(x); /* the tail, just made */
		s->tail--;
		return;
	}
	x->n = cnt;
	x->q_ts_first = m->ts_first;
	x->q_ts_last = m->ts_last;
	x->q_pid = m->pid;
	x->q_tid = m->tid;
	struct tt_txn **ts = q_txns(x);
	for (uint32_t i = 0; i < cnt; i++) {
		struct tt_txn *t = txn_new(s, K_STMT, m);
		if (!t)
			continue;
		ts[i] = t;
		struct pg_detail *d = PD(t);
		if (sc.n > 1) {
			d->stmt_no = (uint16_t)(i + 1);
			d->stmt_count = sc.n > 65535 ? 65535 : (uint16_t)sc.n;
		}
		if (sc.n == 0) { /* nothing but blanks and comments: EmptyQueryResponse */
			set_op(t, "EMPTY");
			set_str(t, &d->query, "", 0);
			continue;
		}
		/* each statement gets its own bytes of the message (the first the header too) */
		size_t from = i == 0 ? 0 : sc.off[i] + 5;
		size_t to = i + 1 < cnt ? sc.off[i + 1] + 5 : m->wire;
		t->req.wire_bytes = to > from ? to - from : 0;
		stmt_sql(s, t, sql + sc.off[i], sc.len[i],
			 m->cut && i + 1 == cnt && sc.n <= STMTS_MAX);
	}
}

static void fe_parse(struct pg *s, const struct msg *m)
{
	struct cur c = {.p = m->b, .n = m->kept};
	const char *name, *sql;
	size_t nl, ql;
	int16_t np = 0;
	int cut = 0;
	if (!c_str(&c, &name, &nl)) {
		fe_bad(s, m, "Parse without a statement name", 1);
		return;
	}
	if (!c_str(&c, &sql, &ql)) {
		if (!m->cut) {
			fe_bad(s, m, "Parse's query does not end", 1);
			return;
		}
		sql = (const char *)c.p + c.off; /* longer than kept: what there is */
		ql = c.n - c.off;
		cut = 1;
		c.bad = 0;
		c.off = c.n;
	}
	struct stmt *st = calloc(1, sizeof(*st));
	if (!st)
		return;
	st->refs = 1;
	if (!cut && c_i16(&c, &np)) {
		if (np < 0 || (size_t)np * 4 != c.n - c.off) {
			if (!m->cut) {
				free(st);
				fe_bad(s, m, "Parse's parameter types do not match its length", 1);
				return;
			}
		}
		for (int i = 0; i < np && i < OIDS_MAX; i++) {
			int32_t o;
			if (!c_i32(&c, &o))
				break;
			st->oids[i] = (uint32_t)o;
			st->noids = (uint16_t)(i + 1);
		}
	}
	int ncut;
	size_t k = norm_sql(sql, ql, s->scratch, QUERY_MAX, &ncut);
	if (cut && !ncut && k + 3 < sizeof(s->scratch)) {
		memcpy(s->scratch + k, "\xe2\x80\xa6", 4);
		k += 3;
	}
	st->name = strndup(name, nl);
	st->sql = strndup(s->scratch, k);
	if (!st->name || !st->sql) {
		stmt_unref(st);
		return;
	}
	st->sql_len = k;
	st->bytes = sizeof(*st) + nl + k + 2;
	sql_verb(st->sql, k, st->verb);
	struct exp *x = x_push(s, X_PARSE);
	if (!x) {
		stmt_unref(st);
		return;
	}
	x->st = st; /* our reference */
	x->named = nl > 0;
	if (nl && stmt_get(s, name, nl))
		; /* the server refuses it (42P05): the old one stays */
	else
		x->prev = stmt_put(s, st);
	struct tt_txn *t = txn_new(s, K_PREPARE, m);
	x->t = t;
	if (!t)
		return;
	set_op(t, "PREPARE");
	set_sql(t, st->sql, st->sql_len);
	set_str(t, &PD(t)->statement, name, nl);
	if (s->n_open_parse == OPEN_PARSES_MAX) { /* make room: drop those already taken over */
		size_t k = 0;
		for (size_t i = 0; i < s->n_open_parse; i++) {
			if (s->open_parse[i]->parse_txn)
				s->open_parse[k++] = s->open_parse[i];
			else
				stmt_unref(s->open_parse[i]);
		}
		s->n_open_parse = k;
	}
	if (s->n_open_parse < OPEN_PARSES_MAX) {
		if (st->parse_txn) /* an earlier Parse of the same statement object: never */
			PD(st->parse_txn)->flags &= (uint16_t)~PF_OPEN_PARSE;
		st->parse_txn = t;
		PD(t)->flags |= PF_OPEN_PARSE;
		s->open_parse[s->n_open_parse++] = stmt_ref(st);
	}
}

static void fe_bind(struct pg *s, const struct msg *m)
{
	struct cur c = {.p = m->b, .n = m->kept};
	const char *pname, *sname;
	size_t pl, sl;
	int16_t nf = 0, np = 0;
	if (!c_str(&c, &pname, &pl) || !c_str(&c, &sname, &sl) || !c_i16(&c, &nf) || nf < 0) {
		fe_bad(s, m, "Bind's names or format count do not parse", 1);
		return;
	}
	const uint8_t *fmts = c.p + c.off;
	if (!c_skip(&c, (size_t)nf * 2) && !m->cut) {
		fe_bad(s, m, "Bind's formats pass its end", 1);
		return;
	}
	struct stmt *st = stmt_get(s, sname, sl);
	char pj[PJSON_CAP], pt[PTEXT_CAP];
	struct sbuf j = {.p = pj, .cap = sizeof(pj)}, l = {.p = pt, .cap = sizeof(pt)};
	int more = 0, bad = 0;
	pj[0] = pt[0] = 0;
	if (!c.bad && c_i16(&c, &np) && np > 0) {
		if (nf > 1 && nf != np)
			bad = 1;
		sb_s(&j, "[");
		for (int i = 0; i < np && !bad; i++) {
			int32_t vl;
			if (!c_i32(&c, &vl) || vl < -1) {
				bad = !m->cut || vl < -1;
				more = 1;
				break;
			}
			const uint8_t *v = vl < 0 ? NULL : c.p + c.off;
			size_t have = vl < 0 ? 0 : (size_t)vl;
			if (vl > 0 && (size_t)vl > c.n - c.off) {
				if (!m->cut) {
					bad = 1;
					break;
				}
				have = c.n - c.off; /* the rest was not kept */
			}
			c.off += have;
			if (i >= PARAMS_MAX) {
				more = 1;
				continue;
			}
			int fmt = nf == 0 ? 0 : nf == 1 ? be16(fmts) : be16(fmts + 2 * i);
			uint32_t oid = st && i < st->noids ? st->oids[i] : 0;
			char lab[16];
			int ll = snprintf(lab, sizeof(lab), "%s$%d=", i ? ", " : "", i + 1);
			if (i)
				sb_s(&j, ",");
			sb_put(&l, lab, (size_t)ll);
			if (have < (size_t)(vl < 0 ? 0 : vl)) { /* cut: show what is there as cut */
				param_show(&j, &l, v, have, 1, 0);
				more = 1;
				break;
			}
			param_show(&j, &l, v, have, fmt == 1, oid);
		}
		if (more || j.full || l.full)
			sb_s(&l, ", \xe2\x80\xa6");
		if (j.full) { /* never: PJSON_CAP holds PARAMS_MAX values at their cap */
			j.n = 0;
			j.full = 0;
			sb_s(&j, "[");
		}
		sb_s(&j, "]");
	}
	if (bad || (c.bad && !m->cut)) {
		fe_bad(s, m, "Bind's parameters do not match its length", 1);
		return;
	}
	struct portal *po = calloc(1, sizeof(*po));
	if (!po)
		return;
	po->st = stmt_ref(st);
	po->stmt_name = strndup(sname, sl);
	if (np > 0) {
		po->pjson = strndup(pj, j.n);
		po->ptext = strndup(pt, l.n);
	}
	po->bind_ts = m->ts_first;
	po->bind_pid = m->pid;
	po->bind_tid = m->tid;
	struct exp *x = x_push(s, X_BIND);
	if (x)
		po->bind_exp = x->seq + 1;
	portal_put(s, pname, pl, po);
}

/* The target of an Execute whose statement or portal the map does not hold: which, and why. */
static void unknown_stmt(struct pg *s, struct tt_txn *t, const char *what, const char *name,
			 const char *why)
{
	char tg[TARGET_MAX];
	int k = snprintf(tg, sizeof(tg), "(unknown %s%s%.64s%s: %s)", what, name ? " \"" : "",
			 name ? name : "", name ? "\"" : "", why);
	if (k < 0)
		return;
	if ((size_t)k >= sizeof(tg))
		k = sizeof(tg) - 1;
	set_op(t, "EXECUTE");
	set_str(t, &t->target, tg, (size_t)k);
	PD(t)->flags |= PF_UNKNOWN;
	(void)s;
}

static void fe_execute(struct pg *s, const struct msg *m)
{
	struct cur c = {.p = m->b, .n = m->kept};
	const char *pname;
	size_t pl;
	int32_t maxrows;
	if (!c_str(&c, &pname, &pl) || !c_i32(&c, &maxrows) || !c_end(&c)) {
		fe_bad(s, m, "Execute does not match its length", 1);
		return;
	}
	struct portal *po = portal_get(s, pname, pl);
	struct stmt *st = po ? po->st : NULL;
	struct tt_txn *t = NULL;
	if (st && st->parse_txn && !(PD(st->parse_txn)->flags & PF_FINAL)) {
		/* Parse, Bind, Execute of one batch: one transaction (not a Parse that failed) */
		t = st->parse_txn;
		st->parse_txn = NULL;
		PD(t)->flags &= (uint16_t)~PF_OPEN_PARSE;
		PD(t)->kind = K_EXEC;
		req_add(t, m);
	} else {
		t = txn_new(s, K_EXEC, m);
		if (!t)
			return;
		struct exp *bx = po && po->bind_exp ? x_find(s, po->bind_exp - 1) : NULL;
		if (bx && bx->kind == X_BIND && po->bind_ts < t->req.ts_first) {
			t->req.ts_first = po->bind_ts; /* from its Bind, in the same batch */
			t->req.pid = po->bind_pid;
			t->req.tid = po->bind_tid;
		}
	}
	struct pg_detail *d = PD(t);
	if (st) {
		set_op(t, st->verb[0] ? st->verb : "?");
		set_sql(t, st->sql, st->sql_len);
		set_str(t, &d->statement, st->name, strlen(st->name));
	} else if (po) {
		unknown_stmt(s, t, "statement", po->stmt_name,
			     s->stmt_overflow  ? "not kept, too many statements"
			     : s->startup_seen ? "not prepared on this connection"
					       : "not seen in this recording");
		if (po->stmt_name)
			set_str(t, &d->statement, po->stmt_name, strlen(po->stmt_name));
	} else {
		char nm[80];
		snprintf(nm, sizeof(nm), "%.*s", (int)(pl < 64 ? pl : 64), pname);
		unknown_stmt(s, t, "portal", pl ? nm : NULL,
			     s->startup_seen ? "not bound on this connection"
					     : "not seen in this recording");
	}
	if (po && po->pjson) {
		set_str(t, &d->pjson, po->pjson, strlen(po->pjson));
		set_str(t, &d->ptext, po->ptext, strlen(po->ptext));
	}
	struct exp *bx = po && po->bind_exp ? x_find(s, po->bind_exp - 1) : NULL;
	if (bx && bx->kind == X_BIND && !bx->t)
		bx->t = t; /* a Bind error is this execution's */
	struct exp *x = x_push(s, X_EXECUTE);
	if (x)
		x->t = t;
}

static void fe_describe_close(struct pg *s, const struct msg *m)
{
	struct cur c = {.p = m->b, .n = m->kept};
	uint8_t what;
	const char *name;
	size_t nl;
	if (!c_u8(&c, &what) || (what != 'S' && what != 'P') || !c_str(&c, &name, &nl) ||
	    !c_end(&c)) {
		fe_bad(s, m, m->type == 'D' ? "Describe does not parse" : "Close does not parse",
		       1);
		return;
	}
	if (m->type == 'D') {
		struct exp *x = x_push(s, X_DESCRIBE);
		if (!x)
			return;
		/* Describe statement: its ParameterDescription fills the statement's types. (The
		 * answer is not tied to the Parse's transaction: that may go out first.) */
		if (what == 'S')
			x->st = stmt_ref(stmt_get(s, name, nl));
		return;
	}
	struct exp *x = x_push(s, X_CLOSE);
	if (!x)
		return;
	x->named = nl > 0;
	if (what == 'S')
		x->st = stmt_take(s, name, nl);
	else
		portal_del(s, name, nl);
}

/* Sync ends a batch: its bytes count for the batch's last transaction. */
static void fe_sync(struct pg *s, const struct msg *m)
{
	close_parses(s);
	if (s->pq.n) {
		struct tt_txn *t = s->pq.q[s->pq.n - 1];
		int k = PD(t)->kind;
		if (!t->resp.done && (k == K_EXEC || k == K_PREPARE || k == K_OTHER))
			req_add(t, m);
	}
	x_push(s, X_SYNC);
}

static void fe_function(struct pg *s, const struct msg *m)
{
	struct cur c = {.p = m->b, .n = m->kept};
	int32_t oid;
	int16_t nf, na = 0;
	if (!c_i32(&c, &oid) || !c_i16(&c, &nf) || nf < 0 || !c_skip(&c, (size_t)nf * 2) ||
	    !c_i16(&c, &na) || na < 0) {
		fe_bad(s, m, "FunctionCall does not parse", 1);
		return;
	}
	struct tt_txn *t = txn_new(s, K_FUNC, m);
	struct exp *x = t ? x_push(s, X_FUNC) : NULL;
	if (!x)
		return;
	x->t = t;
	char tg[64];
	int k = snprintf(tg, sizeof(tg), "oid %u (%d argument%s)", (uint32_t)oid, na,
			 na == 1 ? "" : "s");
	set_op(t, "FUNCTION");
	set_str(t, &t->target, tg, (size_t)k);
}

/* The transaction an authentication message belongs to (the startup's), or NULL. */
static struct tt_txn *startup_txn(struct pg *s)
{
	for (uint64_t q = s->head; q < s->tail; q++)
		if (x_at(s, q)->kind == X_STARTUP)
			return x_at(s, q)->t;
	return NULL;
}

static void fe_typed(struct pg *s, struct pdir *d, const struct msg *m)
{
	switch (m->type) {
	case 'Q':
		fe_query(s, m);
		break;
	case 'P':
		fe_parse(s, m);
		break;
	case 'B':
		fe_bind(s, m);
		break;
	case 'E':
		fe_execute(s, m);
		break;
	case 'D':
	case 'C':
		fe_describe_close(s, m);
		break;
	case 'S':
		fe_sync(s, m);
		break;
	case 'F':
		fe_function(s, m);
		break;
	case 'd':
	case 'c':
	case 'f':
		req_add(s->copy, m); /* COPY FROM STDIN: the data went to the body as it came */
		break;
	case 'p':
		req_add(startup_txn(s), m); /* counted, never kept */
		break;
	case 'X':
		d->mode = D_DEAD; /* Terminate: the connection ends */
		break;
	default: /* 'H' Flush: nothing to answer */
		break;
	}
}

/* --- backend messages -------------------------------------------------------------------- */

static const char *severity_word(const char *s, size_t n)
{
	static const char *const w[] = {"ERROR",  "FATAL", "PANIC", "WARNING",
					"NOTICE", "DEBUG", "INFO",  "LOG"};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (n == strlen(w[i]) && !memcmp(s, w[i], n))
			return w[i];
	return NULL;
}

struct efields {
	const char *sev, *code, *msg, *detail;
	size_t sevl, codel, msgl, detl;
	const char *vsev; /* the non-localised severity ('V'), if any */
	size_t vsevl;
};

/* The fields of an ErrorResponse / NoticeResponse; 0 when they do not parse. */
static int efields_parse(const struct msg *m, struct efields *e)
{
	struct cur c = {.p = m->b, .n = m->kept};
	memset(e, 0, sizeof(*e));
	for (;;) {
		uint8_t code;
		const char *v;
		size_t vl;
		if (!c_u8(&c, &code))
			return m->cut;
		if (!code)
			return m->cut || c_end(&c);
		if (!c_str(&c, &v, &vl))
			return m->cut;
		switch (code) {
		case 'S':
			e->sev = v, e->sevl = vl;
			break;
		case 'V':
			e->vsev = v, e->vsevl = vl;
			break;
		case 'C':
			e->code = v, e->codel = vl;
			break;
		case 'M':
			e->msg = v, e->msgl = vl;
			break;
		case 'D':
			e->detail = v, e->detl = vl;
			break;
		}
	}
}

static void error_fill(struct tt_txn *t, const struct efields *e)
{
	struct pg_detail *x = PD(t);
	const char *sv = e->vsev ? severity_word(e->vsev, e->vsevl) : NULL;
	if (!sv && e->sev)
		sv = severity_word(e->sev, e->sevl);
	x->severity = sv ? sv : "ERROR";
	if (e->code) {
		size_t k = e->codel < 5 ? e->codel : 5;
		memcpy(x->sqlstate, e->code, k);
		x->sqlstate[k] = 0;
	}
	if (e->msg)
		set_str(t, &x->message, e->msg, utf8_cut(e->msg, e->msgl, 1024));
	if (e->detail)
		set_str(t, &x->pdetail, e->detail, utf8_cut(e->detail, e->detl, 1024));
	x->flags |= PF_ERROR;
	t->outcome = TT_OUTCOME_ERROR;
}

static void notice_fill(struct tt_txn *t, const struct efields *e)
{
	if (t && e->msg && !PD(t)->notice)
		set_str(t, &PD(t)->notice, e->msg, utf8_cut(e->msg, e->msgl, 1024));
}

/* An ErrorResponse for t: its fields, or why they did not parse (it still is an error). */
static void error_apply(struct tt_txn *t, const struct efields *e)
{
	if (!t)
		return;
	if (e) {
		error_fill(t, e);
		return;
	}
	t->outcome = TT_OUTCOME_ERROR;
	PD(t)->flags |= PF_ERROR;
	if (!t->error)
		t->error = "ErrorResponse fields do not parse";
	t->flags |= TT_TXN_BROKEN;
}

/* CommandComplete: the tag and the rows it counts ("INSERT 0 1", "SELECT 3", "BEGIN"). */
static void tag_fill(struct tt_txn *t, const struct msg *m)
{
	struct pg_detail *x = PD(t);
	size_t n = m->kept;
	const char *tg = (const char *)m->b;
	const char *z = memchr(tg, 0, n);
	if (z)
		n = (size_t)(z - tg);
	n = utf8_cut(tg, n, 256);
	set_str(t, &x->tag, tg, n);
	const char *sp = n ? memrchr(tg, ' ', n) : NULL;
	if (sp && sp + 1 < tg + n) {
		uint64_t v = 0;
		const char *p = sp + 1;
		int ok = 1;
		for (; p < tg + n; p++) {
			if (*p < '0' || *p > '9' || v > UINT64_MAX / 10) {
				ok = 0;
				break;
			}
			v = v * 10 + (uint64_t)(*p - '0');
		}
		if (ok) {
			x->rows = v;
			x->flags |= PF_ROWS;
		}
	}
	if (!t->op || !strcmp(t->op, "WITH") || !strcmp(t->op, "?") || (x->flags & PF_UNKNOWN))
		op_from_tag(t, tg, n);
	t->outcome = TT_OUTCOME_OK;
}

/* DataRows counted, for a PortalSuspended or a tag without a count. */
static void rows_from_data(struct tt_txn *t)
{
	struct pg_detail *x = PD(t);
	if (!(x->flags & PF_ROWS) && x->data_rows) {
		x->rows = x->data_rows;
		x->flags |= PF_ROWS;
	}
}

static void on_notification(struct pg *s, const struct msg *m)
{
	struct cur c = {.p = m->b, .n = m->kept};
	int32_t pid;
	const char *ch, *pl;
	size_t cl, pll;
	if (!c_i32(&c, &pid) || !c_str(&c, &ch, &cl)) {
		be_lost(s, TT_TXN_BROKEN);
		return;
	}
	if (!c_str(&c, &pl, &pll)) {
		pl = (const char *)c.p + c.off;
		pll = c.n - c.off;
	}
	struct tt_txn *t = txn_make(s, K_NOTIFY, NULL);
	if (!t)
		return;
	set_op(t, "NOTIFICATION");
	set_str(t, &t->target, ch, utf8_cut(ch, cl, 256));
	set_str(t, &PD(t)->payload, pl, utf8_cut(pl, pll, 1024));
	PD(t)->backend_pid = (uint32_t)pid;
	resp_add(t, m);
	finalize(t);
	t->outcome = TT_OUTCOME_OK;
	emit_now(s, t);
}

/* An answer whose request the recording lacks, assembled until its end. */
static void emit_orphan(struct pg *s, uint32_t flags)
{
	struct tt_txn *t = s->orphan;
	if (!t)
		return;
	s->orphan = NULL;
	t->flags |= flags;
	if (!flags)
		t->resp.complete = 1;
	rows_from_data(t);
	emit_now(s, t);
}

static void orphan(struct pg *s, const struct msg *m)
{
	uint8_t ty = m->type;
	int quiet = s->bsync && s->head == s->tail; /* nothing asked: the server speaks */
	if (ty == 'Z') {
		resp_add(s->orphan, m);
		emit_orphan(s, 0);
		/* whatever was asked since the loss cannot be told from the answers it may have
		 * had: given up; the two directions are in step from here */
		give_up(s, TT_TXN_NO_RESPONSE);
		s->bsync = 1;
		return;
	}
	if (quiet && (ty == 'N' || ty == 'E')) {
		struct efields e;
		struct tt_txn *t = txn_make(s, K_ASYNC, NULL);
		if (!t)
			return;
		if (efields_parse(m, &e)) {
			error_fill(t, &e);
			if (ty == 'N')
				t->outcome = TT_OUTCOME_OK;
			set_op(t, PD(t)->severity);
		} else {
			t->error = "ErrorResponse fields do not parse";
			t->flags |= TT_TXN_BROKEN;
		}
		resp_add(t, m);
		finalize(t);
		emit_now(s, t);
		return;
	}
	if (quiet && (ty == 'S' || ty == 'K' || ty == 'R' || ty == 'v'))
		return; /* startup remnants, parameter changes */
	if (s->bsync) { /* an answer to something not seen: out of step until a ReadyForQuery */
		s->bsync = 0;
		s->barrier = s->tail;
	}
	if (!s->orphan) {
		if (strchr("123ntcdSKRvV", ty))
			return; /* parts of answers too small to show on their own */
		struct tt_txn *t = txn_make(s, K_OTHER, NULL);
		if (!t)
			return;
		t->flags |= TT_TXN_NO_REQUEST;
		s->orphan = t;
	}
	struct tt_txn *t = s->orphan;
	resp_add(t, m);
	struct efields e;
	switch (ty) {
	case 'D':
		PD(t)->data_rows++;
		break;
	case 'C':
		tag_fill(t, m);
		emit_orphan(s, 0);
		break;
	case 'I':
		PD(t)->flags |= PF_EMPTY;
		t->outcome = TT_OUTCOME_OK;
		emit_orphan(s, 0);
		break;
	case 's':
		PD(t)->flags |= PF_SUSPENDED;
		t->outcome = TT_OUTCOME_OK;
		emit_orphan(s, 0);
		break;
	case 'E':
		error_apply(t, efields_parse(m, &e) ? &e : NULL);
		emit_orphan(s, 0);
		break;
	case 'N':
		if (efields_parse(m, &e))
			notice_fill(t, &e);
		break;
	}
}

/* An SQL identifier at *p (unquoted: folded to lower case, as the server does) into out (size
 * 64); its length, 0 when there is none. */
static size_t sql_ident(const char **p, const char *end, char *out)
{
	const char *q = *p;
	size_t k = 0;
	while (q < end && is_space((uint8_t)*q))
		q++;
	if (q < end && *q == '"') {
		for (q++; q < end && k < 63; q++) {
			if (*q == '"') {
				if (q + 1 < end && q[1] == '"')
					q++;
				else
					break;
			}
			out[k++] = *q;
		}
		if (q < end)
			q++;
	} else {
		while (q < end && k < 63 && is_ident((uint8_t)*q)) {
			char c = *q++;
			out[k++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
	}
	out[k] = 0;
	*p = q;
	return k;
}

static uint32_t type_oid(const char *s, size_t n)
{
	static const struct {
		const char *name;
		uint32_t oid;
	} ty[] = {{"INT", OID_INT4},	{"INTEGER", OID_INT4}, {"INT4", OID_INT4},
		  {"BIGINT", OID_INT8}, {"INT8", OID_INT8},    {"SMALLINT", OID_INT2},
		  {"INT2", OID_INT2},	{"BOOL", OID_BOOL},    {"BOOLEAN", OID_BOOL},
		  {"OID", OID_OID}};
	for (size_t i = 0; i < sizeof(ty) / sizeof(ty[0]); i++)
		if (word_is(s, n, ty[i].name))
			return ty[i].oid;
	return 0;
}

/* SQL-level PREPARE name [(types)] AS statement: the same table as protocol-level ones. */
static void sql_prepare(struct pg *s, const char *q, size_t n)
{
	const char *p = q + 7, *end = q + n; /* after PREPARE */
	char name[64];
	size_t nl = sql_ident(&p, end, name);
	if (!nl)
		return;
	struct stmt *st = calloc(1, sizeof(*st));
	if (!st)
		return;
	st->refs = 1;
	while (p < end && is_space((uint8_t)*p))
		p++;
	if (p < end && *p == '(') { /* parameter types, as far as they tell an integer */
		p++;
		while (p < end && *p != ')' && st->noids < OIDS_MAX) {
			while (p < end && (is_space((uint8_t)*p) || *p == ','))
				p++;
			const char *w = p;
			while (p < end && *p != ',' && *p != ')')
				p++;
			const char *we = p;
			while (we > w && is_space((uint8_t)we[-1]))
				we--;
			st->oids[st->noids++] = type_oid(w, (size_t)(we - w));
		}
		while (p < end && *p != ')')
			p++;
		if (p < end)
			p++;
	}
	while (p < end && is_space((uint8_t)*p))
		p++;
	if (end - p < 3 || !word_is(p, 2, "AS") || !is_space((uint8_t)p[2])) {
		free(st);
		return;
	}
	p += 3;
	st->name = strndup(name, nl);
	st->sql = strndup(p, (size_t)(end - p));
	if (!st->name || !st->sql) {
		stmt_unref(st);
		return;
	}
	st->sql_len = (size_t)(end - p);
	st->bytes = sizeof(*st) + nl + st->sql_len + 2;
	sql_verb(st->sql, st->sql_len, st->verb);
	stmt_unref(stmt_put(s, st));
	stmt_unref(st);
}

/* A statement that succeeded and changes the statement table: PREPARE, DEALLOCATE [ALL],
 * DISCARD ALL. */
static void sql_effects(struct pg *s, struct tt_txn *t)
{
	const struct pg_detail *x = PDc(t);
	if (!x->tag || !x->query || !(t->outcome == TT_OUTCOME_OK))
		return;
	const char *q = x->query;
	size_t n = strlen(q);
	if (!strcmp(x->tag, "DEALLOCATE ALL") || !strcmp(x->tag, "DISCARD ALL")) {
		stmts_clear(s);
		if (!strcmp(x->tag, "DISCARD ALL"))
			portals_clear(s);
	} else if (!strcmp(x->tag, "DEALLOCATE") && n > 10) {
		const char *p = q + 10, *end = q + n;
		char name[64];
		const char *save = p;
		size_t nl = sql_ident(&p, end, name);
		if (nl && !strcmp(name, "prepare")) {
			save = p;
			nl = sql_ident(&p, end, name);
			if (!nl) {
				p = save;
				nl = 7;
				strcpy(name, "prepare"); /* a statement called prepare */
			}
		}
		if (nl)
			stmt_unref(stmt_take(s, name, nl));
	} else if (!strcmp(x->tag, "PREPARE") && n > 8 && word_is(q, 7, "PREPARE")) {
		sql_prepare(s, q, n);
	}
}

static int sync_kind(int k)
{
	return k == X_QUERY || k == X_SYNC || k == X_FUNC || k == X_STARTUP;
}

/* The current statement of a Query; past the statements split from its text (the server saw
 * more, or the text was cut), a transaction for the extra one. */
static struct tt_txn *q_current(struct pg *s, struct exp *x, const struct msg *m)
{
	if (x->cur < x->n)
		return q_txns(x)[x->cur];
	if (!x->t) {
		struct tt_txn *t = enqueue(s, txn_make(s, K_STMT, NULL));
		if (!t)
			return NULL;
		t->req.seen = 1; /* the Query that held it */
		t->req.ts_first = x->q_ts_first;
		t->req.ts_last = x->q_ts_last;
		t->req.pid = x->q_pid;
		t->req.tid = x->q_tid;
		char tg[96];
		int k = snprintf(tg, sizeof(tg),
				 "(statement %u of the query: not in the text kept)", x->cur + 1);
		set_op(t, "?"); /* the command tag may tell */
		set_str(t, &t->target, tg, (size_t)k);
		x->t = t;
	}
	(void)m;
	return x->t;
}

/* The statement just answered is over; the next answer is the next statement's. */
static void q_next(struct pg *s, struct exp *x, struct tt_txn *t)
{
	finalize(t);
	if (s->copy == t)
		s->copy = NULL;
	if (x->cur < x->n)
		x->cur++;
	else
		x->t = NULL;
}

/* An ErrorResponse to x (extended protocol): t has it, and the server skips to Sync. */
static void ext_error(struct pg *s, struct exp *x, const struct msg *m, const struct efields *e)
{
	struct tt_txn *t = x->t;
	if (!t) { /* a Bind/Describe/Close no Execute ran: the failure is its own transaction */
		static const char *const op[] = {
		    [X_BIND] = "BIND", [X_DESCRIBE] = "DESCRIBE", [X_CLOSE] = "CLOSE"};
		t = enqueue(s, txn_make(s, K_OTHER, NULL));
		if (t)
			set_op(t, x->kind < sizeof(op) / sizeof(op[0]) && op[x->kind] ? op[x->kind]
										      : "?");
	}
	if (t) {
		resp_add(t, m);
		error_apply(t, e);
		finalize(t);
		if (s->copy == t)
			s->copy = NULL;
	}
	x_undo(s, x);
	x_pop(s);
	struct exp *h;
	while ((h = x_head(s)) && h->kind != X_SYNC) {
		x_skipped(s, h);
		x_pop(s);
	}
	if (!h)
		s->be_skip = 1; /* what comes before the Sync is skipped too */
}

/* ReadyForQuery: expectations before the Sync or Query it answers were skipped by the server
 * (after an error) or, without an error, never answered (the streams disagree). */
static struct exp *z_target(struct pg *s)
{
	struct exp *x = x_head(s);
	if (!x || sync_kind(x->kind))
		return x;
	uint64_t q = s->head, end = s->bsync ? s->tail : s->barrier;
	while (q < end && !sync_kind(x_at(s, q)->kind))
		q++;
	if (q >= end)
		return NULL;
	while (s->head < q) {
		x = x_head(s);
		if (s->be_skip) {
			x_skipped(s, x);
		} else {
			struct tt_txn *t = x_txn(x);
			if (t && !(PD(t)->flags & PF_FINAL)) {
				t->flags |= TT_TXN_BROKEN | (t->resp.seen ? 0 : TT_TXN_NO_RESPONSE);
				finalize(t);
			}
		}
		x_pop(s);
	}
	return x_head(s);
}

static void be_typed(struct pg *s, const struct msg *m)
{
	uint8_t ty = m->type;
	if (ty == 'A') {
		on_notification(s, m);
		return;
	}
	struct exp *x = x_head(s);
	if (x && !s->bsync && x->seq >= s->barrier)
		x = NULL; /* may answer a request the recording lost */
	if (x && ty == 'Z')
		x = z_target(s);
	if (!x) {
		orphan(s, m);
		return;
	}
	struct tt_txn *t = x->t;
	if (x->kind == X_QUERY) {
		if (ty == 'Z' || ty == 'N' || ty == 'S') {
			t = x_txn(x); /* NULL past the last statement: that one may have gone out */
		} else {
			t = q_current(s, x, m);
		}
	}
	struct efields e;
	if (ty == 'N') {
		resp_add(t, m);
		if (efields_parse(m, &e))
			notice_fill(t, &e);
		return;
	}
	if (ty == 'S') { /* ParameterStatus: at startup, or after a SET */
		resp_add(t, m);
		struct cur c = {.p = m->b, .n = m->kept};
		const char *k, *v;
		size_t kl, vl;
		if (x->kind == X_STARTUP && t && c_str(&c, &k, &kl) && c_str(&c, &v, &vl) &&
		    word_is(k, kl, "SERVER_VERSION"))
			set_str(t, &PD(t)->server_version, v, utf8_cut(v, vl, 64));
		return;
	}
	if (ty == 'E') {
		int ok = efields_parse(m, &e);
		switch (x->kind) {
		case X_QUERY:
			if (t) {
				resp_add(t, m);
				error_apply(t, ok ? &e : NULL);
				q_next(s, x, t);
			}
			x->err = 1;
			for (uint32_t i = x->cur; i < x->n; i++)
				not_executed(s, q_txns(x)[i]);
			x->cur = x->n;
			return;
		case X_STARTUP:
		case X_SSL:
			if (t) {
				resp_add(t, m);
				error_apply(t, ok ? &e : NULL);
				finalize(t);
				t->resp.done = 1; /* the server closes the connection */
			}
			x_pop(s);
			flush(s);
			return;
		case X_FUNC:
			resp_add(t, m);
			error_apply(t, ok ? &e : NULL);
			return; /* its ReadyForQuery ends it */
		case X_SYNC: {	/* the implicit COMMIT at Sync failed */
			struct tt_txn *c = enqueue(s, txn_make(s, K_OTHER, NULL));
			if (c) {
				set_op(c, "COMMIT");
				set_str(c, &c->target, "(implicit, at Sync)", 19);
				resp_add(c, m);
				error_apply(c, ok ? &e : NULL);
				finalize(c);
			}
			return;
		}
		default:
			ext_error(s, x, m, ok ? &e : NULL);
			return;
		}
	}
	int fits = 0;
	switch (x->kind) {
	case X_STARTUP:
		if (ty == 'R' && t) {
			fits = m->kept >= 4;
			uint32_t code = fits ? be32(m->b) : 0;
			struct pg_detail *d = PD(t);
			static const char *const auth[] = {
			    [0] = "trust", [2] = "kerberos", [3] = "password", [5] = "md5",
			    [6] = "scm",   [7] = "gss",	     [9] = "sspi",     [10] = "sasl"};
			if (code == 10 && m->kept > 4) {
				const char *mech = (const char *)m->b + 4;
				size_t ml = strnlen(mech, m->kept - 4);
				d->auth = word_is(mech, ml, "SCRAM-SHA-256-PLUS")
					      ? "scram-sha-256-plus"
					  : word_is(mech, ml, "SCRAM-SHA-256") ? "scram-sha-256"
									       : "sasl";
			} else if (!d->auth && code < sizeof(auth) / sizeof(auth[0]) &&
				   auth[code]) {
				d->auth = auth[code];
			}
		} else if (ty == 'K' && t) {
			fits = 1;
			if (m->kept >= 4)
				PD(t)->backend_pid = be32(m->b);
		} else if (ty == 'v') {
			fits = 1;
		} else if (ty == 'Z' && t) {
			fits = 1;
			PD(t)->tx_status = m->kept ? (char)m->b[0] : 0;
			t->outcome = TT_OUTCOME_OK;
			finalize(t);
			x_pop(s);
			ready(s, m, m->kept ? (char)m->b[0] : 0);
			return;
		}
		resp_add(t, m);
		break;
	case X_QUERY:
	case X_EXECUTE:
		if (!t && ty != 'Z')
			return;
		switch (ty) {
		case 'T':
		case 'd':
		case 'c':
			fits = x->kind == X_QUERY || ty != 'T';
			resp_add(t, m);
			break;
		case 'D':
			fits = 1;
			PD(t)->data_rows++;
			resp_add(t, m);
			break;
		case 'G':
		case 'H':
		case 'W':
			fits = 1;
			PD(t)->flags |= ty == 'G'   ? PF_COPY_IN
					: ty == 'H' ? PF_COPY_OUT
						    : PF_COPY_IN | PF_COPY_OUT;
			s->copy = t;
			resp_add(t, m);
			break;
		case 'C':
		case 'I':
		case 's':
			if (ty == 's' && x->kind != X_EXECUTE)
				break;
			fits = 1;
			resp_add(t, m);
			if (ty == 'C')
				tag_fill(t, m);
			else
				t->outcome = TT_OUTCOME_OK;
			if (ty == 'I')
				PD(t)->flags |= PF_EMPTY;
			if (ty == 's')
				PD(t)->flags |= PF_SUSPENDED;
			rows_from_data(t);
			if (ty == 'C')
				sql_effects(s, t);
			if (x->kind == X_QUERY) {
				q_next(s, x, t);
			} else {
				finalize(t);
				if (s->copy == t)
					s->copy = NULL;
				x_pop(s);
			}
			break;
		case 'Z':
			if (x->kind != X_QUERY)
				break;
			fits = 1;
			for (uint32_t i = x->cur; i < x->n; i++) {
				struct tt_txn *u = q_txns(x)[i];
				if (!u || (PD(u)->flags & PF_FINAL))
					continue;
				if (x->err) {
					not_executed(s, u);
				} else {
					PD(u)->flags |= PF_NO_RESULT;
					finalize(u);
				}
			}
			if (x->t)
				finalize(x->t);
			x_pop(s);
			ready(s, m, m->kept ? (char)m->b[0] : 0);
			return;
		}
		break;
	case X_PARSE:
		if (ty == '1') {
			fits = 1;
			resp_add(t, m);
			if (t) {
				PD(t)->flags |= PF_PARSED;
				if (PD(t)->kind == K_PREPARE) {
					t->outcome = TT_OUTCOME_OK;
					if (!(PD(t)->flags & PF_OPEN_PARSE))
						finalize(t);
				}
			}
			x_pop(s);
		}
		break;
	case X_BIND:
	case X_CLOSE:
		if (ty == (x->kind == X_BIND ? '2' : '3')) {
			fits = 1;
			resp_add(t, m);
			x_pop(s);
		}
		break;
	case X_DESCRIBE:
		if (ty == 't') {
			fits = 1;
			resp_add(t, m);
			struct stmt *st = x->st;
			int16_t n;
			struct cur c = {.p = m->b, .n = m->kept};
			if (st && !st->oids_known && c_i16(&c, &n) && n >= 0) {
				for (int i = 0; i < n && i < OIDS_MAX; i++) {
					int32_t o;
					if (!c_i32(&c, &o))
						break;
					st->oids[i] = (uint32_t)o;
					st->noids = (uint16_t)(i + 1);
				}
				st->oids_known = 1;
			}
		} else if (ty == 'T' || ty == 'n') {
			fits = 1;
			resp_add(t, m);
			x_pop(s);
		}
		break;
	case X_SYNC:
		if (ty == 'Z') {
			fits = 1;
			x_pop(s);
			ready(s, m, m->kept ? (char)m->b[0] : 0);
			return;
		}
		break;
	case X_FUNC: /* FunctionCallResponse or ErrorResponse, then ReadyForQuery, as a Query */
		if (ty == 'V' && t) {
			fits = 1;
			resp_add(t, m);
			int32_t l = m->kept >= 4 ? (int32_t)be32(m->b) : -1;
			if (l < 0)
				PD(t)->flags |= PF_FUNC_NULL;
			else
				PD(t)->func_len = (uint32_t)l;
			t->outcome = TT_OUTCOME_OK;
		} else if (ty == 'Z') {
			fits = 1;
			finalize(t);
			x_pop(s);
			ready(s, m, m->kept ? (char)m->b[0] : 0);
			return;
		}
		break;
	}
	if (!fits) { /* an answer that is not the one awaited: out of step */
		be_lost(s, TT_TXN_BROKEN);
		orphan(s, m);
	}
}

/* --- framing ----------------------------------------------------------------------------- */

static int fe_type(uint8_t t)
{
	return t && strchr("QPBEDCSHXFdcfp", t);
}

static int be_type(uint8_t t)
{
	return t && strchr("RKSZTDCENA123nIstGHWdcVv", t);
}

/* NULL when a typed header of this type and declared length can be PostgreSQL's, else why. */
static const char *header_check(int fe, uint8_t ty, uint32_t len)
{
	if (!(fe ? fe_type(ty) : be_type(ty)))
		return fe ? "unknown frontend message type" : "unknown backend message type";
	if (len < 4)
		return "declared length below 4";
	if (len > MSG_MAX)
		return "declared length over 1 GiB";
	uint32_t min = 4, max = MSG_MAX;
	if (fe) {
		switch (ty) {
		case 'S':
		case 'H':
		case 'X':
		case 'c':
			max = 4;
			break;
		case 'E':
			min = 9;
			break;
		case 'D':
		case 'C':
			min = 6;
			break;
		case 'Q':
		case 'f':
			min = 5;
			break;
		case 'P':
			min = 8;
			break;
		case 'B':
		case 'F':
			min = 12;
			break;
		}
	} else {
		switch (ty) {
		case 'Z':
			min = max = 5;
			break;
		case '1':
		case '2':
		case '3':
		case 'n':
		case 'I':
		case 's':
		case 'c':
			max = 4;
			break;
		case 'K':
			min = 12;
			max = 12 + 256;
			break;
		case 'R':
		case 'V':
			min = 8;
			break;
		case 'C':
		case 'E':
		case 'N':
			min = 5;
			break;
		case 'T':
		case 'D':
		case 't':
		case 'S':
			min = 6;
			break;
		case 'A':
			min = 10;
			break;
		case 'G':
		case 'H':
		case 'W':
			min = 7;
			break;
		case 'v':
			min = 12;
			break;
		}
	}
	return len < min || len > max ? "declared length wrong for the message type" : NULL;
}

/* Body bytes a message keeps (the rest is counted). */
static uint32_t keep_of(int fe, uint8_t ty, uint64_t blen)
{
	uint32_t k = KEEP_SMALL;
	if (fe) {
		if (ty == 'Q' || ty == 'P' || ty == 'B')
			k = KEEP_BIG;
		else if (strchr("dpSHXc", ty))
			k = 0; /* CopyData goes to the body as it comes; passwords nowhere */
	} else if (strchr("Dd123nIsc", ty)) {
		k = 0;
	}
	return blen < k ? (uint32_t)blen : k;
}

/* The body of a message of this type and declared body length L is well-formed, as far as the
 * first have bytes of it show (have == L: the whole of it): 1, or 0 when those bytes already
 * say it is not (for resynchronising and detection: stricter than the framing needs). */
static int body_valid(int fe, uint8_t ty, const uint8_t *b, size_t have, size_t L)
{
	struct cur c = {.p = b, .n = have < L ? have : L};
	const char *s;
	size_t sl;
	int16_t n, nf;
	int32_t v;
	uint8_t u;
	int part = have < L;
/* a read past what is seen: fine when more is to come */
#define R(e)                                                                                       \
	do {                                                                                       \
		if (!(e))                                                                          \
			return c.bad && part;                                                      \
	} while (0)
/* the message ends here */
#define END() return part ? c.off == c.n : c.off == L
	if (fe) {
		switch (ty) {
		case 'Q': {
			const uint8_t *z = memchr(b, 0, c.n);
			return part ? !z : L >= 1 && z == b + L - 1;
		}
		case 'P':
			R(c_str(&c, &s, &sl));
			R(c_str(&c, &s, &sl));
			R(c_i16(&c, &n));
			return n >= 0 && L - c.off == (size_t)n * 4;
		case 'B':
			R(c_str(&c, &s, &sl));
			R(c_str(&c, &s, &sl));
			R(c_i16(&c, &nf));
			if (nf < 0)
				return 0;
			R(c_skip(&c, (size_t)nf * 2));
			R(c_i16(&c, &n));
			if (n < 0 || (nf > 1 && nf != n))
				return 0;
			for (int i = 0; i < n; i++) {
				R(c_i32(&c, &v));
				if (v < -1 || (v > 0 && (size_t)v > L - c.off))
					return 0;
				R(v <= 0 || c_skip(&c, (size_t)v));
			}
			R(c_i16(&c, &n));
			if (n < 0)
				return 0;
			R(c_skip(&c, (size_t)n * 2));
			END();
		case 'E':
			R(c_str(&c, &s, &sl));
			R(c_i32(&c, &v));
			END();
		case 'D':
		case 'C':
			R(c_u8(&c, &u));
			if (u != 'S' && u != 'P')
				return 0;
			R(c_str(&c, &s, &sl));
			END();
		case 'S':
		case 'H':
		case 'X':
		case 'c':
			return L == 0;
		case 'f':
			R(c_str(&c, &s, &sl));
			END();
		case 'F':
			R(c_i32(&c, &v));
			R(c_i16(&c, &nf));
			if (nf < 0)
				return 0;
			R(c_skip(&c, (size_t)nf * 2));
			R(c_i16(&c, &n));
			if (n < 0)
				return 0;
			for (int i = 0; i < n; i++) {
				int32_t al;
				R(c_i32(&c, &al));
				if (al < -1 || (al > 0 && (size_t)al > L - c.off))
					return 0;
				R(al <= 0 || c_skip(&c, (size_t)al));
			}
			R(c_i16(&c, &n));
			END();
		}
		return 0;
	}
	switch (ty) {
	case 'R':
		R(c_i32(&c, &v));
		switch (v) {
		case 0:
		case 2:
		case 3:
		case 6:
		case 7:
		case 9:
			return L == 4;
		case 5:
			return L == 8;
		case 10:
			return L > 5 && (part || (b[L - 1] == 0 && b[L - 2] == 0));
		case 8:
		case 11:
		case 12:
			return 1;
		}
		return 0;
	case 'K':
		return L >= 8;
	case 'S':
		R(c_str(&c, &s, &sl));
		R(c_str(&c, &s, &sl));
		END();
	case 'Z':
		return L == 1 && (part || b[0] == 'I' || b[0] == 'T' || b[0] == 'E');
	case 'T':
		R(c_i16(&c, &n));
		if (n < 0)
			return 0;
		for (int i = 0; i < n; i++) {
			R(c_str(&c, &s, &sl));
			R(c_skip(&c, 18));
		}
		END();
	case 'D':
		R(c_i16(&c, &n));
		if (n < 0)
			return 0;
		for (int i = 0; i < n; i++) {
			R(c_i32(&c, &v));
			if (v < -1 || (v > 0 && (size_t)v > L - c.off))
				return 0;
			R(v <= 0 || c_skip(&c, (size_t)v));
		}
		END();
	case 'C': {
		if (c.n && (b[0] < 'A' || b[0] > 'Z'))
			return 0;
		const uint8_t *z = memchr(b, 0, c.n);
		return part ? !z : L >= 2 && z == b + L - 1;
	}
	case 'E':
	case 'N':
		for (;;) {
			R(c_u8(&c, &u));
			if (!u)
				END();
			if (u < 'A' || u > 'z')
				return 0;
			R(c_str(&c, &s, &sl));
		}
	case 'A':
		R(c_i32(&c, &v));
		R(c_str(&c, &s, &sl));
		R(c_str(&c, &s, &sl));
		END();
	case '1':
	case '2':
	case '3':
	case 'n':
	case 'I':
	case 's':
	case 'c':
		return L == 0;
	case 't':
		R(c_i16(&c, &n));
		return n >= 0 && L - c.off == (size_t)n * 4;
	case 'G':
	case 'H':
	case 'W':
		R(c_u8(&c, &u));
		if (u > 1)
			return 0;
		R(c_i16(&c, &n));
		return n >= 0 && L - c.off == (size_t)n * 2;
	case 'V':
		R(c_i32(&c, &v));
		return v == -1 ? L == 4 : v >= 0 && L - c.off == (size_t)v;
	case 'v':
		R(c_i32(&c, &v));
		R(c_i32(&c, &v));
		if (v < 0)
			return 0;
		for (int i = 0; i < v; i++)
			R(c_str(&c, &s, &sl));
		END();
	}
	return 0;
#undef R
#undef END
}

/* How well p looks like a run of typed messages of one direction: 2 per whole valid message,
 * 1 more for a plausible start of one cut by the end; -1 when the first does not fit. */
static int chain_score(int fe, const uint8_t *p, size_t n)
{
	int score = 0;
	size_t i = 0;
	while (i < n) {
		uint8_t ty = p[i];
		if (!(fe ? fe_type(ty) : be_type(ty)) || ty == 'p')
			return score ? score : -1;
		if (n - i < 5)
			return score + (i == 0 ? 0 : 1);
		uint32_t len = be32(p + i + 1);
		if (header_check(fe, ty, len))
			return score ? score : -1;
		if ((size_t)len + 1 > n - i)
			return score + (n - i > 5 && ty != 'd' &&
					body_valid(fe, ty, p + i + 5, n - i - 5, len - 4));
		if (ty == 'd' || !body_valid(fe, ty, p + i + 5, len - 4, len - 4))
			return score ? score : -1;
		score += 2;
		i += (size_t)len + 1;
	}
	return score;
}

/* Resynchronising over the bytes held (p, n; call0: p[0] started a call): SC_FOUND when a
 * message that validates in full starts at *at (a message with a body, or an empty one followed
 * by a plausible header or starting or ending what is held), SC_NEED when more bytes decide about
 * the candidate at *at (what is seen of it is well-formed so far), SC_NONE when nothing here can
 * start a message. A message longer than the buffer is taken only where a call starts, on its
 * first SCAN_DECIDE bytes. Decisions depend on the bytes alone, never on how they were cut. */
enum { SC_NONE, SC_FOUND, SC_NEED };

static int scan(int fe, const uint8_t *p, size_t n, int call0, size_t *at)
{
	size_t work = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t ty = p[i];
		if (ty == 'd' || ty == 'p' || !(fe ? fe_type(ty) : be_type(ty)))
			continue;
		*at = i;
		if (n - i < 5)
			return SC_NEED;
		uint32_t len = be32(p + i + 1);
		if (header_check(fe, ty, len))
			continue;
		size_t total = (size_t)len + 1, have = n - i - 5;
		if (work > SCAN_WORK_MAX)
			return SC_NONE;
		work += total < n - i ? total : n - i;
		size_t seen = total <= n - i ? len - 4 : have;
		if (total > SCAN_CAP && seen > SCAN_DECIDE)
			seen = SCAN_DECIDE; /* judged on a prefix of fixed size */
		if (!body_valid(fe, ty, p + i + 5, seen, len - 4))
			continue; /* what is seen of it already says no */
		if (total > n - i) {
			if (total <= SCAN_CAP)
				return SC_NEED; /* all of it will be held */
			if (i > 0 || !call0)
				continue; /* longer than what is held, not where a call starts */
			return have < SCAN_DECIDE ? SC_NEED : SC_FOUND;
		}
		size_t j = i + total;
		if (len > 4 || (i == 0 && call0) || j == n)
			return SC_FOUND; /* an empty one: where a call starts or ends, or */
		if (n - j < 5)
			return SC_NEED;
		if (!header_check(fe, p[j], be32(p + j + 1)))
			return SC_FOUND; /* before another plausible header */
	}
	return SC_NONE;
}

static void msg_reset(struct pdir *d)
{
	d->hlen = 0;
	d->left = 0;
	d->len = 0;
	d->holes = 0;
	tt_buf_reset(&d->body);
}

/* A backend message that does not parse: the answer in progress says why; answers are lost. */
static void be_bad(struct pg *s, const char *why)
{
	struct exp *x = x_head(s);
	struct tt_txn *t = NULL;
	if (x && (s->bsync || x->seq < s->barrier))
		t = x_txn(x);
	if (!t)
		t = s->orphan;
	if (t) {
		if (!t->error)
			t->error = why;
		t->flags |= TT_TXN_BROKEN;
	} else if ((t = txn_make(s, K_OTHER, NULL))) {
		t->error = why;
		t->flags |= TT_TXN_BROKEN | TT_TXN_NO_REQUEST;
		t->resp.seen = 1;
		t->resp.ts_first = t->resp.ts_last = s->ch ? s->ch->ts : 0;
		emit_now(s, t);
	}
	be_lost(s, TT_TXN_BROKEN);
}

static void dir_bad(struct pg *s, struct pdir *d, const char *why)
{
	if (d->dir == s->fe) {
		struct msg m = {.type = d->hsz == 5 ? d->type : 0,
				.wire = d->hlen,
				.ts_first = d->ts_first,
				.ts_last = s->ch ? s->ch->ts : d->ts_first,
				.pid = d->pid,
				.tid = d->tid};
		fe_bad(s, &m, why, 0);
	} else {
		be_bad(s, why);
	}
	msg_reset(d);
	d->mode = D_SCAN;
}

static void copy_body(struct pg *s, struct pdir *d, const uint8_t *p, size_t n, int gap)
{
	struct tt_txn *t = s->copy;
	if (!t || !n)
		return;
	struct tt_msg *m = d->dir == s->fe ? &t->req : &t->resp;
	tt_msg_add_body(m, p, n, s->env->body_cap);
	if (gap) {
		m->gap = 1;
		t->flags |= TT_TXN_GAP;
	}
}

/* A whole message (or one whose end was counted past what was kept): handle it. */
static void deliver(struct pg *s, struct pdir *d)
{
	struct msg m = {.type = d->hsz == 5 ? d->type : 0,
			.b = tt_buf_data(&d->body),
			.kept = tt_buf_len(&d->body),
			.len = d->len - 4,
			.holes = d->holes,
			.wire = (uint64_t)d->len + (d->hsz == 5),
			.ts_first = d->ts_first,
			.ts_last = s->ch ? s->ch->ts : d->ts_first,
			.pid = d->pid,
			.tid = d->tid};
	static const uint8_t none[1];
	if (!m.b)
		m.b = none;
	m.cut = m.kept < m.len;
	d->nmsgs++;
	int fe = d->dir == s->fe;
	if (fe) {
		prepare(s);
		if (d->hsz == 4)
			fe_untyped(s, d, &m);
		else
			fe_typed(s, d, &m);
	} else {
		be_typed(s, &m);
	}
	msg_reset(d);
}

/* The one-byte answer to an SSLRequest/GSSENCRequest, when one is awaited; 0: not one. */
static int ssl_answer(struct pg *s, uint8_t b)
{
	struct exp *x = x_head(s);
	if (!x || x->kind != X_SSL || !(s->bsync || x->seq < s->barrier) || b == 'E')
		return 0;
	struct tt_txn *t = x->t;
	struct msg m = {.type = b,
			.wire = 1,
			.ts_first = s->ch->ts,
			.ts_last = s->ch->ts,
			.pid = s->ch->pid,
			.tid = s->ch->tid};
	resp_add(t, &m);
	if (b == 'N') { /* refused: the startup follows in the clear */
		t->outcome = TT_OUTCOME_OK;
		s->ssl = t;
		x_pop(s);
		return 1;
	}
	if (b == (x->gss ? 'G' : 'S')) { /* encrypted from here on */
		PD(t)->flags |= PF_TLS;
		t->outcome = TT_OUTCOME_OK;
		finalize(t);
		t->resp.done = 1;
		x_pop(s);
		s->tls = 1;
		flush(s);
		return 1;
	}
	t->error = "unexpected answer to an encryption request";
	return -1;
}

/* Decides which direction is the frontend's from the first bytes of dir; 0: cannot tell. */
static int classify(struct pg *s, int dir, const uint8_t *p, size_t n)
{
	if (p[0] == 0) {
		s->fe = dir;
		return 1;
	}
	int f = chain_score(1, p, n), b = chain_score(0, p, n);
	if (f == b)
		return 0;
	s->fe = f > b ? dir : dir ^ 1;
	return 1;
}

/* Frames bytes in D_UNTYPED / D_TYPED; returns how many it took: all of them, or fewer when
 * the direction went to D_SCAN (a message did not parse), D_DEAD or TLS. */
static size_t frame(struct pg *s, struct pdir *d, const uint8_t *p, size_t n, uint64_t ts)
{
	size_t used = 0;
	while (used < n && !s->tls && (d->mode == D_TYPED || d->mode == D_UNTYPED)) {
		int fe = d->dir == s->fe;
		const uint8_t *q = p + used;
		size_t left = n - used;
		if (!d->hlen && !d->left) { /* a message starts */
			if (!fe && d->mode == D_TYPED) {
				int r = ssl_answer(s, q[0]);
				if (r > 0) {
					used++;
					continue;
				}
				if (r < 0) {
					used++;
					dir_bad(s, d, "unexpected answer to an encryption request");
					break;
				}
			}
			d->ts_first = ts;
			d->pid = s->ch->pid;
			d->tid = s->ch->tid;
			d->hsz = d->mode == D_UNTYPED ? 4 : 5;
		}
		if (d->hlen < d->hsz) {
			size_t need = (size_t)(d->hsz - d->hlen), take = need < left ? need : left;
			memcpy(d->hdr + d->hlen, q, take);
			d->hlen = (uint8_t)(d->hlen + take);
			used += take;
			if (d->hlen < d->hsz)
				break;
			const char *why = NULL;
			if (d->hsz == 4) {
				d->type = 0;
				d->len = be32(d->hdr);
				if (d->len < 8 || d->len > STARTUP_MAX)
					why = "startup message length out of range";
			} else {
				d->type = d->hdr[0];
				d->len = be32(d->hdr + 1);
				why = header_check(fe, d->type, d->len);
			}
			if (why) {
				dir_bad(s, d, why);
				break;
			}
			d->left = d->len - 4;
			d->keep = d->hsz == 4 ? (uint32_t)d->left : keep_of(fe, d->type, d->left);
			if (!d->left)
				deliver(s, d);
			continue;
		}
		size_t take = d->left < left ? (size_t)d->left : left;
		if (d->type == 'd' && d->hsz == 5)
			copy_body(s, d, q, take, 0);
		size_t kept = tt_buf_len(&d->body);
		if (kept < d->keep) {
			size_t k = d->keep - kept < take ? d->keep - kept : take;
			if (tt_buf_append(&d->body, q, k) < 0)
				d->keep = (uint32_t)kept; /* no memory: the rest is counted */
		}
		d->left -= take;
		used += take;
		if (!d->left)
			deliver(s, d);
	}
	return used;
}

/* One chunk of a direction: framed, or held and scanned while resynchronising. Bytes held for
 * the scan are framed from the held buffer once a message is found (no recursion: a message
 * that fails again sends the rest back to the scan). */
static void feed_dir(struct pg *s, struct pdir *d, const uint8_t *p, size_t n)
{
	int call = 1;
	struct tt_buf *sb = &d->scanb;
	while (!s->tls && d->mode != D_DEAD) {
		int fe = d->dir == s->fe;
		if (d->mode == D_START) {
			if (!n)
				return;
			if (fe)
				d->mode = p[0] == 0 ? D_UNTYPED : D_SCAN;
			else
				d->mode = s->startup_seen ? D_TYPED : D_SCAN;
		}
		if (d->mode == D_SCAN) {
			if (n) { /* top up what is held */
				if (!tt_buf_len(sb)) {
					d->scan0_call = call;
					d->scan_ts = s->ch->ts;
				}
				size_t room = SCAN_CAP - tt_buf_len(sb), k = n < room ? n : room;
				if (tt_buf_append(sb, p, k) < 0) {
					tt_buf_reset(sb);
					return; /* no memory: these bytes are lost */
				}
				p += k;
				n -= k;
				call = 0;
			}
			if (!tt_buf_len(sb))
				return;
			size_t at = 0;
			int r = scan(fe, tt_buf_data(sb), tt_buf_len(sb), d->scan0_call, &at);
			if (r == SC_NONE) {
				tt_buf_reset(sb);
				if (!n)
					return;
				continue;
			}
			tt_buf_consume(sb, at);
			if (at)
				d->scan0_call = 0;
			if (r == SC_NEED) {
				if (!n)
					return;
				continue;
			}
			d->mode = D_TYPED;
		}
		if (tt_buf_len(sb)) { /* what the scan held comes first */
			size_t k = frame(s, d, tt_buf_data(sb), tt_buf_len(sb), d->scan_ts);
			tt_buf_consume(sb, k);
			if (!tt_buf_len(sb))
				tt_buf_reset(sb);
			else
				d->scan0_call = 0;
			continue;
		}
		if (!n)
			return;
		size_t k = frame(s, d, p, n, s->ch->ts);
		p += k;
		n -= k;
		call = 0;
	}
}

/* len bytes of dir were lost (gap) or came without content. */
static void feed_hole(struct pg *s, struct pdir *d, uint64_t len, int gap)
{
	if (s->tls || d->mode == D_DEAD || s->fe < 0)
		return;
	if ((d->mode == D_TYPED || d->mode == D_UNTYPED) && d->hlen && d->hlen == d->hsz &&
	    d->left && len != TT_LEN_UNKNOWN && len <= d->left) {
		/* inside a body: step over by count; what was kept stays a prefix */
		if (d->type == 'd' && d->hsz == 5)
			copy_body(s, d, NULL, (size_t)len, gap);
		d->holes |= gap;
		d->keep = (uint32_t)tt_buf_len(&d->body);
		d->left -= len;
		if (!d->left)
			deliver(s, d);
		return;
	}
	msg_reset(d);
	tt_buf_reset(&d->scanb);
	d->mode = D_SCAN; /* after a loss, even in the startup phase: typed messages from here */
	if (d->dir == s->fe)
		fe_lost(s);
	else
		be_lost(s, gap ? TT_TXN_GAP : TT_TXN_BROKEN);
}

/* --- detection --------------------------------------------------------------------------- */

/* One direction's first bytes: a startup message (100), typed messages, or not PostgreSQL. */
static int detect_dir(const uint8_t *p, size_t n, int *more)
{
	if (p[0] == 0) {
		if (n < 8) {
			if (n < 4 || (be32(p) >= 8 && be32(p) <= STARTUP_MAX))
				*more = 1;
			return TT_DETECT_NO;
		}
		uint32_t len = be32(p), code = be32(p + 4);
		if ((code == CODE_SSL || code == CODE_GSSENC) && len == 8)
			return 100;
		if (code == CODE_CANCEL && len == 16)
			return 100;
		if ((code == CODE_V3 || code == CODE_V3_2) && len > 9 && len <= STARTUP_MAX) {
			/* parameter names are printable words */
			size_t end = n < len ? n : len;
			for (size_t i = 8; i < end; i++)
				if (p[i] && (p[i] < 0x20 || p[i] == 0x7f))
					return TT_DETECT_NO;
			return 100;
		}
		if ((code >> 16) >= 1 && (code >> 16) <= 9 && (code & 0xffff) < 100 && len > 9 &&
		    len <= STARTUP_MAX) {
			size_t end =
			    n < len ? n : len; /* another version: the server will say no */
			for (size_t i = 8; i < end; i++)
				if (p[i] && (p[i] < 0x20 || p[i] == 0x7f))
					return TT_DETECT_NO;
			return 70;
		}
		return TT_DETECT_NO;
	}
	int f = chain_score(1, p, n), b = chain_score(0, p, n);
	int best = f > b ? f : b;
	if (best < 0)
		return TT_DETECT_NO;
	if (p[0] == 'R' && b >= 2)
		return 90; /* an authentication request: the server's first message */
	if (best >= 4)
		return 75;
	if (best >= 2)
		return 55;
	if (n < 64) {
		*more = 1;
		return TT_DETECT_NO;
	}
	return best == 1 ? 35 : TT_DETECT_NO;
}

static int pg_detect(const struct tt_detect *dt)
{
	int best = TT_DETECT_NO, more = 0;
	for (int i = 0; i < 2; i++) {
		if (!dt->len[i])
			continue;
		int r = detect_dir(dt->buf[i], dt->len[i], &more);
		if (r > best)
			best = r;
	}
	if (best && best < 100 && dt->ci &&
	    (dt->ci->local.port == 5432 || dt->ci->remote.port == 5432))
		best += 5; /* the usual port: a tie-breaker, never a reason */
	if (best)
		return best;
	return more ? TT_DETECT_MORE : TT_DETECT_NO;
}

/* --- the session ------------------------------------------------------------------------- */

static void *pg_open(struct tt_proto_env *env, const struct tt_conn_info *ci,
		     const struct tt_handover *from)
{
	struct pg *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->env = env;
	s->ci = ci;
	tt_pair_init(&s->pq, env, OPEN_MAX + STMTS_MAX + 64);
	for (int i = 0; i < 2; i++) {
		s->d[i].dir = i;
		tt_buf_init(&s->d[i].body, KEEP_BIG > STARTUP_MAX ? KEEP_BIG : STARTUP_MAX);
		tt_buf_init(&s->d[i].scanb, SCAN_CAP);
	}
	tt_map64_init(&s->stmts, STMT_TABLE_MAX);
	tt_map64_init(&s->portals, PORTAL_TABLE_MAX);
	s->fe = tt_proto_client_dir(ci, from);
	s->bsync = 1;
	return s;
}

/* Neither socket role nor direction known yet: bytes wait (up to 256 per direction) until one
 * direction's messages tell which side speaks first; then both are framed, frontend first. */
static void feed_unclassified(struct pg *s, const struct tt_chunk *c)
{
	struct pdir *d = &s->d[c->dir];
	size_t room = 256 - tt_buf_len(&d->scanb), k = c->len < room ? (size_t)c->len : room;
	if (!tt_buf_len(&d->scanb))
		d->scan_ts = c->ts;
	if (tt_buf_append(&d->scanb, c->data, k) < 0)
		return;
	if (!classify(s, c->dir, tt_buf_data(&d->scanb), tt_buf_len(&d->scanb))) {
		if (tt_buf_len(&d->scanb) >= 256)
			tt_buf_reset(
			    &d->scanb); /* not PostgreSQL's messages, as far as this goes */
		return;
	}
	for (int i = 0; i < 2; i++) {
		struct pdir *x = &s->d[i == 0 ? s->fe : s->fe ^ 1];
		struct tt_buf held = x->scanb;
		tt_buf_init(&x->scanb, SCAN_CAP);
		if (tt_buf_len(&held)) {
			if (x->dir == s->fe && tt_buf_data(&held)[0] == 0)
				s->startup_seen = 1;
			feed_dir(s, x, tt_buf_data(&held), tt_buf_len(&held));
		}
		tt_buf_free(&held);
	}
	if (k < c->len)
		feed_dir(s, d, c->data + k, (size_t)(c->len - k));
}

/* Sanitizer builds (SAN=1, fuzzing) check after every chunk that no pointer the session keeps
 * names a transaction already handed out (a recycled txn would be written to unseen). */
#if defined(__SANITIZE_ADDRESS__)
#define PG_CHECK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PG_CHECK 1
#endif
#endif

#ifdef PG_CHECK
static void live(const struct tt_txn *t)
{
	if (t && (t->resp.done || t->pr != &tt_postgresql_proto))
		__builtin_trap();
}

static void check(struct pg *s)
{
	for (uint64_t q = s->head; q < s->tail && q < s->head + 512; q++) { /* bounded cost */
		struct exp *x = x_at(s, q);
		live(x->t);
		for (uint32_t i = x->cur; x->kind == X_QUERY && i < x->n; i++)
			live(q_txns(x)[i]);
	}
	live(s->copy);
	live(s->ssl);
	for (size_t i = 0; i < s->n_open_parse; i++)
		live(s->open_parse[i]->parse_txn);
}
#else
static void check(struct pg *s)
{
	(void)s;
}
#endif

static void pg_feed(void *sess, const struct tt_chunk *c)
{
	struct pg *s = sess;
	if (c->dir != TT_DIR_EGRESS && c->dir != TT_DIR_INGRESS)
		return;
	s->ch = c;
	struct pdir *d = &s->d[c->dir];
	if (c->gap || !c->data) {
		if (s->fe < 0)
			tt_buf_reset(
			    &d->scanb); /* what waited is not contiguous with what follows */
		feed_hole(s, d, c->len, c->gap || c->len == TT_LEN_UNKNOWN);
	} else if (c->len && s->fe < 0) {
		feed_unclassified(s, c);
	} else if (c->len) {
		if (d->mode == D_START && d->dir == s->fe && c->data[0] == 0)
			s->startup_seen = 1;
		feed_dir(s, d, c->data, (size_t)c->len);
	}
	s->ch = NULL;
	check(s);
}

static void pg_close(void *sess, uint64_t ts, int evicted)
{
	struct pg *s = sess;
	if (!s)
		return;
	struct tt_chunk end = {.ts = ts};
	s->ch = &end;
	if (s->fe >= 0 && !s->tls) { /* a request cut by the end of the connection */
		struct pdir *d = &s->d[s->fe];
		if (d->hlen && d->hlen == d->hsz && d->left && d->mode != D_DEAD) {
			struct msg m = {.type = d->hsz == 5 ? d->type : 0,
					.wire = d->len + (d->hsz == 5) - d->left,
					.ts_first = d->ts_first,
					.ts_last = ts,
					.pid = d->pid,
					.tid = d->tid};
			struct tt_txn *t =
			    m.type == 'p' || m.type == 'd' ? NULL : txn_make(s, K_OTHER, &m);
			if (t) {
				const char *l = fe_label(m.type);
				if (l)
					set_op(t, l);
				t->flags |= TT_TXN_BROKEN;
				t->req.complete = 0;
				emit_now(s, t);
			}
		}
	}
	emit_orphan(s, TT_TXN_BROKEN);
	if (s->ssl) { /* refused, and no startup followed */
		finalize(s->ssl);
		s->ssl->resp.done = 1;
		s->ssl = NULL;
	}
	close_parses(s);
	for (size_t i = 0; i < s->pq.n; i++) {
		struct tt_txn *t = s->pq.q[i];
		if ((PD(t)->flags & PF_FINAL) ||
		    (PD(t)->kind == K_PREPARE && (PD(t)->flags & PF_PARSED)))
			t->resp.done = 1;
	}
	while (s->head < s->tail)
		x_pop(s);
	tt_pair_end(&s->pq, evicted);
	tt_pair_fini(&s->pq);
	stmts_clear(s);
	portals_clear(s);
	tt_map64_free(&s->stmts);
	tt_map64_free(&s->portals);
	for (int i = 0; i < 2; i++) {
		tt_buf_free(&s->d[i].body);
		tt_buf_free(&s->d[i].scanb);
	}
	free(s->ring);
	free(s);
}

/* --- what the sinks show ------------------------------------------------------------------ */

static const char *status_word(char st)
{
	return st == 'I' ? "idle" : st == 'T' ? "in transaction" : st == 'E' ? "failed" : NULL;
}

static void desc_error(const struct tt_txn *t, struct tt_desc *d)
{
	const struct pg_detail *x = PDc(t);
	tt_desc_adds(d, x->severity ? x->severity : "ERROR");
	if (x->sqlstate[0]) {
		tt_desc_adds(d, " ");
		tt_desc_adds(d, x->sqlstate);
	}
	d->tone_len = d->len;
	if (x->message) {
		tt_desc_adds(d, " ");
		tt_desc_adds(d, x->message);
	}
}

static void pg_describe(const struct tt_txn *t, struct tt_desc *d)
{
	const struct pg_detail *x = PDc(t);
	d->tone = TT_TONE_OK;
	if (x->ptext) { /* the bound parameters, after the markers: [$1='a', $2=42] */
		size_t pl = strlen(x->ptext), room = sizeof(d->note) - 3;
		size_t k = utf8_cut(x->ptext, pl, pl <= room ? room : room - 3);
		d->note[0] = '[';
		memcpy(d->note + 1, x->ptext, k);
		d->note_len = k + 1;
		if (k < pl) {
			memcpy(d->note + d->note_len, "\xe2\x80\xa6", 3);
			d->note_len += 3;
		}
		d->note[d->note_len++] = ']';
	}
	switch (x->kind) {
	case K_CANCEL:
		d->tone = TT_TONE_PLAIN;
		tt_desc_adds(d, "sent (no reply by design)");
		d->plain = 1;
		return;
	case K_SSL:
		if (x->flags & PF_TLS) {
			tt_desc_adds(d, (x->flags & PF_GSS) ? "GSS encryption" : "TLS");
			d->tone_len = d->len;
			tt_desc_adds(d, ": encrypted from here on (shown from the TLS plaintext when it was recorded)");
		} else if (t->error) {
			d->tone = TT_TONE_MISSING;
			tt_desc_adds(d, "no valid answer");
			d->tone_len = d->len;
		} else if (t->resp.seen) {
			d->tone = TT_TONE_WARN;
			tt_desc_adds(d, "refused");
			d->tone_len = d->len;
		}
		d->plain = 1;
		return;
	case K_NOTIFY:
		d->tone = TT_TONE_PLAIN;
		tt_desc_adds(d, "\"");
		if (x->payload) {
			size_t pl = strlen(x->payload);
			size_t k = utf8_cut(x->payload, pl, NOTE_PAYLOAD_MAX);
			tt_desc_add(d, x->payload, k);
			if (k < pl)
				tt_desc_adds(d, "\xe2\x80\xa6");
		}
		tt_desc_adds(d, "\" from backend pid ");
		tt_desc_u64(d, x->backend_pid);
		return;
	}
	if (x->flags & PF_NOT_EXEC) {
		d->tone = TT_TONE_WARN;
		tt_desc_adds(d, "not executed (an earlier error)");
		d->tone_len = d->len;
		d->plain = 1;
		return;
	}
	if (x->flags & PF_ERROR) {
		d->tone = x->kind == K_ASYNC && t->outcome != TT_OUTCOME_ERROR ? TT_TONE_WARN
									       : TT_TONE_ERROR;
		desc_error(t, d);
		return;
	}
	if (x->flags & PF_NO_RESULT) {
		d->tone = TT_TONE_WARN;
		tt_desc_adds(d, "no result (the server ran fewer statements)");
		d->tone_len = d->len;
		d->plain = 1;
		return;
	}
	if (!t->resp.seen)
		return; /* (no response) */
	switch (x->kind) {
	case K_STARTUP:
		if (!(x->flags & PF_FINAL))
			return;
		tt_desc_adds(d, "ready");
		d->tone_len = d->len;
		if (x->auth || x->server_version) {
			tt_desc_adds(d, " (");
			if (x->auth) {
				tt_desc_adds(d, "auth ");
				tt_desc_adds(d, x->auth);
			}
			if (x->server_version) {
				tt_desc_adds(d, x->auth ? ", server " : "server ");
				tt_desc_adds(d, x->server_version);
			}
			tt_desc_adds(d, ")");
		}
		return;
	case K_PREPARE:
		if (x->flags & PF_PARSED) {
			tt_desc_adds(d, "prepared");
			d->tone_len = d->len;
			d->plain = 1;
		}
		return;
	case K_FUNC:
		if (!(x->flags & PF_FINAL) || t->outcome != TT_OUTCOME_OK)
			return;
		tt_desc_adds(d, "result");
		d->tone_len = d->len;
		if (x->flags & PF_FUNC_NULL) {
			tt_desc_adds(d, " NULL");
		} else {
			tt_desc_adds(d, " ");
			tt_desc_u64(d, x->func_len);
			tt_desc_adds(d, " bytes");
		}
		d->plain = 1;
		return;
	}
	if (x->flags & PF_EMPTY) {
		tt_desc_adds(d, "empty query");
		d->tone_len = d->len;
		d->plain = 1;
	} else if (x->flags & PF_SUSPENDED) {
		tt_desc_adds(d, "suspended after ");
		d->tone_len = d->len - 1;
		tt_desc_u64(d, x->rows);
		tt_desc_adds(d, x->rows == 1 ? " row" : " rows");
		d->plain = 1;
	} else if (x->tag) {
		tt_desc_adds(d, x->tag);
		d->tone_len = d->len;
	} else if (x->data_rows) {
		d->tone = TT_TONE_MISSING;
		tt_desc_adds(d, "answer cut after ");
		d->tone_len = d->len - 1;
		tt_desc_u64(d, x->data_rows);
		tt_desc_adds(d, x->data_rows == 1 ? " row" : " rows");
		d->plain = 1;
	} else if (!(x->flags & (PF_COPY_IN | PF_COPY_OUT))) {
		d->tone = TT_TONE_MISSING;
		tt_desc_adds(d, "answer cut");
		d->tone_len = d->len;
		d->plain = 1;
	}
	if (x->flags & (PF_COPY_IN | PF_COPY_OUT)) {
		int in = (x->flags & PF_COPY_IN) != 0;
		tt_desc_adds(d, d->len ? " (" : "(");
		tt_desc_u64(d, in ? t->req.body_bytes : t->resp.body_bytes);
		tt_desc_adds(d, in ? " bytes in)" : " bytes out)");
	}
}

struct lbuf {
	char *p;
	size_t n, o;
};

static void lb_put(struct lbuf *b, const char *s, size_t n)
{
	if (!s || b->o + 1 >= b->n)
		return;
	if (n > b->n - 1 - b->o)
		n = b->n - 1 - b->o;
	memcpy(b->p + b->o, s, n);
	b->o += n;
	b->p[b->o] = 0;
}

static void lb_s(struct lbuf *b, const char *s)
{
	if (s)
		lb_put(b, s, strlen(s));
}

static void lb_u64(struct lbuf *b, uint64_t v)
{
	char t[24];
	int k = snprintf(t, sizeof(t), "%llu", (unsigned long long)v);
	lb_put(b, t, (size_t)k);
}

static size_t pg_line(const struct tt_txn *t, enum tt_line which, char *buf, size_t n)
{
	const struct pg_detail *x = PDc(t);
	struct lbuf b = {.p = buf, .n = n};
	if (!n)
		return 0;
	buf[0] = 0;
	if (which == TT_LINE_INTERIM)
		return 0;
	if (which == TT_LINE_REQ) {
		switch (x->kind) {
		case K_STMT:
			lb_s(&b, "Query");
			if (x->stmt_count) {
				lb_s(&b, " (statement ");
				lb_u64(&b, x->stmt_no);
				lb_s(&b, " of ");
				lb_u64(&b, x->stmt_count);
				lb_s(&b, ")");
			}
			lb_s(&b, ": ");
			lb_s(&b, x->query ? x->query : t->target);
			break;
		case K_EXEC:
		case K_PREPARE:
			lb_s(&b, x->kind == K_EXEC ? "Execute " : "Parse ");
			if (x->statement)
				lb_s(&b, x->statement[0] ? x->statement : "(unnamed)");
			lb_s(&b, ": ");
			lb_s(&b, x->query ? x->query : t->target);
			if (x->ptext) {
				lb_s(&b, " [");
				lb_s(&b, x->ptext);
				lb_s(&b, "]");
			}
			break;
		case K_STARTUP:
			lb_s(&b, "StartupMessage ");
			lb_s(&b, t->target);
			if (x->encryption) {
				lb_s(&b, " (");
				lb_s(&b, x->encryption);
				lb_s(&b, ")");
			}
			break;
		case K_SSL:
			lb_s(&b, (x->flags & PF_GSS) ? "GSSENCRequest" : "SSLRequest");
			break;
		case K_CANCEL:
			lb_s(&b, "CancelRequest ");
			lb_s(&b, t->target);
			break;
		case K_FUNC:
			lb_s(&b, "FunctionCall ");
			lb_s(&b, t->target);
			break;
		default:
			lb_s(&b, t->op);
			if (t->target) {
				lb_s(&b, " ");
				lb_s(&b, t->target);
			}
		}
		return b.o;
	}
	/* TT_LINE_RESP */
	if (x->kind == K_SSL) {
		lb_s(&b, (x->flags & PF_TLS) ? ((x->flags & PF_GSS) ? "G" : "S") : "N");
		return t->resp.seen ? b.o : 0;
	}
	if (x->kind == K_NOTIFY) {
		lb_s(&b, "NotificationResponse channel ");
		lb_s(&b, t->target);
		lb_s(&b, " payload ");
		lb_s(&b, x->payload);
		lb_s(&b, " from backend pid ");
		lb_u64(&b, x->backend_pid);
		return b.o;
	}
	if (x->flags & PF_NOT_EXEC)
		lb_s(&b, "(skipped by the server after an earlier error)");
	else if (x->flags & PF_NO_RESULT)
		lb_s(&b, "(no result: the server ran fewer statements)");
	else if (!t->resp.seen)
		return 0;
	if (x->flags & PF_ERROR) {
		lb_s(&b, x->kind == K_ASYNC && t->outcome != TT_OUTCOME_ERROR ? "NoticeResponse "
									      : "ErrorResponse ");
		lb_s(&b, x->severity);
		if (x->sqlstate[0]) {
			lb_s(&b, " ");
			lb_s(&b, x->sqlstate);
		}
		if (x->message) {
			lb_s(&b, " ");
			lb_s(&b, x->message);
		}
		if (x->pdetail) {
			lb_s(&b, " DETAIL: ");
			lb_s(&b, x->pdetail);
		}
	} else if (x->kind == K_STARTUP) {
		if (x->auth) {
			lb_s(&b, "auth ");
			lb_s(&b, x->auth);
		}
		if (x->server_version) {
			lb_s(&b, b.o ? ", server_version " : "server_version ");
			lb_s(&b, x->server_version);
		}
		if (x->backend_pid) {
			lb_s(&b, b.o ? ", BackendKeyData pid " : "BackendKeyData pid ");
			lb_u64(&b, x->backend_pid);
		}
	} else if (x->flags & PF_EMPTY) {
		lb_s(&b, "EmptyQueryResponse");
	} else if (x->flags & PF_SUSPENDED) {
		lb_s(&b, "PortalSuspended");
	} else if (x->tag) {
		lb_s(&b, "CommandComplete ");
		lb_s(&b, x->tag);
	} else if (x->kind == K_PREPARE && (x->flags & PF_PARSED)) {
		lb_s(&b, "ParseComplete");
	} else if (x->kind == K_FUNC && (x->flags & PF_FINAL)) {
		lb_s(&b, "FunctionCallResponse");
	}
	if (x->data_rows) {
		lb_s(&b, b.o ? ", " : "");
		lb_u64(&b, x->data_rows);
		lb_s(&b, x->data_rows == 1 ? " DataRow" : " DataRows");
	}
	if (x->flags & (PF_COPY_IN | PF_COPY_OUT)) {
		int in = (x->flags & PF_COPY_IN) != 0;
		lb_s(&b, b.o ? ", COPY " : "COPY ");
		lb_u64(&b, in ? t->req.body_bytes : t->resp.body_bytes);
		lb_s(&b, in ? " bytes in" : " bytes out");
	}
	if (x->notice) {
		lb_s(&b, b.o ? ", NOTICE " : "NOTICE ");
		lb_s(&b, x->notice);
	}
	if (x->tx_status) {
		lb_s(&b, b.o ? ", ReadyForQuery " : "ReadyForQuery ");
		lb_s(&b, status_word(x->tx_status));
	}
	return b.o;
}

static void pg_release(struct tt_txn *t)
{
	struct pg_detail *x = PD(t);
	char *const f[] = {x->query,   x->pjson,	  x->ptext,  x->statement, x->tag,
			   x->message, x->pdetail,	  x->notice, x->user,	   x->database,
			   x->app,     x->server_version, x->payload};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		tt_txn_free_str(t, f[i]);
}

/* --- declared fields --------------------------------------------------------------------- */

static int sval(const char *s, struct tt_val *v)
{
	if (!s)
		return 0;
	v->s = s;
	v->len = strlen(s);
	return 1;
}

static int get_query(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->query, v);
}

static int get_statement(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->statement, v);
}

static int get_params(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->pjson, v);
}

static void json_params(const struct tt_txn *t, struct tt_wb *w)
{
	const char *p = PDc(t)->pjson;
	if (p)
		tt_wb_s(w, p); /* JSON made by param_show() */
	else
		tt_wb_lit(w, "null");
}

static int get_rows(const struct tt_txn *t, struct tt_val *v)
{
	v->i = (int64_t)PDc(t)->rows;
	return (PDc(t)->flags & PF_ROWS) != 0;
}

static int get_tag(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->tag, v);
}

static int get_sqlstate(const struct tt_txn *t, struct tt_val *v)
{
	return PDc(t)->sqlstate[0] ? sval(PDc(t)->sqlstate, v) : 0;
}

static int get_severity(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->severity, v);
}

static int get_message(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->message, v);
}

static int get_pdetail(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->pdetail, v);
}

static int get_notice(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->notice, v);
}

static int get_tx_status(const struct tt_txn *t, struct tt_val *v)
{
	return sval(status_word(PDc(t)->tx_status), v);
}

static int get_not_executed(const struct tt_txn *t, struct tt_val *v)
{
	v->i = 1;
	return (PDc(t)->flags & PF_NOT_EXEC) != 0;
}

static int get_user(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->user, v);
}

static int get_database(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->database, v);
}

static int get_app(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->app, v);
}

static int get_auth(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->auth, v);
}

static int get_server_version(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->server_version, v);
}

static int get_backend_pid(const struct tt_txn *t, struct tt_val *v)
{
	v->i = PDc(t)->backend_pid;
	return PDc(t)->backend_pid != 0;
}

static int get_encryption(const struct tt_txn *t, struct tt_val *v)
{
	const struct pg_detail *x = PDc(t);
	if (x->kind == K_SSL && (x->flags & PF_TLS))
		return sval((x->flags & PF_GSS) ? "gssenc" : "ssl", v);
	if (x->kind == K_SSL && t->resp.seen)
		return sval((x->flags & PF_GSS) ? "gssenc refused" : "ssl refused", v);
	return sval(x->encryption, v);
}

static int get_channel(const struct tt_txn *t, struct tt_val *v)
{
	return PDc(t)->kind == K_NOTIFY ? sval(t->target, v) : 0;
}

static int get_payload(const struct tt_txn *t, struct tt_val *v)
{
	return sval(PDc(t)->payload, v);
}

static const struct tt_field pg_fields[] = {
    {"query", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "the SQL, whitespace normalised", get_query},
    {"statement", TT_FT_STR, TT_FJ_HEAD, TT_FJ_OMIT,
     "prepared statement name (\"\": unnamed; extended protocol)", get_statement},
    {"params", TT_FT_RAW, TT_FJ_HEAD, TT_FJ_OMIT, "bound parameters (JSON array)", get_params,
     json_params},
    {"rows", TT_FT_INT, TT_FJ_HEAD, TT_FJ_NULL, "rows from the command tag (or DataRows)",
     get_rows},
    {"command_tag", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL, "CommandComplete tag (INSERT 0 1)", get_tag},
    {"tx_status", TT_FT_STR, TT_FJ_HEAD, TT_FJ_NULL,
     "transaction status after the batch (idle, in transaction, failed)", get_tx_status},
    {"sqlstate", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "ErrorResponse SQLSTATE (23505)", get_sqlstate},
    {"severity", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "ErrorResponse severity", get_severity},
    {"pg_error", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "ErrorResponse message", get_message},
    {"pg_detail", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "ErrorResponse detail", get_pdetail},
    {"notice", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "first NoticeResponse message", get_notice},
    {"not_executed", TT_FT_BOOL, TT_FJ_TAIL, TT_FJ_OMIT,
     "skipped by the server after an earlier error", get_not_executed},
    {"user", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "startup: user", get_user},
    {"database", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "startup: database", get_database},
    {"application_name", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "startup: application_name", get_app},
    {"auth", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "startup: authentication method", get_auth},
    {"server_version", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "startup: server_version",
     get_server_version},
    {"backend_pid", TT_FT_INT, TT_FJ_TAIL, TT_FJ_OMIT,
     "startup, cancel: the backend's pid; notification: the sender's", get_backend_pid},
    {"encryption", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT,
     "SSLRequest/GSSENCRequest: ssl, gssenc, ssl refused, gssenc refused", get_encryption},
    {"channel", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "notification channel", get_channel},
    {"payload", TT_FT_STR, TT_FJ_TAIL, TT_FJ_OMIT, "notification payload", get_payload},
};

const struct tt_proto tt_postgresql_proto = {
    .name = "postgresql",
    .aliases = "postgres,pg,pgsql",
    .tag = "pg",
    .detect = pg_detect,
    .open = pg_open,
    .feed = pg_feed,
    .close = pg_close,
    .describe = pg_describe,
    .line = pg_line,
    .fields = pg_fields,
    .nfields = sizeof(pg_fields) / sizeof(pg_fields[0]),
    .release = pg_release,
    .flags = TT_PROTO_OP_IN_TARGET,
};
