// SPDX-License-Identifier: MIT
#include "analyze/web/serve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "analyze/chains.h"
#include "analyze/filter.h"
#include "analyze/output.h"
#include "analyze/proto.h"
#include "analyze/sink/json.h"
#include "analyze/sink/stats.h"
#include "analyze/wbuf.h"

#define MAX_CONNECTIONS 64
#define PAGE_MAX	5000 /* rows in one /api/txns answer */
#define SSE_ROWS_MAX	500  /* rows in one event */
#define TRACE_SPANS_MAX 5000 /* spans in one /api/trace answer */
#define FILTER_MAX	4096 /* bytes of filter words */
#define HEARTBEAT_S	15

#define CSP                                                                                        \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

struct kept {
	struct tt_txn *t; /* owned */
	int64_t wall_ns;  /* wall clock of the first byte */
	uint64_t id;
	size_t bytes;
};

struct web {
	struct tt_sink s;
	struct tt_serve_opts o;
	char input_name[512];
	char hostname[256];
	pthread_mutex_t mu;
	pthread_cond_t cv; /* signalled when something is kept, the input ends, or at stop */
	/* the kept transactions: a ring, oldest at head; ids are consecutive from next_id - n */
	struct kept *ring;
	size_t cap, head, n;
	uint64_t next_id; /* the id of the next transaction (from 1) */
	uint64_t bytes, evicted;
	int done;		/* the input is over */
	int stopping;		/* the server is stopping: event streams end */
	unsigned streams;	/* event streams open */
	struct tt_pipeline *pl; /* borrowed: loss counts */
	struct tt_pipeline_stats snap;
	struct MHD_Daemon *d;
	int lfd;
	int loopback, wildcard;
	uint16_t port;
	char token[33];
	char url[300];
	char hosts[4][300]; /* Host header values accepted (loopback binds) */
	size_t nhosts;
};

/* --- listening ---------------------------------------------------------------------------- */

int tt_serve_parse_listen(const char *s, char *addr, size_t addrlen, uint16_t *port, char *err,
			  size_t errlen)
{
	const char *p = s, *colon = strrchr(s, ':');
	size_t alen = 0;
	const char *a = "127.0.0.1";
	if (colon) {
		a = s;
		alen = (size_t)(colon - s);
		p = colon + 1;
		if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
			a = s + 1;
			alen -= 2;
		}
		if (!alen || alen >= addrlen) {
			snprintf(err, errlen, "--serve '%s': expected [ADDR:]PORT", s);
			return -EINVAL;
		}
	} else {
		alen = strlen(a);
	}
	char *end;
	errno = 0;
	unsigned long v = strtoul(p, &end, 10);
	if (!*p || *end || errno || v > 65535 || !isdigit((unsigned char)*p)) {
		snprintf(err, errlen, "--serve '%s': expected [ADDR:]PORT (a port from 0 to 65535)",
			 s);
		return -EINVAL;
	}
	memcpy(addr, a, alen);
	addr[alen] = 0;
	*port = (uint16_t)v;
	return 0;
}

static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_LOOPBACK(a))
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(a))
			return a->s6_addr[12] == 127;
	}
	return 0;
}

static int is_wildcard(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

static int bind_listen(struct web *w, char *err, size_t errlen)
{
	char addr[256];
	uint16_t port;
	int rc = tt_serve_parse_listen(w->o.listen ? w->o.listen : TT_SERVE_DEFAULT_LISTEN, addr,
				       sizeof(addr), &port, err, errlen);
	if (rc < 0)
		return rc;
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	char ps[8];
	snprintf(ps, sizeof(ps), "%u", port);
	int gai = getaddrinfo(addr, ps, &hints, &res);
	if (gai) {
		snprintf(err, errlen, "--serve: address '%s': %s", addr, gai_strerror(gai));
		return -EINVAL;
	}
	int fd = -1, saved = 0;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
			saved = errno;
			close(fd);
			fd = -1;
			continue;
		}
		w->loopback = is_loopback(ai->ai_addr);
		w->wildcard = is_wildcard(ai->ai_addr);
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "--serve: cannot listen on %s port %u: %s", addr, port,
			 strerror(saved));
		return -saved;
	}
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		snprintf(err, errlen, "--serve: %s", strerror(errno));
		close(fd);
		return -EIO;
	}
	char host[INET6_ADDRSTRLEN + 2] = "";
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		w->port = ntohs(s4->sin_port);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		char h6[INET6_ADDRSTRLEN] = "";
		inet_ntop(AF_INET6, &s6->sin6_addr, h6, sizeof(h6));
		snprintf(host, sizeof(host), "[%s]", h6);
		w->port = ntohs(s6->sin6_port);
	}
	w->lfd = fd;
	/* a wildcard address is not a place to browse to: name the loopback one */
	const char *shown = w->wildcard ? (ss.ss_family == AF_INET ? "127.0.0.1" : "[::1]") : host;
	snprintf(w->url, sizeof(w->url), "http://%s:%u/?token=%s", shown, w->port, w->token);
	snprintf(w->hosts[0], sizeof(w->hosts[0]), "%s:%u", host, w->port);
	snprintf(w->hosts[1], sizeof(w->hosts[1]), "localhost:%u", w->port);
	snprintf(w->hosts[2], sizeof(w->hosts[2]), "127.0.0.1:%u", w->port);
	snprintf(w->hosts[3], sizeof(w->hosts[3]), "[::1]:%u", w->port);
	w->nhosts = 4;
	return 0;
}

