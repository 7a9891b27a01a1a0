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
};

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

static size_t scan(struct rstate *s, uint8_t *buf, size_t len)
{
	size_t masked = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = buf[i];
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
