// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_export.c - libFuzzer target: the export sinks (--stats, --format har, curl,
 * pcapng) behind the real pipeline, reading a real .tinytap file, on any bytes.
 *
 * Input: one option byte, then a .tinytap file (starting with the file magic) or a raw record
 * stream (tests/fuzz/record_stream.h), which is first written into a .tinytap file in memory
 * with the real writer. Option byte: bits 0-2 the sink (0 --stats, 1 --stats --by status
 * --json, 2 har, 3 curl, 4 pcapng, 5 pcapng of matching connections only, 6 --stats --by host,
 * 7 har with --redact), bit 3 --redact, bit 4 a filter (--errors), bit 5 tiny limits.
 * Output goes to /dev/null.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyze/filter.h"
#include "analyze/pipeline.h"
#include "analyze/sink/curl.h"
#include "analyze/sink/har.h"
#include "analyze/sink/pcapng.h"
#include "analyze/sink/stats.h"
#include "format/reader.h"
#include "format/writer.h"
#include "tests/fuzz/record_stream.h"

static FILE *null_out;
static struct tt_filter *errors_only, *none;
static volatile sig_atomic_t never;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!null_out) {
		char err[128];
		if (!(null_out = fopen("/dev/null", "w")) || !(errors_only = tt_filter_new()) ||
		    !(none = tt_filter_new()) ||
		    tt_filter_add(errors_only, TT_F_ERRORS, "", err, sizeof(err)) < 0)
			abort();
	}
	if (size < 1 || size > (2u << 20))
		return 0;
	uint8_t o = data[0];
	data++;
	size--;
	int fd = memfd_create("fuzz_export", 0);
	if (fd < 0)
		abort();
	if (size >= 4 && tt_get32(data) == TT_WIRE_FILE_MAGIC) {
		if (write(fd, data, size) != (ssize_t)size)
			abort();
	} else {
		struct tt_file_info fi = {.start_wall_ns = 1795600800000000000ll,
					  .start_boot_ns = 1000000000000ull};
		struct tt_writer *w = tt_writer_open(fd, &fi, NULL);
		if (!w)
			abort();
		size_t pos = 0;
		struct tt_record rec;
		while (tt_fuzz_next_record(data, size, &pos, &rec))
			tt_writer_add(w, rec.type, &rec.u, tt_record_fixed_size(rec.type),
				      rec.type == TT_REC_DATA ? rec.payload : NULL,
				      rec.type == TT_REC_DATA ? rec.u.data.cap_len : 0);
		tt_writer_close(w);
	}
	lseek(fd, 0, SEEK_SET);
	struct tt_reader *rd = tt_reader_open_fd(fd, "fuzz");
	if (!rd) {
		close(fd);
		return 0;
	}
	int kind = o & 7, tiny = (o >> 5) & 1;
	struct tt_filter *f = (o >> 4) & 1 || kind == 5 ? errors_only : none;
	struct tt_sink *sink = NULL;
	switch (kind) {
	case 0:
		sink = tt_sink_stats_new(null_out, TT_STATS_ENDPOINT, 0);
		break;
	case 1:
		sink = tt_sink_stats_new(null_out, TT_STATS_STATUS, 1);
		break;
	case 6:
		sink = tt_sink_stats_new(null_out, TT_STATS_HOST, 0);
		break;
	case 2:
	case 7:
		sink = tt_sink_har_new(null_out);
		break;
	case 3:
		sink = tt_sink_curl_new(null_out);
		break;
	default: {
		struct tt_sink_pcapng_opts po = {
		    .in_fd = fd, .in_name = "fuzz", .out = null_out, .all = kind == 4, .stop = &never};
		sink = tt_sink_pcapng_new(&po);
	}
	}
	struct tt_pipeline_opts po = {.body_cap = tiny ? 16 : 1u << 20,
				      .redact = (o >> 3) & 1 || kind == 7,
				      .filter = f,
				      .one_side = 1,
				      .max_conns = tiny ? 2 : 0};
	struct tt_pipeline *p = sink ? tt_pipeline_new(&po, sink) : NULL;
	if (!p)
		abort();
	tt_pipeline_begin(p, tt_reader_info(rd));
	tt_pipeline_read(p, rd, fd, &never, NULL, NULL);
	tt_pipeline_finish(p);
	tt_pipeline_free(p);
	tt_sink_free(sink);
	tt_reader_free(rd);
	close(fd);
	return 0;
}
