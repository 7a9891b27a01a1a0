// SPDX-License-Identifier: MIT
/*
 * ttreblock - rewrite a .tinytap recording with other block boundaries and, optionally, its
 * records shuffled and their timestamps jittered: inputs for tests that must hold for any block
 * layout and record order (tests/golden/threads.sh: one thread or several, the same output).
 *
 *   ttreblock [-b BLOCK_BYTES] [-w WINDOW] [-j JITTER_US] [-s SEED] IN OUT
 *     -b  writer block_bytes (default 4096: many blocks)
 *     -w  shuffle the records within each run of WINDOW records (default 1: keep the order)
 *     -j  move each record's timestamp by up to +-JITTER_US microseconds (default 0)
 *     -s  seed of the shuffle and the jitter (default 1; the output is a function of the input
 *         and the options)
 *
 * The file header is copied. Records are read with format/reader (damaged blocks are skipped, as
 * tinytap-show skips them) and written with format/writer, with their known fields only.
 * Exit status: 0 ok, 1 read or write error, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/reader.h"
#include "format/writer.h"

#define MAX_WINDOW 4096

struct item {
	uint32_t type;
	uint32_t body_len;
	union {
		uint64_t ts; /* every body starts with its boot-clock timestamp */
		uint8_t body[sizeof(((struct tt_record *)0)->u)];
	};
	uint8_t *payload; /* owned */
	uint32_t plen;
};

static uint64_t rng = 1;

static uint64_t next_rand(void)
{
	/* xorshift64*: deterministic across libcs */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static int flush(struct tt_writer *w, struct item *win, size_t n)
{
	int err = 0;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(next_rand() % i);
		struct item t = win[i - 1];
		win[i - 1] = win[j];
		win[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = tt_writer_add(w, win[i].type, win[i].body, win[i].body_len, win[i].payload,
				       win[i].plen);
		if (rc < 0 && !err)
			err = rc;
		free(win[i].payload);
	}
	return err;
}

int main(int argc, char **argv)
{
	struct tt_writer_opts wo = {.block_bytes = 4096};
	unsigned long window = 1, jitter_us = 0;
	int opt;

	while ((opt = getopt(argc, argv, "b:w:j:s:")) != -1) {
		switch (opt) {
		case 'b':
			wo.block_bytes = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'w':
			window = strtoul(optarg, NULL, 0);
			break;
		case 'j':
			jitter_us = strtoul(optarg, NULL, 0);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0) | 1;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || window < 1 || window > MAX_WINDOW || jitter_us > 10000000)
		goto usage;

	int in = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		fprintf(stderr, "ttreblock: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	struct tt_reader *r = tt_reader_open_fd(in, argv[optind]);
	if (!r) {
		fprintf(stderr, "ttreblock: %s\n", tt_reader_open_error());
		return 1;
	}
	int out = open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		fprintf(stderr, "ttreblock: %s: %s\n", argv[optind + 1], strerror(errno));
		return 1;
	}
	struct tt_file_info fi = *tt_reader_info(r);
	struct tt_writer *w = tt_writer_open(out, &fi, &wo);
	if (!w) {
		fprintf(stderr, "ttreblock: %s: %s\n", argv[optind + 1], strerror(errno));
		return 1;
	}
	static struct item win[MAX_WINDOW];
	size_t n = 0;
	struct tt_record rec;
	int rc, err = 0;
	while ((rc = tt_reader_next(r, &rec)) != 0) {
		if (rc < 0) {
			fprintf(stderr, "ttreblock: %s\n", tt_reader_errmsg(r));
			if (rc != -EBADMSG)
				break;
			continue;
		}
		struct item *it = &win[n++];
		memset(it, 0, sizeof(*it));
		it->type = rec.type;
		it->body_len = tt_record_fixed_size(rec.type);
		memcpy(it->body, &rec.u, it->body_len);
		it->plen = rec.type == TT_REC_DATA     ? rec.u.data.cap_len
			   : rec.type == TT_REC_CGROUP ? rec.u.cgroup.attrs_len
						       : 0;
		if (it->plen) {
			it->payload = malloc(it->plen);
			if (!it->payload) {
				fprintf(stderr, "ttreblock: out of memory\n");
				return 1;
			}
			memcpy(it->payload, rec.payload, it->plen);
		}
		if (jitter_us && it->ts) {
			int64_t d = (int64_t)(next_rand() % (2 * jitter_us + 1)) - (int64_t)jitter_us;
			d *= 1000;
			it->ts = d < 0 && (uint64_t)-d >= it->ts ? 1 : it->ts + (uint64_t)d;
		}
		if (n == window) {
			if ((rc = flush(w, win, n)) < 0 && !err)
				err = rc;
			n = 0;
		}
	}
	if ((rc = flush(w, win, n)) < 0 && !err)
		err = rc;
	if ((rc = tt_writer_close(w)) < 0 && !err)
		err = rc;
	tt_reader_free(r);
	close(in);
	if (close(out) < 0 && !err)
		err = -errno;
	if (err) {
		fprintf(stderr, "ttreblock: %s: %s\n", argv[optind + 1], strerror(-err));
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: ttreblock [-b BLOCK_BYTES] [-w WINDOW] [-j JITTER_US] [-s SEED] "
			"IN OUT\n");
	return 2;
}
