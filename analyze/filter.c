// SPDX-License-Identifier: MIT
#include "analyze/filter.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ITEMS 64
#define MAX_CONDS 64

struct status_range {
	int lo, hi;
};

struct cond {
	enum tt_filter_kind kind;
	size_t n;
	char *items[MAX_ITEMS];	 /* owned strings (method, glob, header name) */
	char *values[MAX_ITEMS]; /* header value globs, or NULL */
	struct status_range st[MAX_ITEMS];
	uint64_t nums[MAX_ITEMS];
	regex_t re;
	int have_re;
};

struct tt_filter {
	struct cond *c[MAX_CONDS];
	size_t n;
	uint64_t since, until;
};

struct tt_filter *tt_filter_new(void)
{
	return calloc(1, sizeof(struct tt_filter));
}

void tt_filter_free(struct tt_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		struct cond *c = f->c[i];
		for (size_t j = 0; j < c->n; j++) {
			free(c->items[j]);
			free(c->values[j]);
		}
		if (c->have_re)
			regfree(&c->re);
		free(c);
	}
	free(f);
}

int tt_filter_parse_duration(const char *s, uint64_t *ns)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || v < 0 || v > 1e9)
		return -EINVAL;
	double mul;
	if (!*end || !strcmp(end, "ms"))
		mul = 1e6;
	else if (!strcmp(end, "s"))
		mul = 1e9;
	else if (!strcmp(end, "us") || !strcmp(end, "µs"))
		mul = 1e3;
	else if (!strcmp(end, "ns"))
		mul = 1;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		mul = 60e9;
	else if (!strcmp(end, "h"))
		mul = 3600e9;
	else
		return -EINVAL;
	*ns = (uint64_t)(v * mul + 0.5);
	return 0;
}

static int parse_status(const char *s, struct status_range *r)
{
	char *end;
	long v;
	if (strlen(s) == 3 && s[0] >= '1' && s[0] <= '9' && (s[1] == 'x' || s[1] == 'X') &&
	    (s[2] == 'x' || s[2] == 'X')) {
		r->lo = (s[0] - '0') * 100;
		r->hi = r->lo + 99;
		return 0;
	}
	int op = 0; /* 1 >=, 2 >, 3 <=, 4 < */
	if (!strncmp(s, ">=", 2))
		op = 1, s += 2;
	else if (!strncmp(s, "<=", 2))
		op = 3, s += 2;
	else if (*s == '>')
		op = 2, s++;
	else if (*s == '<')
		op = 4, s++;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < 0 || v > 999)
		return -EINVAL;
	switch (op) {
	case 0:
		if (v < 100)
			return -EINVAL; /* a status has 3 digits: 40 is a typo */
		r->lo = r->hi = (int)v;
		break;
	case 1:
		r->lo = (int)v, r->hi = 999;
		break;
	case 2:
		r->lo = (int)v + 1, r->hi = 999;
		break;
	case 3:
		r->lo = 0, r->hi = (int)v;
		break;
	case 4:
		r->lo = 0, r->hi = (int)v - 1;
		break;
	}
	return 0;
}

