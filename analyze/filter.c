// SPDX-License-Identifier: MIT
#include "analyze/filter.h"
#include "analyze/cgroups.h"
#include "analyze/proto.h"

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
	const struct tt_proto *protos[MAX_ITEMS]; /* TT_F_PROTO */
	regex_t re;
	int have_re;
	/* the protocol field a protocol condition reads, for the last protocol seen */
	const char *field;
	const struct tt_proto *fpr;
	const struct tt_field *fld;
};

/* The protocol field each kind reads (NULL: a core condition). */
static const char *const kind_field[] = {
    [TT_F_STATUS] = "status",
    [TT_F_METHOD] = "method",
    [TT_F_PATH] = "path",
    [TT_F_HOST] = "host",
};

struct tt_filter {
	struct cond *c[MAX_CONDS];
	size_t n;
	char host[256]; /* the recording's host (tt_filter_set_host) */
	uint64_t since, until;
};

struct tt_filter *tt_filter_new(void)
{
	return calloc(1, sizeof(struct tt_filter));
}

static void cond_free(struct cond *c)
{
	for (size_t j = 0; j < c->n; j++) {
		free(c->items[j]);
		free(c->values[j]);
	}
	if (c->have_re)
		regfree(&c->re);
	free(c);
}

void tt_filter_free(struct tt_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		cond_free(f->c[i]);
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

static const char *const flag_name[] = {
    [TT_F_STATUS] = "status", [TT_F_METHOD] = "method", [TT_F_PATH] = "path",
    [TT_F_HOST] = "host",     [TT_F_PID] = "pid",	    [TT_F_COMM] = "comm",
    [TT_F_PORT] = "port",     [TT_F_SIDE] = "side",	    [TT_F_MIN_DUR] = "min-duration",
    [TT_F_GREP] = "grep",     [TT_F_HEADER] = "header", [TT_F_PROTO] = "proto",
    [TT_F_ERRORS] = "errors", [TT_F_OP] = "op",	    [TT_F_TARGET] = "target",
    [TT_F_HOST_NAME] = "host-name", [TT_F_CONTAINER] = "container", [TT_F_IMAGE] = "image",
    [TT_F_UNIT] = "unit", [TT_F_POD] = "pod"};

int tt_filter_kind_by_name(const char *name, enum tt_filter_kind *kind)
{
	for (size_t i = 0; i < sizeof(flag_name) / sizeof(flag_name[0]); i++)
		if (flag_name[i] && !strcmp(flag_name[i], name)) {
			*kind = (enum tt_filter_kind)i;
			return 0;
		}
	return -EINVAL;
}

/* A list flag given again adds to the first one's list (either value matches, like a comma
 * list); 1 when c was merged (and freed), with *rc the result. --header and --grep given twice
 * must both match: they are not merged. */
static int merge(struct tt_filter *f, struct cond *c, char *err, size_t errlen, const char *value,
		 int *rc)
{
	if (c->kind == TT_F_HEADER || c->kind == TT_F_GREP || c->kind == TT_F_MIN_DUR ||
	    c->kind == TT_F_ERRORS)
		return 0;
	struct cond *o = NULL;
	for (size_t i = 0; i < f->n && !o; i++)
		if (f->c[i]->kind == c->kind)
			o = f->c[i];
	if (!o)
		return 0;
	*rc = 0;
	if (o->n + c->n > MAX_ITEMS) {
		snprintf(err, errlen, "--%s '%s': too many values", flag_name[c->kind], value);
		*rc = -EINVAL;
		cond_free(c);
		return 1;
	}
	for (size_t j = 0; j < c->n; j++, o->n++) {
		o->items[o->n] = c->items[j];
		o->values[o->n] = c->values[j];
		o->st[o->n] = c->st[j];
		o->nums[o->n] = c->nums[j];
		o->protos[o->n] = c->protos[j];
		c->items[j] = c->values[j] = NULL;
	}
	cond_free(c);
	return 1;
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
	if ((size_t)kind < sizeof(kind_field) / sizeof(kind_field[0]))
		c->field = kind_field[kind];
	if (kind == TT_F_ERRORS) {
		f->c[f->n++] = c;
		return 0;
	}
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
	char *copy = strdup(value), *next = copy;
	if (!copy) {
		free(c);
		return -ENOMEM;
	}
	int rc = 0;
	for (char *tok; (tok = next);) {
		next = strchr(tok, ',');
		if (next)
			*next++ = 0;
		if (!*tok && (next || tok != copy)) { /* "a,,b", "a," : not silently dropped */
			snprintf(err, errlen, "--%s '%s': an empty item in the list", flag_name[kind],
				 value);
			rc = -EINVAL;
			break;
		}
		if (!*tok)
			break; /* the whole value is empty: said below */
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
			if (end == tok || *end || errno || !isdigit((unsigned char)*tok) ||
			    c->nums[i] > (kind == TT_F_PORT ? 65535u : 0xffffffffu) ||
			    (kind == TT_F_PORT && !c->nums[i])) {
				snprintf(err, errlen, "--%s '%s': expected a number%s",
					 kind == TT_F_PID ? "pid" : "port", tok,
					 kind == TT_F_PORT ? " from 1 to 65535" : "");
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
		case TT_F_PROTO:
			if (!(c->protos[i] = tt_proto_find(tok))) {
				char names[256] = "";
				size_t o = 0;
				for (size_t k = 0; k < tt_proto_count() && o < sizeof(names); k++)
					o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s",
							      k ? ", " : "", tt_proto_at(k)->name);
				snprintf(err, errlen, "--proto '%s': expected one of %s", tok, names);
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
		snprintf(err, errlen, "--%s '%s': expected a value", flag_name[kind], value);
		rc = -EINVAL;
	}
	if (!rc && merge(f, c, err, errlen, value, &rc))
		return rc;
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

void tt_filter_set_host(struct tt_filter *f, const char *host)
{
	snprintf(f->host, sizeof(f->host), "%s", host ? host : "");
}

int tt_filter_empty(const struct tt_filter *f)
{
	return !f->n && !f->since && !f->until;
}

int tt_filter_needs_bodies(const struct tt_filter *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->c[i]->kind == TT_F_GREP)
			return 1;
	return 0;
}

int tt_filter_needs_headers(const struct tt_filter *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->c[i]->kind == TT_F_GREP || f->c[i]->kind == TT_F_HEADER)
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

/* --grep: the protocol's start lines, headers and bodies. */
static int grep_txn(const regex_t *re, const struct tt_txn *t)
{
	char line[TT_TXN_MAX_TARGET + 64];
	int have_line = t->pr && t->pr->line;
	if (t->op) {
		if (have_line)
			t->pr->line(t, TT_LINE_REQ, line, sizeof(line));
		else
			snprintf(line, sizeof(line), "%s %s", t->op, t->target ? t->target : "");
		if (re_str(re, line))
			return 1;
	}
	if (t->outcome != TT_OUTCOME_NONE && have_line && t->pr->line(t, TT_LINE_RESP, line, sizeof(line)) &&
	    re_str(re, line))
		return 1;
	return grep_msg(re, &t->req) || grep_msg(re, &t->resp);
}

/* The value of the protocol field c reads; 0 when t's protocol has no such field or t has no
 * value for it. */
static int field_val(struct cond *c, const struct tt_txn *t, struct tt_val *v)
{
	if (c->fpr != t->pr || !c->fpr) {
		c->fpr = t->pr;
		c->fld = tt_proto_field(t->pr, c->field);
	}
	return c->fld && c->fld->get && c->fld->get(t, v);
}

/* --container: the name, the line's "pod/container", the id by glob or by its first 4+ digits. */
static int container_match(const char *glob, const struct tt_cginfo *cg)
{
	if ((cg->container && !fnmatch(glob, cg->container, 0)) ||
	    (cg->label && cg->container && !fnmatch(glob, cg->label, 0)))
		return 1;
	if (!cg->container_id)
		return 0;
	if (!fnmatch(glob, cg->container_id, 0))
		return 1;
	size_t n = strlen(glob);
	return n >= 4 && strspn(glob, "0123456789abcdef") == n &&
	       !strncmp(cg->container_id, glob, n);
}

static int pod_match(const char *glob, const struct tt_cginfo *cg)
{
	char full[520];
	if (!cg->pod)
		return 0;
	if (!fnmatch(glob, cg->pod, 0))
		return 1;
	snprintf(full, sizeof(full), "%.255s/%.255s", cg->namespace_ ? cg->namespace_ : "",
		 cg->pod);
	return cg->namespace_ && !fnmatch(glob, full, 0);
}

static int cond_match(const struct tt_filter *f, struct cond *c, const struct tt_txn *t)
{
	struct tt_val v = {0};
	switch (c->kind) {
	case TT_F_GREP:
		return grep_txn(&c->re, t);
	case TT_F_MIN_DUR:
		return tt_txn_duration_ns(t) >= c->nums[0];
	case TT_F_ERRORS:
		return t->outcome == TT_OUTCOME_ERROR;
	case TT_F_STATUS:
	case TT_F_METHOD:
	case TT_F_PATH:
	case TT_F_HOST:
		if (!field_val(c, t, &v))
			return 0;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < c->n; i++) {
		switch (c->kind) {
		case TT_F_STATUS:
			if (v.i >= c->st[i].lo && v.i <= c->st[i].hi)
				return 1;
			break;
		case TT_F_METHOD:
			if (!strcasecmp(v.s, c->items[i]))
				return 1;
			break;
		case TT_F_PATH: {
			if (strchr(c->items[i], '?')) {
				if (!fnmatch(c->items[i], v.s, 0))
					return 1;
				break;
			}
			size_t n = strcspn(v.s, "?");
			char *p = strndup(v.s, n);
			int m = p && !fnmatch(c->items[i], p, 0);
			free(p);
			if (m)
				return 1;
			break;
		}
		case TT_F_HOST:
			if (!fnmatch(c->items[i], v.s, FNM_CASEFOLD))
				return 1;
			if (strchr(v.s, ':') && !strchr(c->items[i], ':')) {
				char *h = strndup(v.s, strcspn(v.s, ":"));
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
		case TT_F_PROTO:
			if (t->pr == c->protos[i])
				return 1;
			break;
		case TT_F_OP:
			if (t->op && !fnmatch(c->items[i], t->op, FNM_CASEFOLD))
				return 1;
			break;
		case TT_F_TARGET:
			if (t->target && !fnmatch(c->items[i], t->target, 0))
				return 1;
			break;
		case TT_F_HOST_NAME:
			if (!fnmatch(c->items[i], t->host ? t->host : f->host, FNM_CASEFOLD))
				return 1;
			break;
		case TT_F_CONTAINER:
			if (t->cg && container_match(c->items[i], t->cg))
				return 1;
			break;
		case TT_F_IMAGE:
			if (t->cg && t->cg->image && !fnmatch(c->items[i], t->cg->image, 0))
				return 1;
			break;
		case TT_F_UNIT:
			if (t->cg && t->cg->unit && !fnmatch(c->items[i], t->cg->unit, 0))
				return 1;
			break;
		case TT_F_POD:
			if (t->cg && pod_match(c->items[i], t->cg))
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
		if (!cond_match(f, f->c[i], t))
			return 0;
	return 1;
}
