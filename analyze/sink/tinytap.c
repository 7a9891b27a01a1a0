// SPDX-License-Identifier: MIT
#include "analyze/sink/tinytap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/extract.h"
#include "analyze/pipeline.h"
#include "analyze/redact.h"
#include "format/privfile.h"
#include "format/reader.h"
#include "format/writer.h"

struct tinytap_sink {
	struct tt_sink s;
	struct tt_sink_tinytap_opts o;
	struct tt_extract *x;
	struct tt_writer *w; /* while copying */
	struct tt_redactor *red;
	uint8_t *scratch;
	size_t scratch_cap;
	uint64_t last_ts; /* of the last record copied */
	struct tt_sink_tinytap_report rep;
};

static int tt_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	(void)s;
	(void)fi;
	return 0;
}

static int tt_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	(void)wall_ns;
	struct tinytap_sink *ts = (struct tinytap_sink *)s;
	return tt_extract_select(ts->x, t->sock_id);
}

/* Second read: which processes used the selected sockets. */
static int scan_record(void *ctx, struct tt_record *rec, char *err, size_t errlen)
{
	struct tinytap_sink *ts = ctx;
	if (rec && tt_extract_scan(ts->x, rec) < 0) {
		snprintf(err, errlen, "out of memory");
		snprintf(ts->rep.err, sizeof(ts->rep.err), "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* Third read: the copy. */
static int copy_record(void *ctx, struct tt_record *rec, char *err, size_t errlen)
{
	struct tinytap_sink *ts = ctx;
	int rc;
	if (!rec) { /* tell readers of the copy that records are missing here */
		struct tt_rec_loss l = {
		    .ts_ns = ts->last_ts, .cpu = UINT32_MAX, .reason = TT_LOSS_SOURCE_DAMAGED};
		rc = tt_writer_add(ts->w, TT_REC_LOSS, &l, sizeof(l), NULL, 0);
	} else {
		if (!tt_extract_wanted(ts->x, rec))
			return 0;
		if (ts->red) {
			int64_t m = tt_redactor_record(ts->red, rec, &ts->scratch, &ts->scratch_cap);
			if (m < 0) {
				snprintf(err, errlen, "out of memory");
				snprintf(ts->rep.err, sizeof(ts->rep.err), "out of memory");
				return -ENOMEM;
			}
			ts->rep.masked += (uint64_t)m;
		}
		uint32_t len = rec->type == TT_REC_DATA	    ? rec->u.data.cap_len
			       : rec->type == TT_REC_CGROUP ? rec->u.cgroup.attrs_len
							    : 0;
		ts->last_ts = rec->u.data.ts_ns; /* every record body starts with its boot ts */
		rc = tt_writer_add(ts->w, rec->type, &rec->u, tt_record_fixed_size(rec->type),
				   len ? rec->payload : NULL, len);
	}
	if (rc < 0 && rc != -EINVAL && rc != -EMSGSIZE) {
		snprintf(err, errlen, "%s: %s", ts->o.out_path, strerror(-rc));
		snprintf(ts->rep.err, sizeof(ts->rep.err), "%s", err);
		return rc;
	}
	return 0;
}

/* Created 0600 (it holds other people's traffic) and given to the sudo user. */
static int open_out(struct tinytap_sink *ts)
{
	const char *path = ts->o.out_path;
	int chown_err = 0;
	if (!strcmp(path, "-"))
		return STDOUT_FILENO;
	int fd = tt_privfile_create(path, &chown_err);
	if (fd < 0) {
		snprintf(ts->rep.err, sizeof(ts->rep.err), "cannot write '%s': %s", path,
			 strerror(-fd));
		return -1;
	}
	if (chown_err)
		snprintf(ts->rep.warn, sizeof(ts->rep.warn),
			 "could not give '%s' to the sudo user (uid %s, gid %s): %s", path,
			 getenv("SUDO_UID"), getenv("SUDO_GID"), strerror(-chown_err));
	return fd;
}

static int reopen(struct tinytap_sink *ts, struct tt_reader **rd)
{
	*rd = NULL;
	if (*ts->o.stop || lseek(ts->o.in_fd, 0, SEEK_SET) < 0 ||
	    !(*rd = tt_reader_open_fd(ts->o.in_fd, ts->o.in_name))) {
		snprintf(ts->rep.err, sizeof(ts->rep.err), "%s: cannot read it again",
			 ts->o.in_name);
		return -EIO;
	}
	return 0;
}

static int tt_end(struct tt_sink *s)
{
	struct tinytap_sink *ts = (struct tinytap_sink *)s;
	struct tt_reader *rd = NULL;
	int ofd = -1, rc;
	if (*ts->o.stop)
		return 0;
	if ((rc = reopen(ts, &rd)) < 0)
		return rc;
	struct tt_read_ops scan = {.record = scan_record};
	tt_read_records(rd, ts->o.in_fd, &scan, ts, ts->o.stop);
	tt_reader_free(rd);
	if (!ts->rep.err[0] && tt_extract_scan_done(ts->x) < 0)
		snprintf(ts->rep.err, sizeof(ts->rep.err), "out of memory");
	if (ts->rep.err[0])
		return -ENOMEM;
	if ((rc = reopen(ts, &rd)) < 0)
		return rc;
	ofd = open_out(ts);
	if (ofd < 0) {
		tt_reader_free(rd);
		return -EIO;
	}
	struct tt_file_info info = *tt_reader_info(rd);
	if (ts->o.redact) { /* the recorder's command line may hold a secret too */
		tt_redact_buf((uint8_t *)info.options, strnlen(info.options, sizeof(info.options)));
		if (!(ts->red = tt_redactor_new())) {
			snprintf(ts->rep.err, sizeof(ts->rep.err), "out of memory");
			goto out;
		}
	}
	ts->w = tt_writer_open(ofd, &info, NULL);
	if (!ts->w) {
		snprintf(ts->rep.err, sizeof(ts->rep.err), "%s: %s", ts->o.out_path,
			 strerror(errno));
		goto out;
	}
	struct tt_read_ops copy = {.record = copy_record};
	tt_read_records(rd, ts->o.in_fd, &copy, ts, ts->o.stop); /* damaged: LOSS written */
	struct tt_writer_stats ws;
	tt_writer_get_stats(ts->w, &ws);
	rc = tt_writer_close(ts->w);
	ts->w = NULL;
	if (rc < 0 && !ts->rep.err[0])
		snprintf(ts->rep.err, sizeof(ts->rep.err), "%s: %s", ts->o.out_path,
			 strerror(-rc));
	ts->rep.records = ws.records;
out:
	tt_reader_free(rd);
	if (ofd > STDOUT_FILENO && close(ofd) < 0 && !ts->rep.err[0])
		snprintf(ts->rep.err, sizeof(ts->rep.err), "%s: %s", ts->o.out_path,
			 strerror(errno));
	ts->rep.sockets = tt_extract_sockets(ts->x);
	ts->rep.processes = tt_extract_processes(ts->x);
	ts->rep.written = !ts->rep.err[0];
	return ts->rep.err[0] ? -EIO : 0;
}

static void tt_free(struct tt_sink *s)
{
	struct tinytap_sink *ts = (struct tinytap_sink *)s;
	if (ts->w)
		tt_writer_close(ts->w);
	tt_extract_free(ts->x);
	tt_redactor_free(ts->red);
	free(ts->scratch);
	free(ts);
}

struct tt_sink *tt_sink_tinytap_new(const struct tt_sink_tinytap_opts *o)
{
	struct tinytap_sink *ts = calloc(1, sizeof(*ts));
	if (!ts)
		return NULL;
	ts->s = (struct tt_sink){tt_begin, tt_txn, tt_end, tt_free};
	ts->o = *o;
	if (!(ts->x = tt_extract_new())) {
		free(ts);
		errno = ENOMEM;
		return NULL;
	}
	return &ts->s;
}

void tt_sink_tinytap_report(const struct tt_sink *s, struct tt_sink_tinytap_report *r)
{
	*r = ((const struct tinytap_sink *)s)->rep;
}