int tt_filter_add(struct tt_filter *f, enum tt_filter_kind kind, const char *value, char *err,
		  size_t errlen)
{
	if (f->n >= MAX_CONDS) {
		snprintf(err, errlen, "too many filters");
		return -EINVAL;
	}
	struct cond *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->kind = kind;
	if (kind == TT_F_GREP) {
		int rc = regcomp(&c->re, value, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
		if (rc) {
			char m[128];
			regerror(rc, &c->re, m, sizeof(m));
			snprintf(err, errlen, "--grep '%s': %s", value, m);
			free(c);
			return -EINVAL;
		}
		c->have_re = 1;
		f->c[f->n++] = c;
		return 0;
	}
	if (kind == TT_F_MIN_DUR) {
		if (tt_filter_parse_duration(value, &c->nums[0]) < 0) {
			snprintf(err, errlen,
				 "--min-duration '%s': expected a duration like 100ms, 2s", value);
			free(c);
			return -EINVAL;
		}
		c->n = 1;
		f->c[f->n++] = c;
		return 0;
	}
	char *copy = strdup(value), *save = NULL;
	if (!copy) {
		free(c);
		return -ENOMEM;
	}
	int rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (c->n >= MAX_ITEMS) {
			snprintf(err, errlen, "too many values in '%s'", value);
			rc = -EINVAL;
			break;
		}
		size_t i = c->n;
		char *end;
		switch (kind) {
		case TT_F_STATUS:
			if (parse_status(tok, &c->st[i]) < 0) {
				snprintf(err, errlen,
					 "--status '%s': expected 404, 5xx, >=400 or a comma list",
					 tok);
				rc = -EINVAL;
			}
			break;
		case TT_F_PID:
		case TT_F_PORT:
			errno = 0;
			c->nums[i] = strtoull(tok, &end, 10);
			if (end == tok || *end || errno ||
			    c->nums[i] > (kind == TT_F_PORT ? 65535u : 0xffffffffu)) {
				snprintf(err, errlen, "--%s '%s': expected a number",
					 kind == TT_F_PID ? "pid" : "port", tok);
				rc = -EINVAL;
			}
			break;
		case TT_F_SIDE:
			if (!strcasecmp(tok, "client"))
				c->nums[i] = TT_SIDE_CLIENT;
			else if (!strcasecmp(tok, "server"))
				c->nums[i] = TT_SIDE_SERVER;
			else {
				snprintf(err, errlen, "--side '%s': expected client or server",
					 tok);
				rc = -EINVAL;
			}
			break;
		case TT_F_HEADER: {
			char *eq = strchr(tok, '=');
			if (eq) {
				*eq = 0;
				c->values[i] = strdup(eq + 1);
			}
			if (!*tok) {
				snprintf(err, errlen, "--header: empty header name");
				rc = -EINVAL;
			}
			c->items[i] = strdup(tok);
			break;
		}
		default:
			c->items[i] = strdup(tok);
			break;
		}
		c->n++; /* counted even when it failed, so the cleanup below frees what it strdup'ed */
		if (rc)
			break;
	}
	free(copy);
	if (!rc && c->n == 0) {
		static const char *const flag[] = {"status",	   "method", "path",  "host",
						   "pid",	   "comm",   "port",  "side",
						   "min-duration", "grep",   "header"};
		snprintf(err, errlen, "--%s '%s': expected a value", flag[kind], value);
		rc = -EINVAL;
	}
	if (rc) {
		for (size_t j = 0; j < c->n; j++) {
			free(c->items[j]);
			free(c->values[j]);
		}
		free(c);
		return rc;
	}
	f->c[f->n++] = c;
	return 0;
}

void tt_filter_set_time(struct tt_filter *f, uint64_t since_boot, uint64_t until_boot)
{
	f->since = since_boot;
	f->until = until_boot;
}

int tt_filter_needs_bodies(const struct tt_filter *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->c[i]->kind == TT_F_GREP)
			return 1;
	return 0;
}

static int re_mem(const regex_t *re, const uint8_t *p, size_t n)
{
	if (!p || !n)
		return 0;
	char *s = malloc(n + 1);
	if (!s)
		return 0;
	/* NULs would end the string early: show them as spaces to the regex */
	for (size_t i = 0; i < n; i++)
		s[i] = p[i] ? (char)p[i] : ' ';
	s[n] = 0;
	int m = regexec(re, s, 0, NULL, 0) == 0;
	free(s);
	return m;
}

static int re_str(const regex_t *re, const char *s)
{
	return s && regexec(re, s, 0, NULL, 0) == 0;
}

