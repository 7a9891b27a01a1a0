// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_show.c - libFuzzer target: tinytap-show's whole analysis pipeline, the real one
 * (analyze/pipeline.h: records -> --redact -> engine -> streams -> protocols -> filter -> the line
 * or JSON sink), on any bytes.
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

#include "analyze/filter.h"
#include "analyze/output.h"
#include "analyze/pipeline.h"
#include "analyze/sink/json.h"
#include "analyze/sink/line.h"
#include "format/reader.h"
#include "format/wire.h"
#include "tests/fuzz/record_stream.h"

static FILE *null_out;
static struct tt_filter *filters[4];

/* The real sink behind a check of what every sink may count on. */
struct check_sink {
	struct tt_sink s;
	struct tt_sink *real;
};

static int check_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	return ((struct check_sink *)s)->real->begin(((struct check_sink *)s)->real, fi);
}

static int check_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	if (!t->req.done || !t->resp.done || !t->pr)
		__builtin_trap(); /* a txn is handed out only when both messages are over */
	return ((struct check_sink *)s)->real->txn(((struct check_sink *)s)->real, t, wall_ns);
}

static int check_end(struct tt_sink *s)
{
	return ((struct check_sink *)s)->real->end(((struct check_sink *)s)->real);
}

static void check_free(struct tt_sink *s)
{
	(void)s;
}

struct run {
	struct tt_pipeline *p;
	int live;
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

static void add(struct run *r, struct tt_record *rec)
{
	if (tt_pipeline_add(r->p, rec) < 0)
		abort();
}

static void from_reader(struct run *r, const uint8_t *data, size_t size)
{
	struct tt_reader *rd = tt_reader_open_mem(data, size, "fuzz");
	if (!rd)
		return;
	tt_pipeline_begin(r->p, tt_reader_info(rd));
	struct tt_record rec;
	int rc, n = 0;
	while ((rc = tt_reader_next(rd, &rec)) != 0) {
		if (++n > 1000000)
			__builtin_trap();
		if (rc < 0) {
			tt_pipeline_input_gap(r->p);
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
	struct tt_record rec;
	while (tt_fuzz_next_record(p, n, &pos, &rec)) {
		add(r, &rec);
		if (rec.type == TT_REC_DATA && (rec.u.data.flags & 0x8000))
			tt_pipeline_input_gap(r->p); /* a damaged block skipped here */
		if (r->live && rec.type == TT_REC_PROCESS_EXIT)
			tt_pipeline_idle(r->p); /* the live reader's idle flush */
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
	struct tt_output_opts out = {.verbose = (o & 3) == 3 ? 2 : o & 3,
				     .json = (o >> 2) & 1,
				     .color = ((o >> 4) & 3) == 2,
				     .utc = 1,
				     .body_show = tiny ? 16 : 4096,
				     .slow_ns = 1000000};
	struct tt_filter *f = filters[(o >> 4) & 3];
	size_t body_cap = 0;
	if (out.verbose >= 2)
		body_cap = tiny ? 64 : 65536;
	if (tt_filter_needs_bodies(f) && body_cap < 65536)
		body_cap = tiny ? 64 : 65536;
	struct tt_pipeline_opts po = {.live = (o >> 3) & 1,
				      .body_cap = body_cap,
				      .redact = (o >> 6) & 1,
				      .filter = f,
				      .max_conns = tiny ? 2 : 0,
				      .reorder_ns = tiny ? 1000 : 0,
				      .hold_ns = tiny ? 1000 : 0};
	out.live = po.live;
	r.live = po.live;
	struct check_sink cs = {{check_begin, check_txn, check_end, check_free}, NULL};
	cs.real = out.json ? tt_sink_json_new(null_out, &out) : tt_sink_line_new(null_out, &out);
	if (!cs.real || !(r.p = tt_pipeline_new(&po, &cs.s)))
		abort();
	if (size >= 4 && tt_get32(data) == TT_WIRE_FILE_MAGIC) {
		from_reader(&r, data, size);
	} else {
		tt_pipeline_begin(r.p, NULL);
		from_stream(&r, data, size);
	}
	tt_pipeline_finish(r.p);
	struct tt_pipeline_stats st;
	tt_pipeline_get_stats(r.p, &st);
	tt_pipeline_free(r.p);
	tt_sink_free(cs.real);
	return 0;
}