/* --- the kept transactions (w->mu held) ----------------------------------------------------- */

static uint64_t oldest_id(const struct web *w)
{
	return w->next_id - w->n;
}

static struct kept *kept_at(struct web *w, size_t i)
{
	return &w->ring[(w->head + i) % w->cap];
}

static struct kept *kept_by_id(struct web *w, uint64_t id)
{
	if (id < oldest_id(w) || id >= w->next_id)
		return NULL;
	return kept_at(w, (size_t)(id - oldest_id(w)));
}

static size_t txn_bytes(const struct tt_txn *t)
{
	size_t b = sizeof(*t);
	const struct tt_msg *m[2] = {&t->req, &t->resp};
	for (int i = 0; i < 2; i++)
		b += m[i]->hbuf_cap + m[i]->headers_cap * sizeof(struct tt_kv) + m[i]->body_cap;
	if (t->op)
		b += strlen(t->op) + 1;
	if (t->target)
		b += strlen(t->target) + 1;
	return b;
}

static void evict_oldest(struct web *w)
{
	struct kept *k = kept_at(w, 0);
	tt_txn_free(k->t);
	w->bytes -= k->bytes;
	k->t = NULL;
	w->head = (w->head + 1) % w->cap;
	w->n--;
	w->evicted++;
}

/* --- the sink ------------------------------------------------------------------------------- */

static int web_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	struct web *w = (struct web *)s;
	if (fi && fi->hostname[0] && !w->hostname[0])
		snprintf(w->hostname, sizeof(w->hostname), "%s", fi->hostname);
	return 0;
}

static int web_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	(void)s, (void)t, (void)wall_ns; /* take() is used: never called */
	return 0;
}

