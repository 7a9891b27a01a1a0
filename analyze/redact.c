// SPDX-License-Identifier: MIT
#include "analyze/redact.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum mode {
	M_NONE,
	M_HDR_WS, /* after "Authorization:", before the value */
	M_HDR,	  /* a sensitive header's value, to the end of the line */
	M_VALUE,  /* after "password=", to & ; # quote < > or white space */
	M_JSTR,	  /* after "password": "  to the closing quote */
	M_JBARE,  /* after "token": 123  to , } ] or white space */
};

enum jpend { J_NONE, J_AFTER_KEY, J_AFTER_COLON };

/* multipart/form-data: name="password", then a blank line, then the value's line. */
enum part { P_NONE, P_NAME, P_VALUE };

#define HNAME_MAX 32
#define KEY_MAX	  48
#define OVERFLOW  0xff

struct rstate {
	uint64_t key; /* sock_id * 2 + dir + 1; 0 = free slot */
	uint8_t mode, jpend;
	uint8_t hname_on; /* collecting a header name (at the start of a line) */
	uint8_t in_str, esc;
	uint8_t hlen, klen, slen; /* OVERFLOW: longer than the buffer, never sensitive */
	uint8_t name_eq;	  /* the byte before was the '=' of name= */
	uint8_t str_is_name;	  /* the open string is the quoted value of name= */
	uint8_t part;		  /* enum part */
	uint16_t line_len;	  /* bytes on this line so far, not counting CR (saturates) */
	char hname[HNAME_MAX], kbuf[KEY_MAX], sbuf[KEY_MAX];
	/* PostgreSQL frontend framing (a stream that starts with a startup packet) */
	uint8_t pg;	 /* enum pgst */
	uint8_t pg_n;	 /* header bytes collected */
	uint8_t pg_mask; /* the body being read is a password message: masked */
	uint8_t pg_hdr[8];
	uint32_t pg_left; /* body bytes still to come */
	/* Redis commands (a stream that starts with '*': arrays of bulk strings; or inline lines) */
	uint8_t rs;	   /* enum rsst */
	uint8_t rkind;	   /* enum rkind: the command being read */
	uint8_t rmask;	   /* the bulk being read is masked */
	uint8_t rtok_n;	   /* bytes of the argument kept in rtok (upper case; OVERFLOW: longer) */
	char rtok[12];
	uint32_t rnum;	   /* the number being read (count, length) */
	uint32_t rargs;	   /* arguments of the command */
	uint32_t ridx;	   /* the argument being read */
	uint32_t rleft;	   /* bytes of that argument still to come */
	uint32_t rsecret;  /* the argument to mask (0: none) */
};

/* A stream whose first bytes are a PostgreSQL startup packet (or SSLRequest/GSSENCRequest) is
 * framed as PostgreSQL frontend messages: the body of every password message ('p': a cleartext
 * or MD5 password, SASL/SCRAM and GSS data) is masked whole; other bodies are scanned as text;
 * anything that does not frame stops this (the stream is then scanned as text only). */
enum pgst {
	PG_START = 0, /* the stream's first bytes */
	PG_UNTYPED,   /* after an SSLRequest/GSSENCRequest: the next packet has no type byte */
	PG_TYPED,     /* a message header: type, length */
	PG_BODY,
	PG_OFF, /* not PostgreSQL (any more) */
};

/* A stream whose first byte is '*' is framed as Redis commands (RESP arrays of bulk strings):
 * the password arguments of AUTH, HELLO ... AUTH user pass, MIGRATE ... AUTH pass / AUTH2 user
 * pass, CONFIG SET requirepass|masterauth value and ACL SETUSER's >pass <pass #hash !hash rules
 * are masked whole. Lines typed inline (`AUTH pass`) have the rest of an AUTH line masked, in
 * any stream. Anything that does not frame stops the framing (the stream is then scanned as
 * text only). */
