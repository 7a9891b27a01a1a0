// SPDX-License-Identifier: MIT
#include "analyze/sink/line.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/cgroups.h"
#include "analyze/proto.h"

#define C_RESET	   "\033[0m"
#define C_RED	   "\033[31m"
#define C_GREEN	   "\033[32m"
#define C_YELLOW   "\033[33m"
#define C_CYAN	   "\033[36m"
#define C_MAGENTA  "\033[35m"
#define C_BOLD_RED "\033[1;31m"

static const char hexd[] = "0123456789abcdef";

static const char *const tone_color[] = {
    [TT_TONE_PLAIN] = "",	 [TT_TONE_OK] = C_GREEN,     [TT_TONE_REDIRECT] = C_CYAN,
    [TT_TONE_WARN] = C_YELLOW, [TT_TONE_ERROR] = C_RED, [TT_TONE_MISSING] = C_MAGENTA,
};

static void put_plain(struct tt_wb *w, const char *s, size_t n)
{
	tt_wb_put(w, s, n);
}

static void print_body(struct tt_wb *w, const struct tt_msg *m, size_t cap, int redact,
		       const char *pfx)
{
	if (!m->body_bytes)
		return;
	const uint8_t *p;
	size_t n;
	uint8_t *alloc;
	int decoded, dtrunc;
	tt_output_body_view(m, cap * 4 > cap ? cap * 4 : cap, redact, &p, &n, &alloc, &decoded,
			    &dtrunc);
	if (!n) {
		tt_wb_printf(w, "%s[body: %" PRIu64 " bytes, %s]\n", pfx, m->body_bytes,
			     decoded ? "decoded to nothing" : "not captured");
		free(alloc); /* a gzip body that decoded to nothing */
		return;
	}
	size_t show = n < cap ? n : cap;
	if (tt_output_is_text(p, show) && tt_output_is_utf8(p, show)) {
		tt_wb_s(w, pfx);
		for (size_t i = 0; i < show; i++) {
			if (p[i] == '\n') {
				tt_wb_c(w, '\n');
				if (i + 1 < show)
					tt_wb_s(w, pfx);
			} else if (p[i] != '\r') {
				tt_wb_safe(w, (const char *)p + i, 1);
			}
		}
		if (p[show - 1] != '\n')
			tt_wb_c(w, '\n');
	} else {
		size_t hex = show < 256 ? show : 256;
		for (size_t off = 0; off < hex; off += 16) {
			tt_wb_printf(w, "%s%04zx ", pfx, off);
			for (size_t k = 0; k < 16; k++)
				if (off + k < hex) {
					char e[3] = {' ', hexd[p[off + k] >> 4],
						     hexd[p[off + k] & 15]};
					tt_wb_put(w, e, 3);
				} else {
					tt_wb_lit(w, "   ");
				}
			tt_wb_lit(w, "  ");
			for (size_t k = 0; k < 16 && off + k < hex; k++)
				tt_wb_c(w, p[off + k] >= 0x20 && p[off + k] < 0x7f ? (char)p[off + k]
										   : '.');
			tt_wb_c(w, '\n');
		}
		show = hex;
		tt_wb_printf(w, "%s[binary body]\n", pfx);
	}
	if (decoded)
		tt_wb_printf(w, "%s[decoded from %s: %" PRIu64 " bytes on the wire%s]\n", pfx,
			     tt_msg_header(m, "Content-Encoding"), m->body_bytes,
			     dtrunc ? ", decoding stopped early" : "");
	if (show < n || m->body_truncated || m->body_holes)
		tt_wb_printf(w, "%s[shown %zu of %" PRIu64 " bytes%s]\n", pfx, show,
			     decoded ? (uint64_t)n : m->body_bytes,
			     m->body_holes ? "; some bytes were not captured" : "");
	free(alloc);
}

static void print_headers(struct tt_wb *w, const struct tt_msg *m, const char *pfx)
{
	size_t pl = strlen(pfx);
	for (uint32_t i = 0; i < m->n_headers; i++) {
		tt_wb_put(w, pfx, pl);
		tt_wb_safe_s(w, m->headers[i].name);
		tt_wb_lit(w, ": ");
		tt_wb_safe_s(w, m->headers[i].value);
		tt_wb_c(w, '\n');
	}
	if (m->headers_truncated)
		tt_wb_printf(w, "%s[headers cut: more of them, or longer, than kept]\n", pfx);
}

