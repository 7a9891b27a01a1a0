// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_show.c - libFuzzer target: tinytap-show's whole analysis pipeline, as show.c
 * drives it (records -> engine -> streams -> http1 -> filter -> output), on any bytes.
 *
 * Input: one option byte, then either a .tinytap file (it starts with the file magic: read with
 * the real reader, continuing after errors as tinytap-show does), or a raw record stream as
 * `zstd -dc FILE.tinytap` prints it (u32 type | u32 body_len | body, padded to 8), decoded the way
 * the reader decodes a block but forgiving: lengths are clamped to what is left and bad records
 * are skipped, so mutations reach the analysis instead of dying at a block CRC or zstd checksum.
 *
 * Option byte: bits 0-1 verbosity (3 = -vv), bit 2 --json, bit 3 live, bits 4-5 one of four
 * filter sets (none, status/grep, path/method/header, host/side/port/duration/time), bit 6
 * --redact, bit 7 tiny limits (2 connections, 16-byte bodies, short reorder/hold windows).
 * Output goes to /dev/null: the formatting runs in full, nothing is kept.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/engine.h"
#include "analyze/filter.h"
#include "analyze/output.h"
#include "analyze/redact.h"
#include "format/reader.h"
#include "format/wire.h"

static FILE *null_out;
static struct tt_filter *filters[4];

struct run {
	struct tt_engine *eng;
	struct tt_output_opts out;
	const struct tt_filter *f;
	struct tt_redactor *red;
	int live;
	uint8_t *scratch;
	size_t scratch_cap;
};

static void add_filter(struct tt_filter *f, enum tt_filter_kind k, const char *v)
{
	char err[256];
	if (tt_filter_add(f, k, v, err, sizeof(err)) < 0)
		abort(); /* the harness's own filters are valid */
}

static void init(void)
{
	null_out = fopen("/dev/null", "w");
	if (!null_out)
		abort();
	for (int i = 0; i < 4; i++)
		if (!(filters[i] = tt_filter_new()))
			abort();
	add_filter(filters[1], TT_F_STATUS, "4xx,5xx,>=300,101");
	add_filter(filters[1], TT_F_GREP, "a.*[0-9]|^HTTP/1\\.[01] ");
	add_filter(filters[2], TT_F_PATH, "/api/*?x=*");
	add_filter(filters[2], TT_F_METHOD, "GET,POST,delete");
	add_filter(filters[2], TT_F_HEADER, "content-type=*json*");
	add_filter(filters[3], TT_F_HOST, "*local*");
	add_filter(filters[3], TT_F_SIDE, "server");
	add_filter(filters[3], TT_F_PORT, "80,8080,40001");
	add_filter(filters[3], TT_F_MIN_DUR, "1us");
	add_filter(filters[3], TT_F_COMM, "py*,nginx");
	add_filter(filters[3], TT_F_PID, "100,200");
	tt_filter_set_time(filters[3], 1000, UINT64_MAX / 2);
}

static void on_txn(void *ctx, struct tt_txn *t)
{
	struct run *r = ctx;
	if (!t->req.done || !t->resp.done)
		__builtin_trap(); /* a txn is handed out only when both messages are over */
	if (tt_filter_match(r->f, t))
		tt_output_txn(null_out, &r->out, t, tt_engine_wall_ns(r->eng, tt_txn_start(t)));
	tt_txn_free(t);
}

/* As show.c's --redact: DATA payloads are masked in a copy before the engine sees them. */
static void add(struct run *r, struct tt_record *rec)
{
	if (r->red && rec->type == TT_REC_CLOSE)
		tt_redactor_forget(r->red, rec->u.close.sock_id);
	if (r->red && rec->type == TT_REC_DATA && rec->payload && rec->u.data.cap_len) {
		size_t n = rec->u.data.cap_len;
		if (n > r->scratch_cap) {
			uint8_t *p = realloc(r->scratch, n);
			if (!p)
				abort();
			r->scratch = p;
			r->scratch_cap = n;
		}
		memcpy(r->scratch, rec->payload, n);
		tt_redactor_stream(r->red, rec->u.data.sock_id, rec->u.data.dir, r->scratch, n,
				   !!(rec->u.data.flags & TT_DATA_PEEK));
		rec->payload = r->scratch;
	}
	if (tt_engine_add(r->eng, rec) < 0)
		abort();
}