enum rsst {
	RS_START = 0, /* the stream's first byte */
	RS_CMD,	      /* a command starts: '*' (framed) or a letter (an inline line) */
	RS_COUNT,     /* *N\r\n: the digits */
	RS_COUNT_LF,
	RS_DOLLAR,    /* an argument: $ */
	RS_LEN,	      /* $L\r\n: the digits */
	RS_LEN_LF,
	RS_BULK,      /* the argument's bytes */
	RS_BULK_CR,
	RS_BULK_LF,
	RS_LINE,      /* an inline line: its first bytes (is it AUTH?) */
	RS_LINE_MASK, /* the rest of an inline AUTH line */
	RS_LINE_REST, /* the rest of another inline line */
	RS_OFF,
};

enum rkind { RK_OTHER, RK_AUTH, RK_HELLO, RK_MIGRATE, RK_CONFIG, RK_ACL, RK_ACL_SETUSER };

#define RESP_MAX_ARGS  (1u << 20)
#define RESP_MAX_BULK  (1u << 30)

#define PG_CODE_SSL    80877103u
#define PG_CODE_GSSENC 80877104u

struct tt_redactor {
	struct rstate *slots;
	uint32_t cap, n; /* cap: power of two */
};

static const char *const sensitive_keys[] = {
    "password", "passwd", "pwd", "token", "secret", "apikey", "api_key", "api-key", "credential",
};
static const char *const sensitive_header_parts[] = {
    "token",   "secret",	"password", "passwd",  "api-key",    "apikey",
    "api_key", "authorization", "cookie",   "session", "credential",
};
static const char *const sensitive_headers[] = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int contains_any(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(s, list[i]))
			return 1;
	return 0;
}

static int sensitive_header(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(sensitive_headers); i++)
		if (!strcmp(name, sensitive_headers[i]))
			return 1;
	return contains_any(name, sensitive_header_parts, ARRAY_LEN(sensitive_header_parts));
}

static int sensitive_key(const char *key)
{
	return contains_any(key, sensitive_keys, ARRAY_LEN(sensitive_keys));
}