static int web_take(struct tt_sink *s, struct tt_txn *t, int64_t wall_ns)
{
	struct web *w = (struct web *)s;
	size_t b = txn_bytes(t);
	pthread_mutex_lock(&w->mu);
	while (w->n && (w->n == w->cap || w->bytes + b > w->o.keep_bytes))
		evict_oldest(w);
	struct kept *k = kept_at(w, w->n);
	*k = (struct kept){.t = t, .wall_ns = wall_ns, .id = w->next_id++, .bytes = b};
	w->n++;
	w->bytes += b;
	if (w->pl && (k->id & 31) == 1)
		tt_pipeline_get_stats(w->pl, &w->snap);
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

static int web_end(struct tt_sink *s)
{
	struct web *w = (struct web *)s;
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	if (w->pl)
		tt_pipeline_get_stats(w->pl, &w->snap);
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

void tt_serve_stop(struct tt_sink *s)
{
	struct web *w = (struct web *)s;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	if (w->pl)
		tt_pipeline_get_stats(w->pl, &w->snap);
	w->pl = NULL;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->d) {
		MHD_stop_daemon(w->d);
		w->d = NULL;
	}
	if (w->lfd >= 0) {
		close(w->lfd);
		w->lfd = -1;
	}
}

static void web_free(struct tt_sink *s)
{
	struct web *w = (struct web *)s;
	tt_serve_stop(s);
	while (w->n)
		evict_oldest(w);
	free(w->ring);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

void tt_serve_set_pipeline(struct tt_sink *s, struct tt_pipeline *p)
{
	struct web *w = (struct web *)s;
	pthread_mutex_lock(&w->mu);
	w->pl = p;
	pthread_mutex_unlock(&w->mu);
}

const char *tt_serve_url(const struct tt_sink *s)
{
	return ((const struct web *)s)->url;
}

int tt_serve_loopback(const struct tt_sink *s)
{
	return ((const struct web *)s)->loopback;
}

/* --- the filter words ----------------------------------------------------------------------- */

/* The filter box: the command line's filter flags as words. `status:5xx`, `--status 5xx`,
 * `--status=5xx` are one condition; `errors` (or `--errors`) has no value; a bare word is a
 * target glob `*word*`; "double quotes" keep spaces in a value. *sided is set when a side
 * condition is given. NULL with a reason in err when a word is not understood. */
static struct tt_filter *parse_words(const char *s, const char *hostname, int *sided, char *err,
				     size_t errlen)
{
	struct tt_filter *f = tt_filter_new();
	char word[FILTER_MAX + 8], pending[64] = "";
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	*sided = 0;
	tt_filter_set_host(f, hostname);
	if (strlen(s) > FILTER_MAX) {
		snprintf(err, errlen, "the filter is longer than %d bytes", FILTER_MAX);
		goto fail;
	}
	for (const char *p = s;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		size_t n = 0;
		int quoted = 0;
		while (*p && (quoted || !isspace((unsigned char)*p))) {
			if (*p == '"') {
				quoted = !quoted;
				p++;
				continue;
			}
			word[n++] = *p++;
		}
		word[n] = 0;
		const char *name = NULL, *value = NULL;
		char nb[64];
		if (pending[0]) { /* the value of `--flag value` */
			name = pending;
			value = word;
		} else if (!strncmp(word, "--", 2)) {
			char *eq = strchr(word, '=');
			if (eq) {
				*eq = 0;
				value = eq + 1;
			}
			name = word + 2;
		} else {
			char *colon = strchr(word, ':');
			enum tt_filter_kind k;
			if (colon && (size_t)(colon - word) < sizeof(nb)) {
				memcpy(nb, word, (size_t)(colon - word));
				nb[colon - word] = 0;
				if (!tt_filter_kind_by_name(nb, &k) || !strcmp(nb, "dur")) {
					name = nb;
					value = colon + 1;
				}
			}
			if (!name && (!strcmp(word, "errors"))) {
				name = word;
			}
			if (!name) { /* a bare word: part of the target */
				char g[sizeof(word) + 2];
				snprintf(g, sizeof(g), "*%s*", word);
				if (tt_filter_add(f, TT_F_TARGET, g, err, errlen) < 0)
					goto fail;
				continue;
			}
		}
		if (!strcmp(name, "dur"))
			name = "min-duration";
		enum tt_filter_kind k;
		if (tt_filter_kind_by_name(name, &k) < 0) {
			snprintf(err, errlen,
				 "'%.60s': not a filter (status:, method:, path:, host:, "
				 "pid:, comm:, port:, side:, min-duration:, grep:, "
				 "header:, proto:, errors, op:, target:, container:, "
				 "image:, unit:, pod:, host-name:)",
				 name);
			goto fail;
		}
		if (k != TT_F_ERRORS && !value) { /* `--status 5xx`: the next word */
			if (strlen(name) >= sizeof(pending)) {
				snprintf(err, errlen, "'%.60s': not a filter", name);
				goto fail;
			}
			if (name != pending)
				memcpy(pending, name, strlen(name) + 1);
			continue;
		}
		*sided |= k == TT_F_SIDE;
		if (tt_filter_add(f, k, value ? value : "", err, errlen) < 0)
			goto fail;
		pending[0] = 0;
	}
	if (pending[0]) {
		snprintf(err, errlen, "--%s needs a value", pending);
		goto fail;
	}
	return f;
fail:
	tt_filter_free(f);
	return NULL;
}

/* --- JSON ----------------------------------------------------------------------------------- */

static void row_json(struct tt_wb *wb, const struct kept *k, int verbose, int redact)
{
	struct tt_output_opts oo = {
	    .verbose = verbose, .json = 1, .body_show = TT_SERVE_BODY_CAP, .redact = redact};
	const struct tt_txn *t = k->t;
	int64_t start_us = k->wall_ns / 1000;
	tt_wb_lit(wb, "{\"id\":");
	tt_wb_u64(wb, k->id);
	tt_wb_lit(wb, ",\"start_us\":");
	tt_wb_int(wb, start_us);
	tt_wb_lit(wb, ",\"end_us\":");
	uint64_t d = tt_txn_duration_ns(t);
	if (d)
		tt_wb_int(wb, start_us + (int64_t)(d / 1000));
	else
		tt_wb_lit(wb, "null");
	tt_wb_lit(wb, ",\"txn\":");
	tt_json_write(wb, &oo, t, k->wall_ns);
	if (wb->n && wb->b[wb->n - 1] == '\n')
		wb->n--; /* the JSON sink's line end */
	tt_wb_c(wb, '}');
}

/* A JSON answer: assembled in memory, handed to MHD. */
struct out {
	FILE *f;
	char *buf;
	size_t len;
	struct tt_wb *wb;
};

static int out_open(struct out *o)
{
	memset(o, 0, sizeof(*o));
	o->wb = malloc(sizeof(*o->wb));
	o->f = open_memstream(&o->buf, &o->len);
	if (!o->wb || !o->f) {
		if (o->f)
			fclose(o->f);
		free(o->buf);
		free(o->wb);
		return -ENOMEM;
	}
	tt_wb_init(o->wb, o->f);
	return 0;
}

static void out_close(struct out *o)
{
	tt_wb_flush(o->wb);
	fclose(o->f);
	free(o->wb);
	o->wb = NULL;
	o->f = NULL;
}

/* --- HTTP ----------------------------------------------------------------------------------- */

static enum MHD_Result respond(struct MHD_Connection *c, unsigned code, const char *type, void *buf,
			       size_t len, enum MHD_ResponseMemoryMode mode, const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, buf, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result respond_text(struct MHD_Connection *c, unsigned code, const char *msg)
{
	return respond(c, code, "text/plain; charset=utf-8", (void *)msg, strlen(msg),
		       MHD_RESPMEM_PERSISTENT, NULL);
}

static enum MHD_Result respond_out(struct MHD_Connection *c, struct out *o)
{
	out_close(o);
	return respond(c, 200, "application/json; charset=utf-8", o->buf, o->len,
		       MHD_RESPMEM_MUST_FREE, NULL);
}

static enum MHD_Result respond_error(struct MHD_Connection *c, unsigned code, const char *msg)
{
	struct out o;
	if (out_open(&o) < 0)
		return MHD_NO;
	tt_wb_lit(o.wb, "{\"error\":");
	tt_wb_json_cstr(o.wb, msg);
	tt_wb_lit(o.wb, "}");
	out_close(&o);
	return respond(c, code, "application/json; charset=utf-8", o.buf, o.len,
		       MHD_RESPMEM_MUST_FREE, NULL);
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static uint64_t arg_u64(struct MHD_Connection *c, const char *name, uint64_t dflt)
{
	const char *v = arg(c, name);
	if (!v || !isdigit((unsigned char)*v))
		return dflt;
	return strtoull(v, NULL, 10);
}

static int token_eq(const char *a, const char *b)
{
	if (!a || strlen(a) != strlen(b))
		return 0;
	unsigned char d = 0;
	for (size_t i = 0; b[i]; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* 0 when the request may be answered; else it was (403). */
static int refused(struct web *w, struct MHD_Connection *c, const char **why)
{
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	if (w->loopback) {
		int ok = 0;
		for (size_t i = 0; host && i < w->nhosts && !ok; i++)
			ok = !strcasecmp(host, w->hosts[i]);
		if (!ok) {
			*why = "tinytap: this server answers to localhost only (Host header)\n";
			return 1;
		}
	}
	const char *tok = arg(c, "token");
	if (!tok)
		tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "tt_token");
	if (!token_eq(tok, w->token)) {
		*why = "tinytap: a token is needed: open the URL tinytap-show printed\n";
		return 1;
	}
	return 0;
}

/* Which transactions match, in which order. */
enum sortkey { S_ID, S_TIME, S_SIDE, S_PROCESS, S_PROTO, S_OP, S_TARGET, S_STATUS, S_SIZE, S_DUR };

static int status_of(const struct tt_txn *t)
{
	const struct tt_field *f = t->pr ? tt_proto_field(t->pr, "status") : NULL;
	struct tt_val v;
	if (f && f->type == TT_FT_INT && f->get && f->get(t, &v))
		return (int)v.i;
	return -1;
}

static int scmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_kept(const void *pa, const void *pb, void *ctx)
{
	const struct kept *a = *(struct kept *const *)pa, *b = *(struct kept *const *)pb;
	int key = *(int *)ctx, r = 0;
	const struct tt_txn *x = a->t, *y = b->t;
	switch (key) {
	case S_TIME:
		r = a->wall_ns < b->wall_ns ? -1 : a->wall_ns > b->wall_ns;
		break;
	case S_SIDE:
		r = (int)x->side - (int)y->side;
		break;
	case S_PROCESS:
		r = scmp(x->comm, y->comm);
		if (!r)
			r = x->pid < y->pid ? -1 : x->pid > y->pid;
		break;
	case S_PROTO:
		r = scmp(x->pr ? x->pr->name : NULL, y->pr ? y->pr->name : NULL);
		break;
	case S_OP:
		r = scmp(x->op, y->op);
		break;
	case S_TARGET:
		r = scmp(x->target, y->target);
		break;
	case S_STATUS: {
		int sa = status_of(x), sb = status_of(y);
		r = sa != sb ? (sa < sb ? -1 : 1) : (int)x->outcome - (int)y->outcome;
		break;
	}
	case S_SIZE:
		r = x->resp.body_bytes < y->resp.body_bytes
			? -1
			: x->resp.body_bytes > y->resp.body_bytes;
		break;
	case S_DUR: {
		uint64_t da = tt_txn_duration_ns(x), db = tt_txn_duration_ns(y);
		r = da < db ? -1 : da > db;
		break;
	}
	default:
		break;
	}
	return r ? r : (a->id < b->id ? -1 : a->id > b->id);
}

static int sort_key(const char *s)
{
	static const char *const names[] = {"id", "time",   "side",   "process", "proto",
					    "op", "target", "status", "size",	 "duration"};
	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return s ? -1 : S_ID;
}

/* The kept transactions with id > after matching f, in id order (w->mu held); *n of them. */
static struct kept **select_kept(struct web *w, struct tt_filter *f, uint64_t after, size_t *n)
{
	struct kept **v = malloc((w->n ? w->n : 1) * sizeof(*v));
	*n = 0;
	if (!v)
		return NULL;
	uint64_t first = oldest_id(w);
	size_t i = after >= first ? (size_t)(after - first + 1) : 0;
	for (; i < w->n; i++) {
		struct kept *k = kept_at(w, i);
		if (!f || tt_filter_match(f, k->t))
			v[(*n)++] = k;
	}
	return v;
}

static void counts_json(struct tt_wb *wb, struct web *w)
{
	const struct tt_engine_stats *st = &w->snap.eng;
	tt_wb_lit(wb, "\"seen\":");
	tt_wb_u64(wb, w->next_id - 1);
	tt_wb_lit(wb, ",\"kept\":");
	tt_wb_u64(wb, w->n);
	tt_wb_lit(wb, ",\"evicted\":");
	tt_wb_u64(wb, w->evicted);
	tt_wb_lit(wb, ",\"last_id\":");
	tt_wb_u64(wb, w->next_id - 1);
	tt_wb_lit(wb, ",\"done\":");
	tt_wb_s(wb, w->done ? "true" : "false");
	tt_wb_lit(wb, ",\"lost_events\":");
	tt_wb_u64(wb, st->lost_events);
	tt_wb_lit(wb, ",\"dropped_records\":");
	tt_wb_u64(wb, st->dropped_records);
	tt_wb_lit(wb, ",\"gap_bytes\":");
	tt_wb_u64(wb, st->streams.gap_bytes);
}

static enum MHD_Result api_info(struct web *w, struct MHD_Connection *c)
{
	struct out o;
	if (out_open(&o) < 0)
		return MHD_NO;
	pthread_mutex_lock(&w->mu);
	tt_wb_lit(o.wb, "{\"input\":");
	tt_wb_json_cstr(o.wb, w->input_name);
	tt_wb_lit(o.wb, ",\"host\":");
	tt_wb_json_cstr(o.wb, w->hostname);
	tt_wb_lit(o.wb, ",\"live\":");
	tt_wb_s(o.wb, w->o.live ? "true" : "false");
	tt_wb_lit(o.wb, ",\"redact\":");
	tt_wb_s(o.wb, w->o.redact ? "true" : "false");
	tt_wb_lit(o.wb, ",\"keep\":");
	tt_wb_u64(o.wb, w->cap);
	tt_wb_lit(o.wb, ",\"keep_bytes\":");
	tt_wb_u64(o.wb, w->o.keep_bytes);
	tt_wb_lit(o.wb, ",\"bytes\":");
	tt_wb_u64(o.wb, w->bytes);
	tt_wb_lit(o.wb, ",\"streams\":");
	tt_wb_u64(o.wb, w->streams);
	tt_wb_lit(o.wb, ",\"version\":\"" TT_VERSION "\",");
	counts_json(o.wb, w);
	tt_wb_lit(o.wb, "}");
	pthread_mutex_unlock(&w->mu);
	return respond_out(c, &o);
}

static enum MHD_Result api_txns(struct web *w, struct MHD_Connection *c)
{
	char err[512];
	int sided, key = sort_key(arg(c, "sort"));
	const char *dir = arg(c, "dir");
	const char *fs = arg(c, "filter");
	if (key < 0)
		return respond_error(c, 400,
				     "sort: expected time, side, process, proto, op, target, "
				     "status, size or duration");
	struct tt_filter *f = parse_words(fs ? fs : "", w->hostname, &sided, err, sizeof(err));
	if (!f)
		return respond_error(c, 400, err);
	uint64_t offset = arg_u64(c, "offset", 0), limit = arg_u64(c, "limit", 200);
	uint64_t after = arg_u64(c, "after", 0);
	if (limit > PAGE_MAX)
		limit = PAGE_MAX;
	struct out o;
	if (out_open(&o) < 0) {
		tt_filter_free(f);
		return MHD_NO;
	}
	pthread_mutex_lock(&w->mu);
	size_t n;
	struct kept **v = select_kept(w, f, after, &n);
	if (!v) {
		pthread_mutex_unlock(&w->mu);
		tt_filter_free(f);
		out_close(&o);
		free(o.buf);
		return respond_error(c, 500, "out of memory");
	}
	if (key != S_ID && n)
		qsort_r(v, n, sizeof(*v), cmp_kept, &key);
	int desc = dir && !strcmp(dir, "desc");
	int64_t t0 = INT64_MAX, t1 = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		int64_t s = v[i]->wall_ns / 1000,
			e = s + (int64_t)(tt_txn_duration_ns(v[i]->t) / 1000);
		t0 = s < t0 ? s : t0;
		t1 = e > t1 ? e : t1;
	}
	tt_wb_lit(o.wb, "{\"total\":");
	tt_wb_u64(o.wb, n);
	tt_wb_lit(o.wb, ",\"offset\":");
	tt_wb_u64(o.wb, offset);
	tt_wb_lit(o.wb, ",\"t0_us\":");
	if (n)
		tt_wb_int(o.wb, t0);
	else
		tt_wb_lit(o.wb, "null");
	tt_wb_lit(o.wb, ",\"t1_us\":");
	if (n)
		tt_wb_int(o.wb, t1);
	else
		tt_wb_lit(o.wb, "null");
	tt_wb_c(o.wb, ',');
	counts_json(o.wb, w);
	tt_wb_lit(o.wb, ",\"rows\":[");
	for (uint64_t i = offset; i < n && i < offset + limit; i++) {
		if (i > offset)
			tt_wb_c(o.wb, ',');
		row_json(o.wb, v[desc ? n - 1 - i : i], 0, w->o.redact);
	}
	tt_wb_lit(o.wb, "]}");
	pthread_mutex_unlock(&w->mu);
	free(v);
	tt_filter_free(f);
	return respond_out(c, &o);
}

static enum MHD_Result api_txn(struct web *w, struct MHD_Connection *c)
{
	uint64_t id = arg_u64(c, "id", 0);
	struct out o;
	if (out_open(&o) < 0)
		return MHD_NO;
	pthread_mutex_lock(&w->mu);
	struct kept *k = kept_by_id(w, id);
	if (k)
		row_json(o.wb, k, 2, w->o.redact);
	pthread_mutex_unlock(&w->mu);
	if (!k) {
		out_close(&o);
		free(o.buf);
		return respond_error(c, 404, "no such transaction (not kept, or never seen)");
	}
	return respond_out(c, &o);
}

static int cmp_span(const void *pa, const void *pb)
{
	const struct kept *a = *(struct kept *const *)pa, *b = *(struct kept *const *)pb;
	if (a->wall_ns != b->wall_ns)
		return a->wall_ns < b->wall_ns ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static enum MHD_Result api_trace(struct web *w, struct MHD_Connection *c)
{
	uint64_t id = arg_u64(c, "id", 0);
	struct out o;
	if (out_open(&o) < 0)
		return MHD_NO;
	pthread_mutex_lock(&w->mu);
	struct kept *k = kept_by_id(w, id);
	struct kept **v = k ? malloc(TRACE_SPANS_MAX * sizeof(*v)) : NULL;
	if (!v) {
		pthread_mutex_unlock(&w->mu);
		out_close(&o);
		free(o.buf);
		return respond_error(c, 404, "no such transaction (not kept, or never seen)");
	}
	size_t n = 0, more = 0;
	uint8_t tid[16];
	memcpy(tid, k->t->trace_id, sizeof(tid));
	for (size_t i = 0; i < w->n; i++) {
		struct kept *x = kept_at(w, i);
		if (!k->t->span_id ? x != k : memcmp(x->t->trace_id, tid, sizeof(tid)) != 0)
			continue;
		if (n < TRACE_SPANS_MAX)
			v[n++] = x;
		else
			more++;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_span);
	char hex[33];
	tt_chains_trace_hex(tid, hex);
	tt_wb_lit(o.wb, "{\"trace_id\":");
	if (k->t->span_id)
		tt_wb_json_cstr(o.wb, hex);
	else
		tt_wb_lit(o.wb, "null");
	tt_wb_lit(o.wb, ",\"more\":");
	tt_wb_u64(o.wb, more);
	tt_wb_lit(o.wb, ",\"spans\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			tt_wb_c(o.wb, ',');
		row_json(o.wb, v[i], 0, w->o.redact);
	}
	tt_wb_lit(o.wb, "]}");
	pthread_mutex_unlock(&w->mu);
	free(v);
	return respond_out(c, &o);
}

static enum MHD_Result api_stats(struct web *w, struct MHD_Connection *c)
{
	char err[512];
	int sided;
	const char *fs = arg(c, "filter"), *bys = arg(c, "by");
	enum tt_stats_by by = TT_STATS_ENDPOINT;
	if (bys && tt_stats_parse_by(bys, &by) < 0)
		return respond_error(c, 400,
				     "by: expected endpoint, comm, host, status, proto, "
				     "side or container");
	struct tt_filter *f = parse_words(fs ? fs : "", w->hostname, &sided, err, sizeof(err));
	if (!f)
		return respond_error(c, 400, err);
	char *sbuf = NULL;
	size_t slen = 0;
	FILE *sf = open_memstream(&sbuf, &slen);
	struct tt_sink *st = sf ? tt_sink_stats_new(sf, by, 1) : NULL;
	if (!st) {
		if (sf)
			fclose(sf);
		free(sbuf);
		tt_filter_free(f);
		return respond_error(c, 500, "out of memory");
	}
	st->begin(st, NULL);
	pthread_mutex_lock(&w->mu);
	size_t n;
	struct kept **v = select_kept(w, f, 0, &n);
	for (size_t i = 0; v && i < n; i++) {
		const struct tt_txn *t = v[i]->t;
		/* each exchange once, as --stats: the client's view when both ends are recorded */
		if (!sided && t->side == TT_SIDE_SERVER && t->peer_sock_id)
			continue;
		st->txn(st, t, v[i]->wall_ns);
	}
	pthread_mutex_unlock(&w->mu);
	free(v);
	st->end(st);
	tt_sink_free(st);
	fclose(sf);
	tt_filter_free(f);
	struct out o;
	if (out_open(&o) < 0) {
		free(sbuf);
		return MHD_NO;
	}
	tt_wb_lit(o.wb, "{\"groups\":[");
	int first = 1;
	for (char *line = sbuf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		size_t l = nl ? (size_t)(nl - line) : strlen(line);
		if (!l)
			continue;
		if (!first)
			tt_wb_c(o.wb, ',');
		first = 0;
		tt_wb_put(o.wb, line, l);
	}
	tt_wb_lit(o.wb, "]}");
	free(sbuf);
	return respond_out(c, &o);
}

/* --- Server-Sent Events --------------------------------------------------------------------- */

struct sse {
	struct web *w;
	struct tt_filter *f;
	uint64_t last; /* the last id looked at */
	int sent_done;
	char *buf; /* the event being sent */
	size_t len, off;
};

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct sse *e = cls;
	struct web *w = e->w;
	while (e->off == e->len) {
		free(e->buf);
		e->buf = NULL;
		e->len = e->off = 0;
		pthread_mutex_lock(&w->mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += HEARTBEAT_S;
		int timed_out = 0;
		while (!w->stopping && w->next_id - 1 <= e->last && !(w->done && !e->sent_done) &&
		       !timed_out)
			timed_out = pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT;
		if (w->stopping) {
			pthread_mutex_unlock(&w->mu);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		struct out o;
		if (out_open(&o) < 0) {
			pthread_mutex_unlock(&w->mu);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		if (w->next_id - 1 > e->last || (w->done && !e->sent_done)) {
			tt_wb_lit(o.wb, "event: txns\ndata: {");
			counts_json(o.wb, w);
			tt_wb_lit(o.wb, ",\"rows\":[");
			uint64_t first = oldest_id(w),
				 id = e->last + 1 > first ? e->last + 1 : first;
			size_t rows = 0;
			for (; id < w->next_id && rows < SSE_ROWS_MAX; id++) {
				struct kept *k = kept_by_id(w, id);
				if (!tt_filter_match(e->f, k->t))
					continue;
				if (rows++)
					tt_wb_c(o.wb, ',');
				row_json(o.wb, k, 0, w->o.redact);
			}
			e->last = id - 1;
			tt_wb_lit(o.wb, "]}\n\n");
			e->sent_done = w->done && e->last == w->next_id - 1;
		} else {
			tt_wb_lit(o.wb, ": keep-alive\n\n");
		}
		pthread_mutex_unlock(&w->mu);
		out_close(&o);
		e->buf = o.buf;
		e->len = o.len;
	}
	size_t n = e->len - e->off < max ? e->len - e->off : max;
	memcpy(buf, e->buf + e->off, n);
	e->off += n;
	return (ssize_t)n;
}

static void sse_free(void *cls)
{
	struct sse *e = cls;
	pthread_mutex_lock(&e->w->mu);
	e->w->streams--;
	pthread_mutex_unlock(&e->w->mu);
	tt_filter_free(e->f);
	free(e->buf);
	free(e);
}

static enum MHD_Result api_events(struct web *w, struct MHD_Connection *c)
{
	char err[512];
	int sided;
	const char *fs = arg(c, "filter");
	struct tt_filter *f = parse_words(fs ? fs : "", w->hostname, &sided, err, sizeof(err));
	if (!f)
		return respond_error(c, 400, err);
	struct sse *e = calloc(1, sizeof(*e));
	if (!e) {
		tt_filter_free(f);
		return MHD_NO;
	}
	e->w = w;
	e->f = f;
	pthread_mutex_lock(&w->mu);
	w->streams++;
	pthread_mutex_unlock(&w->mu);
	e->last = arg_u64(c, "after", 0);
	struct MHD_Response *r =
	    MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, sse_read, e, sse_free);
	if (!r) {
		sse_free(e);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version, (void)upload, (void)con_cls;
	struct web *w = cls;
	if (*upload_size) /* no request has a body */
		return respond_text(c, 413, "tinytap: no request bodies here\n");
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return respond_text(c, 405, "tinytap: GET only\n");
	const char *why;
	if (refused(w, c, &why))
		return respond_text(c, 403, why);
	if (!strncmp(url, "/api/", 5)) {
		const char *ep = url + 5;
		if (!strcmp(ep, "info"))
			return api_info(w, c);
		if (!strcmp(ep, "txns"))
			return api_txns(w, c);
		if (!strcmp(ep, "txn"))
			return api_txn(w, c);
		if (!strcmp(ep, "trace"))
			return api_trace(w, c);
		if (!strcmp(ep, "stats"))
			return api_stats(w, c);
		if (!strcmp(ep, "events"))
			return api_events(w, c);
		return respond_error(c, 404, "no such API call");
	}
	for (size_t i = 0; i < tt_serve_nassets; i++) {
		const struct tt_serve_asset *a = &tt_serve_assets[i];
		if (strcmp(url, a->path))
			continue;
		char cookie[128];
		/* the token goes from the URL into a cookie the page's requests carry */
		snprintf(cookie, sizeof(cookie), "tt_token=%s; Path=/; HttpOnly; SameSite=Strict",
			 w->token);
		return respond(c, 200, a->type, (void *)a->data, a->len, MHD_RESPMEM_PERSISTENT,
			       !strcmp(url, "/") ? cookie : NULL);
	}
	return respond_text(c, 404, "tinytap: not found\n");
}

struct tt_sink *tt_serve_new(const struct tt_serve_opts *o, char *err, size_t errlen)
{
	struct web *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->s = (struct tt_sink){
	    .begin = web_begin, .txn = web_txn, .end = web_end, .free = web_free, .take = web_take};
	w->o = *o;
	w->lfd = -1;
	w->next_id = 1;
	if (!w->o.keep)
		w->o.keep = TT_SERVE_DEFAULT_KEEP;
	if (!w->o.keep_bytes)
		w->o.keep_bytes = TT_SERVE_KEEP_BYTES;
	w->cap = w->o.keep;
	snprintf(w->input_name, sizeof(w->input_name), "%s", o->input_name ? o->input_name : "");
	snprintf(w->hostname, sizeof(w->hostname), "%s", o->hostname ? o->hostname : "");
	w->o.input_name = w->input_name;
	w->o.hostname = w->hostname;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	w->ring = calloc(w->cap, sizeof(*w->ring));
	uint8_t rnd[16];
	if (!w->ring) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		snprintf(err, errlen, "--serve: no random bytes for the token: %s",
			 strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(w->token + 2 * i, 3, "%02x", rnd[i]);
	if (bind_listen(w, err, errlen) < 0)
		goto fail;
	/* the server's threads leave SIGINT and SIGTERM to the reading thread (a read of a pipe
	 * is interrupted by them) */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	w->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
				NULL, NULL, on_request, w, MHD_OPTION_LISTEN_SOCKET, w->lfd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)600, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!w->d) {
		snprintf(err, errlen, "--serve: the HTTP server did not start (libmicrohttpd)");
		goto fail;
	}
	w->lfd = -1; /* MHD closes it */
	return &w->s;
fail:
	web_free(&w->s);
	return NULL;
}