static int grep_msg(const regex_t *re, const struct tt_msg *m)
{
	char line[TT_TXN_MAX_HEADER_BYTES / 4];
	for (uint32_t i = 0; i < m->n_headers; i++) {
		snprintf(line, sizeof(line), "%s: %s", m->headers[i].name, m->headers[i].value);
		if (re_str(re, line))
			return 1;
	}
	return re_mem(re, m->body, m->body_len);
}

static int header_match(const struct tt_msg *m, const char *name, const char *val)
{
	for (uint32_t i = 0; i < m->n_headers; i++) {
		if (strcasecmp(m->headers[i].name, name) != 0)
			continue;
		if (!val || fnmatch(val, m->headers[i].value, FNM_CASEFOLD) == 0)
			return 1;
	}
	return 0;
}

static int cond_match(const struct cond *c, const struct tt_txn *t)
{
	if (c->kind == TT_F_GREP) {
		char line[TT_TXN_MAX_TARGET + 64];
		if (t->op) {
			snprintf(line, sizeof(line), "%s %s %s", t->op, t->target ? t->target : "",
				 t->version ? t->version : "");
			if (re_str(&c->re, line))
				return 1;
		}
		if (t->status) {
			snprintf(line, sizeof(line), "%s %d %s",
				 t->resp_version ? t->resp_version : "HTTP/1.1", t->status,
				 t->status_text ? t->status_text : "");
			if (re_str(&c->re, line))
				return 1;
		}
		return grep_msg(&c->re, &t->req) || grep_msg(&c->re, &t->resp);
	}
	if (c->kind == TT_F_MIN_DUR)
		return tt_txn_duration_ns(t) >= c->nums[0];
	for (size_t i = 0; i < c->n; i++) {
		switch (c->kind) {
		case TT_F_STATUS:
			if (t->status && t->status >= c->st[i].lo && t->status <= c->st[i].hi)
				return 1;
			break;
		case TT_F_METHOD:
			if (t->op && !strcasecmp(t->op, c->items[i]))
				return 1;
			break;
		case TT_F_PATH: {
			if (!t->target)
				break;
			if (strchr(c->items[i], '?')) {
				if (!fnmatch(c->items[i], t->target, 0))
					return 1;
				break;
			}
			size_t n = strcspn(t->target, "?");
			char *p = strndup(t->target, n);
			int m = p && !fnmatch(c->items[i], p, 0);
			free(p);
			if (m)
				return 1;
			break;
		}
		case TT_F_HOST:
			if (t->authority && !fnmatch(c->items[i], t->authority, FNM_CASEFOLD))
				return 1;
			if (t->authority && strchr(t->authority, ':') &&
			    !strchr(c->items[i], ':')) {
				char *h = strndup(t->authority, strcspn(t->authority, ":"));
				int m = h && !fnmatch(c->items[i], h, FNM_CASEFOLD);
				free(h);
				if (m)
					return 1;
			}
			break;
		case TT_F_PID:
			if (t->pid == c->nums[i])
				return 1;
			break;
		case TT_F_COMM:
			if (!fnmatch(c->items[i], t->comm, 0))
				return 1;
			break;
		case TT_F_PORT:
			if ((t->local.family != TT_AF_UNIX && t->local.port == c->nums[i]) ||
			    (t->remote.family != TT_AF_UNIX && t->remote.port == c->nums[i]))
				return 1;
			break;
		case TT_F_SIDE:
			if ((uint64_t)t->side == c->nums[i])
				return 1;
			break;
		case TT_F_HEADER:
			if (header_match(&t->req, c->items[i], c->values[i]) ||
			    header_match(&t->resp, c->items[i], c->values[i]))
				return 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

int tt_filter_match(const struct tt_filter *f, const struct tt_txn *t)
{
	uint64_t ts = tt_txn_start(t);
	if (f->since && ts < f->since)
		return 0;
	if (f->until && ts >= f->until)
		return 0;
	for (size_t i = 0; i < f->n; i++)
		if (!cond_match(f->c[i], t))
			return 0;
	return 1;
}