static char lower(uint8_t c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static int is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_header_char(uint8_t c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

static int is_key_char(uint8_t c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.' || c == '%' || c == '[' || c == ']';
}

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Appends c to a NUL-terminated buffer of size cap; *len becomes OVERFLOW when it does not fit. */
static void append(char *buf, uint8_t *len, size_t cap, uint8_t c)
{
	if (*len == OVERFLOW)
		return;
	if (*len + 1u >= cap) {
		*len = OVERFLOW;
		return;
	}
	buf[(*len)++] = lower(c);
	buf[*len] = 0;
}

static int value_end(uint8_t c)
{
	return c == '&' || c == ';' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' ||
	       is_ws(c);
}

/* 1: mask this byte. */
static int in_mask(struct rstate *s, uint8_t c)
{
	switch (s->mode) {
	case M_HDR_WS:
		if (c == ' ' || c == '\t')
			return 0;
		if (c == '\r' || c == '\n')
			break;
		s->mode = M_HDR;
		return 1;
	case M_HDR:
		if (c == '\r' || c == '\n')
			break;
		return 1;
	case M_VALUE:
		if (value_end(c))
			break;
		return 1;
	case M_JSTR:
		if (s->esc) {
			s->esc = 0;
			return 1;
		}
		if (c == '\\') {
			s->esc = 1;
			return 1;
		}
		if (c == '\r' || c == '\n')
			break;
		if (c == '"') { /* the closing quote stays, and ends the string */
			s->mode = M_NONE;
			s->in_str = 0;
			return -1;
		}
		return 1;
	case M_JBARE:
		if (c == ',' || c == '}' || c == ']' || is_ws(c))
			break;
		return 1;
	default:
		return 0;
	}
	s->mode = M_NONE; /* this byte ends the value: scan it as plain text */
	return 0;
}

/* Scans one byte outside a masked value; 1 when it starts a value and is masked itself. */
static int scan_plain(struct rstate *s, uint8_t c)
{
	uint8_t name_eq = s->name_eq;
	s->name_eq = 0;
	if (s->part == P_VALUE && s->line_len == 0 && c != '\n') {
		s->part = P_NONE;
		if (c != '\r') { /* the first byte of a multipart field's value */
			s->line_len = 1;
			s->hname_on = 0;
			s->mode = M_HDR;
			return 1;
		}
	}
	if (c != '\r' && c != '\n' && s->line_len < UINT16_MAX)
		s->line_len++;
	if (s->hname_on) {
		if (is_header_char(c)) {
			append(s->hname, &s->hlen, sizeof(s->hname), c);
		} else {
			s->hname_on = 0;
			if (c == ':' && s->hlen && s->hlen != OVERFLOW &&
			    sensitive_header(s->hname)) {
				s->mode = M_HDR_WS;
				s->klen = 0;
				return 0;
			}
		}
	}
	if (c == '\n') {
		if (s->part == P_NAME && s->line_len == 0)
			s->part = P_VALUE; /* the blank line ending the part's headers */
		s->line_len = 0;
		s->hname_on = 1;
		s->hlen = s->klen = 0;
		s->in_str = s->esc = s->str_is_name = 0;
		return 0;
	}
	if (s->in_str) {
		if (s->esc)
			s->esc = 0;
		else if (c == '\\')
			s->esc = 1;
		else if (c == '"') {
			int sens = s->slen && s->slen != OVERFLOW && sensitive_key(s->sbuf);
			s->in_str = 0;
			s->jpend = sens ? J_AFTER_KEY : J_NONE;
			if (s->str_is_name && sens)
				s->part = P_NAME;
			s->str_is_name = 0;
		} else
			append(s->sbuf, &s->slen, sizeof(s->sbuf), c);
	} else if (s->jpend == J_AFTER_COLON) {
		if (is_ws(c))
			return 0;
		s->jpend = J_NONE;
		s->klen = 0;
		if (c == '"') {
			s->in_str = 1;
			s->mode = M_JSTR;
		} else if (c != ',' && c != '}' && c != ']') {
			s->mode = M_JBARE;
			return 1;
		}
		return 0;
	} else if (c == '"') {
		s->in_str = 1;
		s->str_is_name = name_eq;
		s->slen = 0;
		s->sbuf[0] = 0;
		s->jpend = J_NONE;
	} else if (s->jpend == J_AFTER_KEY) {
		if (c == ':')
			s->jpend = J_AFTER_COLON;
		else if (!is_ws(c))
			s->jpend = J_NONE;
	}
	/* Query strings and form fields, also inside JSON strings ("url": "/x?token=..."). */
	if (is_key_char(c)) {
		append(s->kbuf, &s->klen, sizeof(s->kbuf), c);
	} else {
		if (c == '=' && s->klen && s->klen != OVERFLOW && sensitive_key(s->kbuf))
			s->mode = M_VALUE;
		else if (c == '=' && s->klen == 4 && !memcmp(s->kbuf, "name", 4))
			s->name_eq = 1;
		s->klen = 0;
	}
	return 0;
}

static uint32_t pg_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A PostgreSQL message starts: what the text scanner knew of the last one is over. */
static void pg_new_message(struct rstate *s)
{
	s->mode = M_NONE;
	s->jpend = J_NONE;
	s->in_str = s->esc = s->str_is_name = s->name_eq = 0;
	s->hlen = s->klen = s->slen = 0;
	s->hname_on = 1;
	s->line_len = 0;
	s->part = P_NONE;
}

/* One byte of a stream under PostgreSQL framing: 0 scan it as text (not framed), 1 a header
 * byte (neither scanned nor masked), 2 mask it, 3 a body byte to scan as text. */
static int pg_byte(struct rstate *s, uint8_t c)
{
	switch (s->pg) {
	case PG_START:
	case PG_UNTYPED:
		if (s->pg == PG_START && s->pg_n == 0 && c != 0) {
			s->pg = PG_OFF; /* startup packets are shorter than 16 MiB: a 0 first */
			return 0;
		}
		s->pg_hdr[s->pg_n++] = c;
		if (s->pg_n < 8)
			return s->pg == PG_START ? 0 : 1;
		s->pg_n = 0;
		uint32_t len = pg_be32(s->pg_hdr), code = pg_be32(s->pg_hdr + 4);
		if (len == 8 && (code == PG_CODE_SSL || code == PG_CODE_GSSENC)) {
			s->pg = PG_UNTYPED; /* the startup packet follows (or TLS: not framed) */
		} else if ((code >> 16) == 3 && len > 8 && len <= 10000) {
			s->pg = PG_BODY; /* the startup packet's parameters, then typed messages */
			s->pg_left = len - 8;
			s->pg_mask = 0;
			pg_new_message(s);
		} else {
			s->pg = PG_OFF;
		}
		return s->pg == PG_OFF ? 0 : 1;
	case PG_TYPED:
		s->pg_hdr[s->pg_n++] = c;
		if (s->pg_n == 1 && !memchr("QPBEDCSHXFdcfp", c, 14)) {
			s->pg = PG_OFF;
			return 0;
		}
		if (s->pg_n < 5)
			return 1;
		s->pg_n = 0;
		uint32_t l = pg_be32(s->pg_hdr + 1);
		if (l < 4 || l > (1u << 30)) {
			s->pg = PG_OFF;
			return 1;
		}
		pg_new_message(s);
		if (l > 4) {
			s->pg = PG_BODY;
			s->pg_left = l - 4;
			s->pg_mask = s->pg_hdr[0] == 'p';
		}
		return 1;
	case PG_BODY:
		if (--s->pg_left == 0)
			s->pg = PG_TYPED;
		return s->pg_mask ? 2 : 3;
	}
	return 0;
}

/* The argument just read (its first bytes in rtok) decides what later ones are masked. */
static void resp_arg_done(struct rstate *s)
{
	const char *t = s->rtok;
	size_t n = s->rtok_n == OVERFLOW ? 0 : s->rtok_n;
#define TOK(w) (n == sizeof(w) - 1 && !memcmp(t, w, n))
	if (s->ridx == 0) {
		s->rkind = TOK("AUTH")	  ? RK_AUTH
			   : TOK("HELLO")   ? RK_HELLO
			   : TOK("MIGRATE") ? RK_MIGRATE
			   : TOK("CONFIG")  ? RK_CONFIG
			   : TOK("ACL")	    ? RK_ACL
					    : RK_OTHER;
		if (s->rkind == RK_AUTH && s->rargs >= 2)
			s->rsecret = s->rargs - 1; /* AUTH [user] pass */
	} else if (s->rkind == RK_HELLO && TOK("AUTH")) {
		s->rsecret = s->ridx + 2; /* AUTH user pass */
	} else if (s->rkind == RK_MIGRATE && s->ridx > 5 && TOK("AUTH")) {
		s->rsecret = s->ridx + 1;
	} else if (s->rkind == RK_MIGRATE && s->ridx > 5 && TOK("AUTH2")) {
		s->rsecret = s->ridx + 2;
	} else if (s->rkind == RK_CONFIG && s->ridx >= 2 && !(s->ridx & 1) &&
		   (TOK("REQUIREPASS") || TOK("MASTERAUTH"))) {
		s->rsecret = s->ridx + 1;
	} else if (s->rkind == RK_ACL && s->ridx == 1 && TOK("SETUSER")) {
		s->rkind = RK_ACL_SETUSER;
	}
#undef TOK
}

/* One byte of a stream under Redis framing: as pg_byte(). */
static int resp_byte(struct rstate *s, uint8_t c)
{
	switch (s->rs) {
	case RS_START:
		if (c != '*' && !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
			s->rs = RS_OFF;
			return 0;
		}
		/* fall through */
	case RS_CMD:
		if (c == '*') {
			s->rs = RS_COUNT;
			s->rnum = 0;
			return 1;
		}
		s->rs = RS_LINE;
		s->rtok_n = 0;
		/* fall through */
	case RS_LINE:
		if (c == '\n') {
			s->rs = RS_CMD;
			return 0;
		}
		if (c == ' ' && s->rtok_n == 4 && !memcmp(s->rtok, "AUTH", 4)) {
			s->rs = RS_LINE_MASK;
			return 0;
		}
		if (s->rtok_n < 4 && c != ' ')
			s->rtok[s->rtok_n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
		else
			s->rs = RS_LINE_REST;
		return 0;
	case RS_LINE_MASK:
	case RS_LINE_REST:
		if (c == '\n') {
			s->rs = RS_CMD;
			return 0;
		}
		return s->rs == RS_LINE_MASK && c != '\r' ? 2 : 0;
	case RS_COUNT:
	case RS_LEN:
		if (c >= '0' && c <= '9') {
			s->rnum = s->rnum * 10 + (uint32_t)(c - '0');
			if (s->rnum > (s->rs == RS_COUNT ? RESP_MAX_ARGS : RESP_MAX_BULK))
				s->rs = RS_OFF;
			return 1;
		}
		if (c == '\r') {
			s->rs = s->rs == RS_COUNT ? RS_COUNT_LF : RS_LEN_LF;
			return 1;
		}
		s->rs = RS_OFF;
		return 0;
	case RS_COUNT_LF:
		if (c != '\n') {
			s->rs = RS_OFF;
			return 0;
		}
		s->rargs = s->rnum;
		s->ridx = 0;
		s->rsecret = 0;
		s->rkind = RK_OTHER;
		s->rs = s->rargs ? RS_DOLLAR : RS_CMD;
		return 1;
	case RS_DOLLAR:
		if (c != '$') {
			s->rs = RS_OFF;
			return 0;
		}
		s->rs = RS_LEN;
		s->rnum = 0;
		return 1;
	case RS_LEN_LF:
		if (c != '\n') {
			s->rs = RS_OFF;
			return 0;
		}
		s->rleft = s->rnum;
		s->rtok_n = 0;
		s->rmask = s->ridx && s->ridx == s->rsecret;
		s->rs = s->rleft ? RS_BULK : RS_BULK_CR;
		return 1;
	case RS_BULK:
		if (s->rkind == RK_ACL_SETUSER && s->ridx >= 3 && s->rtok_n == 0 &&
		    (c == '>' || c == '<' || c == '#' || c == '!'))
			s->rmask = 1;
		if (s->rtok_n < sizeof(s->rtok))
			s->rtok[s->rtok_n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
		else
			s->rtok_n = OVERFLOW;
		if (--s->rleft == 0)
			s->rs = RS_BULK_CR;
		return s->rmask ? 2 : 0;
	case RS_BULK_CR:
		if (c != '\r') {
			s->rs = RS_OFF;
			return 0;
		}
		s->rs = RS_BULK_LF;
		return 1;
	case RS_BULK_LF:
		if (c != '\n') {
			s->rs = RS_OFF;
			return 0;
		}
		resp_arg_done(s);
		s->rs = ++s->ridx < s->rargs ? RS_DOLLAR : RS_CMD;
		return 1;
	}
	return 0;
}

static size_t scan(struct rstate *s, uint8_t *buf, size_t len)
{
	size_t masked = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = buf[i];
		if (s->pg != PG_OFF) {
			int r = pg_byte(s, c);
			if (r == 1)
				continue;
			if (r == 2) {
				buf[i] = TT_REDACT_MASK;
				masked++;
				continue;
			}
		}
		if (s->rs != RS_OFF) {
			int r = resp_byte(s, c);
			if (r == 1)
				continue;
			if (r == 2) {
				buf[i] = TT_REDACT_MASK;
				masked++;
				continue;
			}
		}
		if (s->mode != M_NONE) {
			int m = in_mask(s, c);
			if (m > 0) {
				buf[i] = TT_REDACT_MASK;
				masked++;
				continue;
			}
			if (m < 0)
				continue;
		}
		if (scan_plain(s, c)) {
			buf[i] = TT_REDACT_MASK;
			masked++;
		}
	}
	return masked;
}

static void state_init(struct rstate *s, uint64_t key)
{
	memset(s, 0, sizeof(*s));
	s->key = key;
	s->hname_on = 1; /* a stream starts with a line */
}

size_t tt_redact_buf(uint8_t *buf, size_t len)
{
	struct rstate s;
	state_init(&s, 1);
	return scan(&s, buf, len);
}

struct tt_redactor *tt_redactor_new(void)
{
	struct tt_redactor *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->cap = 64;
	r->slots = calloc(r->cap, sizeof(*r->slots));
	if (!r->slots) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void tt_redactor_free(struct tt_redactor *r)
{
	if (!r)
		return;
	free(r->slots);
	free(r);
}

static uint32_t slot_of(const struct tt_redactor *r, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (uint32_t)key & (r->cap - 1);
}

static int grow(struct tt_redactor *r)
{
	uint32_t ncap = r->cap * 2;
	struct rstate *ns = calloc(ncap, sizeof(*ns)), *old = r->slots;
	if (!ns)
		return -ENOMEM;
	uint32_t ocap = r->cap;
	r->slots = ns;
	r->cap = ncap;
	for (uint32_t i = 0; i < ocap; i++) {
		if (!old[i].key)
			continue;
		uint32_t j = slot_of(r, old[i].key);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = old[i];
	}
	free(old);
	return 0;
}

/* The state of a stream, created when new; NULL only when memory is short. */
static struct rstate *lookup(struct tt_redactor *r, uint64_t key)
{
	uint32_t i = slot_of(r, key);
	while (r->slots[i].key) {
		if (r->slots[i].key == key)
			return &r->slots[i];
		i = (i + 1) & (r->cap - 1);
	}
	if (r->n + 1 > TT_REDACT_MAX_STREAMS) { /* start again rather than grow without end */
		memset(r->slots, 0, (size_t)r->cap * sizeof(*r->slots));
		r->n = 0;
	} else if ((r->n + 1) * 2 > r->cap) {
		if (grow(r) < 0)
			return NULL;
	}
	i = slot_of(r, key);
	while (r->slots[i].key)
		i = (i + 1) & (r->cap - 1);
	state_init(&r->slots[i], key);
	r->n++;
	return &r->slots[i];
}

static void remove_key(struct tt_redactor *r, uint64_t key)
{
	uint32_t mask = r->cap - 1, i = slot_of(r, key);
	while (r->slots[i].key && r->slots[i].key != key)
		i = (i + 1) & mask;
	if (!r->slots[i].key)
		return;
	/* Backward-shift deletion keeps every probe chain unbroken. */
	uint32_t j = i;
	for (;;) {
		r->slots[i].key = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (!r->slots[j].key) {
				r->n--;
				return;
			}
			uint32_t h = slot_of(r, r->slots[j].key);
			/* Can the entry at j move to i (is i cyclically within [h, j))? */
			if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
				break;
		}
		r->slots[i] = r->slots[j];
		i = j;
	}
}

size_t tt_redactor_stream(struct tt_redactor *r, uint64_t sock_id, int dir, uint8_t *buf,
			  size_t len, int peek)
{
	uint64_t key = sock_id * 2 + (dir ? 1 : 0) + 1;
	struct rstate *s = lookup(r, key), tmp;
	if (!s) { /* no memory for a state: scan from a fresh one rather than not at all */
		state_init(&tmp, key);
		return scan(&tmp, buf, len);
	}
	if (peek) {
		tmp = *s;
		return scan(&tmp, buf, len);
	}
	return scan(s, buf, len);
}

void tt_redactor_forget(struct tt_redactor *r, uint64_t sock_id)
{
	remove_key(r, sock_id * 2 + 1);
	remove_key(r, sock_id * 2 + 2);
}

int64_t tt_redactor_record(struct tt_redactor *r, struct tt_record *rec, uint8_t **scratch,
			   size_t *cap)
{
	if (rec->type == TT_REC_CLOSE) {
		tt_redactor_forget(r, rec->u.close.sock_id);
		return 0;
	}
	if (rec->type != TT_REC_DATA || !rec->payload || !rec->u.data.cap_len)
		return 0;
	size_t n = rec->u.data.cap_len;
	if (n > *cap) {
		uint8_t *p = realloc(*scratch, n);
		if (!p)
			return -ENOMEM;
		*scratch = p;
		*cap = n;
	}
	memcpy(*scratch, rec->payload, n);
	size_t m = tt_redactor_stream(r, rec->u.data.sock_id, rec->u.data.dir, *scratch, n,
				      !!(rec->u.data.flags & TT_DATA_PEEK));
	rec->payload = *scratch;
	return (int64_t)m;
}