/* -v: one start line (the protocol's words) with its prefix; nothing when it has none. */
static void start_line(struct tt_wb *w, const struct tt_txn *t, enum tt_line which,
		       const char *pfx)
{
	char buf[TT_TXN_MAX_TARGET + 512];
	size_t n;
	if (t->pr && t->pr->line) {
		n = t->pr->line(t, which, buf, sizeof(buf));
	} else if (which == TT_LINE_REQ) {
		n = (size_t)snprintf(buf, sizeof(buf), "%s %s", t->op ? t->op : "",
				     t->target ? t->target : "");
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
	} else {
		n = 0;
	}
	if (!n)
		return;
	tt_wb_s(w, pfx);
	tt_wb_safe(w, buf, n);
	tt_wb_c(w, '\n');
}

/* A one-way message (TT_TXN_ONEWAY): sent by this process (→) or received (←); the client side
 * sends req, the server side resp. */
static const char *oneway_arrow(const struct tt_txn *t)
{
	if (t->side == TT_SIDE_UNKNOWN)
		return "-";
	return (t->req.seen != 0) == (t->side == TT_SIDE_CLIENT) ? "→" : "←";
}

void tt_line_write(struct tt_wb *w, const struct tt_output_opts *o, const struct tt_txn *t,
		   int64_t wall_ns)
{
	char ts[80], dur[32];
	const char *rs = o->color ? C_RESET : "";
	struct tt_desc d;
	d.len = d.tone_len = d.note_len = 0;
	d.plain = 0;
	d.tone = TT_TONE_PLAIN;
	d.text[0] = d.note[0] = 0;
	tt_proto_describe(t, &d);
	tt_output_time(ts, sizeof(ts), wall_ns, o->utc, 0);
	tt_wb_c(w, '[');
	tt_wb_s(w, ts);
	tt_wb_s(w, t->side == TT_SIDE_CLIENT   ? "] cli "
		   : t->side == TT_SIDE_SERVER ? "] srv "
					       : "] ?   ");
	if (t->host) { /* recordings of several hosts merged */
		tt_wb_safe_s(w, t->host);
		tt_wb_c(w, ' ');
	}
	if (t->cg && t->cg->label) {
		/* a container or a unit: "srv api-service/python3 pid=4711 " */
		tt_wb_safe_s(w, t->cg->label);
		tt_wb_c(w, '/');
		tt_wb_put(w, t->comm, strnlen(t->comm, sizeof(t->comm)));
		tt_wb_lit(w, " pid=");
		tt_wb_u64(w, t->pid);
		tt_wb_c(w, ' ');
	} else {
		tt_wb_lit(w, "pid=");
		tt_wb_u64(w, t->pid);
		tt_wb_c(w, ' ');
		size_t cl = strnlen(t->comm, sizeof(t->comm));
		tt_wb_put(w, t->comm, cl);
		for (; cl < 10; cl++)
			tt_wb_c(w, ' ');
		tt_wb_c(w, ' ');
	}
	if (t->pr && t->pr->tag) {
		tt_wb_s(w, t->pr->tag);
		tt_wb_lit(w, "  ");
	}
	int oneway = (t->flags & TT_TXN_ONEWAY) != 0;
	if (oneway) {
		/* one message: the way it went from this process, what it is, the protocol's words */
		tt_wb_s(w, oneway_arrow(t));
		tt_wb_c(w, ' ');
		if (t->op)
			tt_wb_safe_s(w, t->op);
		else
			tt_wb_c(w, '?');
		if (d.len)
			tt_wb_c(w, ' ');
	} else if (tt_proto_op_in_target(t)) {
		tt_wb_safe_s(w, t->target); /* "SELECT 1", not "SELECT SELECT 1" */
	} else if (t->op) {
		tt_wb_safe_s(w, t->op);
		if (t->target) {
			tt_wb_c(w, ' ');
			tt_wb_safe_s(w, t->target);
		} else if (!t->pr || !t->pr->tag) {
			tt_wb_c(w, ' ');
		}
	} else {
		tt_wb_lit(w, "? ?");
	}
	if (!oneway)
		tt_wb_lit(w, " → ");
	if (d.len) {
		size_t tl = d.tone_len < d.len ? d.tone_len : d.len;
		void (*put)(struct tt_wb *, const char *, size_t) = d.plain ? put_plain : tt_wb_safe;
		if (o->color && tl && d.tone != TT_TONE_PLAIN) {
			tt_wb_s(w, tone_color[d.tone]);
			put(w, d.text, tl);
			tt_wb_s(w, rs);
			put(w, d.text + tl, d.len - tl);
		} else {
			put(w, d.text, d.len);
		}
	} else if (!oneway) {
		tt_wb_s(w, o->color ? C_MAGENTA : "");
		tt_wb_lit(w, "(no response)");
		tt_wb_s(w, rs);
	}
	if (t->req.seen && t->resp.seen && !oneway) {
		uint64_t du = tt_txn_duration_ns(t);
		tt_output_duration(dur, sizeof(dur), du);
		int slow = o->color && o->slow_ns && du >= o->slow_ns;
		tt_wb_lit(w, " (");
		tt_wb_s(w, slow ? C_BOLD_RED : "");
		tt_wb_s(w, dur);
		tt_wb_s(w, slow ? rs : "");
		tt_wb_c(w, ')');
	}
	const char *why = tt_txn_incomplete(t);
	if (why && !(!strcmp(why, "no response") && !d.len)) {
		tt_wb_c(w, ' ');
		tt_wb_s(w, o->color ? C_MAGENTA : "");
		tt_wb_c(w, '[');
		tt_wb_s(w, why);
		if (t->error && !strcmp(why, "invalid")) {
			tt_wb_lit(w, ": ");
			tt_wb_s(w, t->error);
		}
		tt_wb_c(w, ']');
		tt_wb_s(w, rs);
	}
	if (t->flags & TT_TXN_UPGRADED)
		tt_wb_lit(w, " [upgrade]");
	if (t->flags & TT_TXN_TLS)
		tt_wb_lit(w, " [tls]");
	if (d.note_len) {
		tt_wb_c(w, ' ');
		tt_wb_safe(w, d.note, d.note_len);
	}
	tt_wb_c(w, '\n');
	if (o->verbose < 1)
		return;
	if (t->req.seen) {
		start_line(w, t, TT_LINE_REQ, "  > ");
		print_headers(w, &t->req, "  > ");
		if (o->verbose >= 2 && t->pr && t->pr->body)
			t->pr->body(t, &t->req, w, "  >| ", o->body_show);
		else if (o->verbose >= 2)
			print_body(w, &t->req, o->body_show, o->redact, "  >| ");
	}
	start_line(w, t, TT_LINE_INTERIM, "  < ");
	if (t->resp.seen) {
		start_line(w, t, TT_LINE_RESP, "  < ");
		print_headers(w, &t->resp, "  < ");
		if (o->verbose >= 2 && t->pr && t->pr->body)
			t->pr->body(t, &t->resp, w, "  <| ", o->body_show);
		else if (o->verbose >= 2)
			print_body(w, &t->resp, o->body_show, o->redact, "  <| ");
	}
	tt_wb_c(w, '\n');
}

struct line_sink {
	struct tt_sink s;
	struct tt_output_opts o;
	struct tt_wb w;
};

static int line_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	(void)s;
	(void)fi;
	return 0;
}

static int line_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	struct line_sink *ls = (struct line_sink *)s;
	tt_line_write(&ls->w, &ls->o, t, wall_ns);
	tt_wb_flush(&ls->w);
	if (ls->o.live)
		fflush(ls->w.f);
	return 0;
}

static int line_end(struct tt_sink *s)
{
	struct line_sink *ls = (struct line_sink *)s;
	tt_wb_flush(&ls->w);
	fflush(ls->w.f);
	return 0;
}

static void line_free(struct tt_sink *s)
{
	free(s);
}

struct tt_sink *tt_sink_line_new(FILE *f, const struct tt_output_opts *o)
{
	struct line_sink *ls = calloc(1, sizeof(*ls));
	if (!ls)
		return NULL;
	ls->s = (struct tt_sink){line_begin, line_txn, line_end, line_free};
	ls->o = *o;
	tt_wb_init(&ls->w, f);
	return &ls->s;
}
