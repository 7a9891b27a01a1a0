// SPDX-License-Identifier: MIT
/*
 * ttwrite - write a synthetic .tinytap file, for tests (full disk, seed corpora, pipes).
 *
 *   ttwrite [-n RECORDS] [-s PAYLOAD] [-b BLOCK_BYTES] [-N] [-E] FILE|-
 *     -n  records to write (default 1000; 0 = until a write error)
 *     -s  payload bytes per DATA record (default 100)
 *     -b  writer block_bytes (default: the writer's 4 MiB)
 *     -N  no trailing index
 *     -E  no END record
 *
 * Record i (0-based) is deterministic: every 10th is a CONN, the rest DATA with ts_ns = 1000 + i,
 * sock_id = i / 10, payload bytes (i + k) & 0xff; the last record is END (unless -E) with the
 * totals. Prints one line to stderr at the end (stdout may be the file): "records=N blocks=B
 * file_bytes=F err=E", the writer's counts before close (blocks = blocks completely written when
 * an error happened) and E the first error ("0" or strerror text).
 * Exit status: 0 ok, 1 write error, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/writer.h"

int main(int argc, char **argv)
{
	struct tt_writer_opts wo = { 0 };
	struct tt_file_info fi = { 0 };
	struct tt_writer_stats st;
	unsigned long long n = 1000, psize = 100;
	int no_end = 0, opt, fd, err = 0, cerr;
	static uint8_t payload[1 << 20];

	while ((opt = getopt(argc, argv, "n:s:b:NE")) != -1) {
		switch (opt) {
		case 'n': n = strtoull(optarg, NULL, 0); break;
		case 's': psize = strtoull(optarg, NULL, 0); break;
		case 'b': wo.block_bytes = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'N': wo.no_index = 1; break;
		case 'E': no_end = 1; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || psize > sizeof(payload))
		goto usage;
	if (!strcmp(argv[optind], "-"))
		fd = 1;
	else
		fd = open(argv[optind], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "ttwrite: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	snprintf(fi.hostname, sizeof(fi.hostname), "testhost");
	snprintf(fi.kernel, sizeof(fi.kernel), "6.1.0-test");
	snprintf(fi.recorder, sizeof(fi.recorder), "ttwrite");
	snprintf(fi.options, sizeof(fi.options), "-n %llu -s %llu", n, psize);
	fi.snaplen = 65536;
	fi.start_wall_ns = 1700000000000000000LL;
	fi.start_boot_ns = 1000;
	struct tt_writer *w = tt_writer_open(fd, &fi, &wo);
	if (!w) {
		fprintf(stderr, "ttwrite: open: %s\n", strerror(errno));
		return 1;
	}
	for (unsigned long long i = 0; n == 0 || i < n; i++) {
		if (i % 10 == 0) {
			struct tt_rec_conn c = { .ts_ns = 1000 + i, .sock_id = i / 10, .pid = 42,
						 .tid = 42, .fd = 3, .sock_type = 1, .role = 1,
						 .origin = 1, .protocol = 6 };
			c.local.family = c.remote.family = 2;
			c.local.port = 40000;
			c.remote.port = 80;
			memcpy(c.local.addr, "\x7f\0\0\1", 4);
			memcpy(c.remote.addr, "\x7f\0\0\1", 4);
			err = tt_writer_add(w, TT_REC_CONN, &c, sizeof(c), NULL, 0);
		} else {
			struct tt_rec_data d = { .ts_ns = 1000 + i, .ts_enter_ns = 999 + i,
						 .sock_id = i / 10, .pid = 42, .tid = 42, .fd = 3,
						 .dir = (uint8_t)(i & 1), .syscall = 2,
						 .call_bytes = psize, .cap_len = (uint32_t)psize };
			for (unsigned long long k = 0; k < psize; k++)
				payload[k] = (uint8_t)(i + k);
			err = tt_writer_add_data(w, &d, payload);
		}
		if (err)
			break;
	}
	tt_writer_get_stats(w, &st);
	if (!err && !no_end) {
		struct tt_rec_stats e = { .ts_ns = 1000 + st.records, .records = st.records,
					  .blocks = st.blocks };
		err = tt_writer_add(w, TT_REC_END, &e, sizeof(e), NULL, 0);
	}
	cerr = tt_writer_close(w);
	if (!err)
		err = cerr;
	/* stats as of the last successful block: close may have written more */
	fprintf(stderr, "records=%" PRIu64 " blocks=%" PRIu64 " file_bytes=%" PRIu64 " err=%s\n",
	       st.records, st.blocks, st.file_bytes, err ? strerror(-err) : "0");
	if (fd != 1)
		close(fd);
	return err ? 1 : 0;
usage:
	fprintf(stderr, "usage: ttwrite [-n RECORDS] [-s PAYLOAD<=1048576] [-b BLOCK_BYTES] [-N] [-E] "
			"FILE|-\n");
	return 2;
}