static void from_reader(struct run *r, const uint8_t *data, size_t size)
{
	struct tt_reader *rd = tt_reader_open_mem(data, size, "fuzz");
	if (!rd)
		return;
	tt_engine_set_info(r->eng, tt_reader_info(rd));
	struct tt_record rec;
	int rc, n = 0;
	while ((rc = tt_reader_next(rd, &rec)) != 0) {
		if (++n > 1000000)
			__builtin_trap();
		if (rc < 0) {
			tt_engine_input_gap(r->eng);
			if (rc != -EBADMSG)
				break;
			continue;
		}
		add(r, &rec);
	}
	tt_reader_free(rd);
}

static void from_stream(struct run *r, const uint8_t *p, size_t n)
{
	size_t pos = 0;
	while (n - pos >= TT_WIRE_REC_HDR) {
		uint32_t type = tt_get32(p + pos), len = tt_get32(p + pos + 4);
		size_t left = n - pos - TT_WIRE_REC_HDR;
		const uint8_t *body = p + pos + TT_WIRE_REC_HDR;
		if (len > left)
			len = (uint32_t)left;
		pos += TT_WIRE_REC_HDR + (size_t)tt_wire_pad8(len);
		if (pos > n)
			pos = n;
		uint32_t fixed = tt_record_fixed_size(type);
		if (!fixed)
			continue; /* unknown type: skipped, as the reader does */
		struct tt_record rec;
		memset(&rec, 0, sizeof(rec));
		rec.type = type;
		rec.body_len = len;
		if (type == TT_REC_DATA) {
			if (len < TT_WIRE_DATA_MIN_FIXED)
				continue;
			uint32_t cap = tt_get32(body + TT_WIRE_DATA_CAPLEN_OFF);
			if (cap > len - TT_WIRE_DATA_MIN_FIXED)
				cap = len - TT_WIRE_DATA_MIN_FIXED;
			uint32_t k = len - cap;
			memcpy(&rec.u, body, k < fixed ? k : fixed);
			rec.u.data.cap_len = cap;
			rec.payload = cap ? body + k : NULL;
		} else {
			memcpy(&rec.u, body, len < fixed ? len : fixed);
		}
		add(r, &rec);
		if (type == TT_REC_DATA && (rec.u.data.flags & 0x8000))
			tt_engine_input_gap(r->eng); /* a damaged block skipped here */
		if (r->live && type == TT_REC_PROCESS_EXIT)
			tt_engine_flush(r->eng); /* the live reader's idle flush */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!null_out)
		init();
	if (size < 1 || size > (4u << 20))
		return 0;
	uint8_t o = data[0];
	data++;
	size--;
	struct run r = {0};
	int tiny = (o >> 7) & 1;
	r.out = (struct tt_output_opts){.verbose = (o & 3) == 3 ? 2 : o & 3,
					.json = (o >> 2) & 1,
					.color = ((o >> 4) & 3) == 2,
					.utc = 1,
					.body_show = tiny ? 16 : 4096,
					.slow_ns = 1000000};
	r.f = filters[(o >> 4) & 3];
	size_t body_cap = 0;
	if (r.out.verbose >= 2)
		body_cap = tiny ? 64 : 65536;
	if (tt_filter_needs_bodies(r.f) && body_cap < 65536)
		body_cap = tiny ? 64 : 65536;
	struct tt_engine_opts eo = {.body_cap = body_cap,
				    .live = (o >> 3) & 1,
				    .max_conns = tiny ? 2 : 0,
				    .reorder_ns = tiny ? 1000 : 0,
				    .hold_ns = tiny ? 1000 : 0};
	r.live = eo.live;
	r.eng = tt_engine_new(&eo, on_txn, &r);
	if (!r.eng)
		abort();
	if ((o >> 6) & 1)
		r.red = tt_redactor_new();
	if (size >= 4 && tt_get32(data) == TT_WIRE_FILE_MAGIC)
		from_reader(&r, data, size);
	else
		from_stream(&r, data, size);
	tt_engine_finish(r.eng);
	struct tt_engine_stats st;
	tt_engine_get_stats(r.eng, &st);
	tt_engine_free(r.eng);
	tt_redactor_free(r.red);
	free(r.scratch);
	return 0;
}
