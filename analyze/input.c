// SPDX-License-Identifier: MIT
#include "analyze/input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format/reader.h"

#define SAME_BOOT_NS 1000000000ll /* two headers' clock offsets this close: the same boot */

struct file {
	char *path; /* owned */
	size_t src;
	uint64_t start; /* its header's start, boot ns */
	int64_t wall;	/* the same, wall ns */
	struct tt_file_info hdr;
	int have_hdr;
	int skip;	/* outside --since/--until: never read */
	int64_t name_t; /* a rotated file's name: its start, wall seconds; -1: not such a name */
};

/* A source's files are read one after the other (rotated files do not overlap in time): one
 * open reader per source, the sources side by side. */
struct source {
	char host[256];
	int64_t off0; /* wall - boot, from the first file's header */
	int64_t off;  /* the same, from its latest CLOCK_SYNC */
	size_t *files, nfiles, next; /* indexes into in->f, in time order */
	int fd;
	struct tt_reader *rd; /* the file being read, NULL between files */
	int have, done, ended_all;
	struct tt_record rec; /* the lookahead, borrowed from rd */
	uint64_t key;	      /* its time on the timeline */
};

struct tt_input {
	struct file *f;
	size_t nf;
	struct source src[TT_INPUT_MAX_SOURCES];
	size_t ns;
	struct tt_file_info info; /* the first file's header */
	int scanned;
	size_t opens; /* files opened so far (headers included) */
	size_t nread; /* files that are read (not skipped) */
	char err[1024];
};

static int64_t offset_of(const struct tt_file_info *fi)
{
	return (int64_t)((uint64_t)fi->start_wall_ns - fi->start_boot_ns);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's *.tinytap files in name order (rotated files are named in time order). */
static int expand_dir(const char *dir, char ***out, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	size_t first = *n;
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		if (l < 9 || strcmp(e->d_name + l - 8, ".tinytap"))
			continue;
		if (*n == TT_INPUT_MAX_FILES) {
			closedir(d);
			return -E2BIG;
		}
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			char **p = realloc(*out, nc * sizeof(*p));
			if (!p) {
				closedir(d);
				return -ENOMEM;
			}
			*out = p;
			*cap = nc;
		}
		char *path = malloc(strlen(dir) + l + 2);
		if (!path) {
			closedir(d);
			return -ENOMEM;
		}
		sprintf(path, "%s/%s", dir, e->d_name);
		(*out)[(*n)++] = path;
	}
	closedir(d);
	qsort(*out + first, *n - first, sizeof(**out), cmp_str);
	return 0;
}

static void close_file(struct source *s)
{
	tt_reader_free(s->rd);
	s->rd = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

void tt_input_free(struct tt_input *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->ns; i++) {
		close_file(&in->src[i]);
		free(in->src[i].files);
	}
	for (size_t i = 0; i < in->nf; i++)
		free(in->f[i].path);
	free(in->f);
	free(in);
}

/* Opens path's header: its reader (the caller frees it) on fd, or NULL with err set. */
static struct tt_reader *open_one(struct tt_input *in, const char *path, int *fd, char *err,
				  size_t errlen)
{
	in->opens++;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct tt_reader *rd = tt_reader_open_fd(*fd, path);
	if (!rd) {
		snprintf(err, errlen, "%s", tt_reader_open_error());
		close(*fd);
		*fd = -1;
	}
	return rd;
}

/* f's header (one open, one read of the header, closed again). */
static int read_header(struct tt_input *in, struct file *f, char *err, size_t errlen)
{
	int fd;
	if (f->have_hdr)
		return 0;
	struct tt_reader *rd = open_one(in, f->path, &fd, err, errlen);
	if (!rd)
		return -EIO;
	f->hdr = *tt_reader_info(rd);
	tt_reader_free(rd);
	close(fd);
	f->start = f->hdr.start_boot_ns;
	f->wall = f->hdr.start_wall_ns;
	f->have_hdr = 1;
	return 0;
}

/* f (its header read) into its source: the same host and boot, or a new one. */
static int add_to_source(struct tt_input *in, struct file *f, char *err, size_t errlen)
{
	const struct tt_file_info *fi = &f->hdr;
	int64_t off = offset_of(fi);
	size_t s;
	for (s = 0; s < in->ns; s++) {
		int64_t d = in->src[s].off0 - off;
		if (!strncmp(in->src[s].host, fi->hostname, sizeof(in->src[s].host)) &&
		    d < SAME_BOOT_NS && d > -SAME_BOOT_NS)
			break;
	}
	if (s == in->ns) {
		if (in->ns == TT_INPUT_MAX_SOURCES) {
			snprintf(err, errlen, "recordings of more than %d hosts or boots",
				 TT_INPUT_MAX_SOURCES);
			return -E2BIG;
		}
		snprintf(in->src[s].host, sizeof(in->src[s].host), "%.*s",
			 (int)sizeof(in->src[s].host) - 1, fi->hostname);
		in->src[s].off0 = in->src[s].off = off;
		in->src[s].fd = -1;
		in->ns++;
	}
	f->src = s;
	struct source *so = &in->src[s];
	size_t *p = realloc(so->files, (so->nfiles + 1) * sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	so->files = p;
	so->files[so->nfiles++] = (size_t)(f - in->f);
	return 0;
}

/* A rotated file's name (tinytap-record -C/-G: STEM-YYYYmmddTHHMMSSZ-NNNNNN.tinytap): its start,
 * wall seconds, and the length of what comes before the time (directory and stem); -1 if the
 * name is not one. */
static int64_t rotated_name_time(const char *path, size_t *prefix)
{
	size_t l = strlen(path), i = l;
	if (l < 8 || strcmp(path + l - 8, ".tinytap"))
		return -1;
	i -= 8;
	size_t digits = 0;
	while (i > 0 && path[i - 1] >= '0' && path[i - 1] <= '9')
		i--, digits++;
	if (digits < 6 || i < 18 || path[i - 1] != '-')
		return -1;
	const char *t = path + i - 17; /* YYYYmmddTHHMMSSZ */
	if (t[-1] != '-' || t[8] != 'T' || t[15] != 'Z')
		return -1;
	struct tm tm = {0};
	int v[6], w[6] = {4, 2, 2, 2, 2, 2}, at[6] = {0, 4, 6, 9, 11, 13};
	for (int k = 0; k < 6; k++) {
		v[k] = 0;
		for (int j = 0; j < w[k]; j++) {
			char c = t[at[k] + j];
			if (c < '0' || c > '9')
				return -1;
			v[k] = v[k] * 10 + (c - '0');
		}
	}
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	*prefix = (size_t)(t - 1 - path);
	return (int64_t)timegm(&tm);
}

static struct tt_input *in_sort;

static int by_path(const void *a, const void *b)
{
	return strcmp(in_sort->f[*(const size_t *)a].path, in_sort->f[*(const size_t *)b].path);
}

static int by_start(const void *a, const void *b)
{
	uint64_t x = in_sort->f[*(const size_t *)a].start, y = in_sort->f[*(const size_t *)b].start;
	return x < y ? -1 : x > y;
}

struct tt_input *tt_input_open(const char *const *paths, size_t n, char *err, size_t errlen)
{
	struct tt_input *in = calloc(1, sizeof(*in));
	char **list = NULL;
	size_t nl = 0, cap = 0;
	if (!in) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		int rc = 0;
		if (stat(paths[i], &st) && strpbrk(paths[i], "*?[")) {
			/* a pattern the shell did not expand (quoted, or too many files for argv)
			 */
			glob_t g;
			int gr = glob(paths[i], 0, NULL, &g);
			if (gr == GLOB_NOMATCH) {
				snprintf(err, errlen, "%s: no file matches", paths[i]);
				goto fail;
			}
			for (size_t k = 0; !gr && k < g.gl_pathc && !rc; k++) {
				if (nl == TT_INPUT_MAX_FILES) {
					rc = -E2BIG;
				} else if (nl == cap) {
					size_t nc = cap ? cap * 2 : 16;
					char **p = realloc(list, nc * sizeof(*p));
					if (!p)
						rc = -ENOMEM;
					else
						list = p, cap = nc;
				}
				if (!rc && !(list[nl] = strdup(g.gl_pathv[k])))
					rc = -ENOMEM;
				else if (!rc)
					nl++;
			}
			if (gr)
				rc = -ENOMEM;
			globfree(&g);
		} else if (!stat(paths[i], &st) && S_ISDIR(st.st_mode)) {
			size_t before = nl;
			rc = expand_dir(paths[i], &list, &nl, &cap);
			if (!rc && nl == before) {
				snprintf(err, errlen, "%s: no .tinytap file in this directory",
					 paths[i]);
				goto fail;
			}
		} else if (nl == TT_INPUT_MAX_FILES) {
			rc = -E2BIG;
		} else {
			if (nl == cap) {
				size_t nc = cap ? cap * 2 : 16;
				char **p = realloc(list, nc * sizeof(*p));
				if (!p) {
					rc = -ENOMEM;
					goto bad;
				}
				list = p;
				cap = nc;
			}
			if (!(list[nl] = strdup(paths[i])))
				rc = -ENOMEM;
			else
				nl++;
		}
	bad:
		if (rc < 0) {
			snprintf(err, errlen, "%s: %s", paths[i],
				 rc == -E2BIG ? "more than 4096 recordings" : strerror(-rc));
			goto fail;
		}
	}
	in->f = calloc(nl ? nl : 1, sizeof(*in->f));
	if (!in->f) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < nl; i++) {
		in->f[in->nf].path = list[i];
		in->f[in->nf++].name_t = -1;
		list[i] = NULL;
	}
	/* the first file's header now: its clocks are the timeline's (and --since +30s counts
	 * from its start); the others' in tt_input_scan() */
	if (nl && read_header(in, &in->f[0], err, errlen) < 0)
		goto fail;
	if (nl)
		in->info = in->f[0].hdr;
	free(list);
	return in;
fail:
	for (size_t i = 0; i < nl; i++)
		free(list[i]);
	free(list);
	tt_input_free(in);
	return NULL;
}

/*
 * The files of one rotated set (one directory and stem) that a window cannot need, by their
 * names alone: a file ends where the next one starts, so one whose successor started (by its
 * name, which is at most about a second before its header's start) before since, or after the
 * first file that started after until (that one is read: what began before until ends in it),
 * is marked skip without being opened. 0 when the names do not allow it (not one set).
 */
static int skip_by_names(struct tt_input *in, int64_t since, int64_t until, size_t *order)
{
	size_t plen0 = 0;
	for (size_t i = 0; i < in->nf; i++) {
		size_t plen = 0;
		in->f[i].name_t = rotated_name_time(in->f[i].path, &plen);
		if (in->f[i].name_t < 0)
			return 0;
		if (i && (plen != plen0 || strncmp(in->f[i].path, in->f[0].path, plen)))
			return 0;
		plen0 = plen;
		order[i] = i;
	}
	in_sort = in;
	qsort(order, in->nf, sizeof(*order), by_path);
	int64_t since_s = since / 1000000000, until_s = until / 1000000000 + 1;
	for (size_t k = 0; k < in->nf; k++) {
		struct file *f = &in->f[order[k]];
		/* the first file after until is kept: transactions begun before it end there */
		if (until && k > 0 && in->f[order[k - 1]].name_t >= until_s)
			f->skip = 1;
		if (since && k + 1 < in->nf && in->f[order[k + 1]].name_t + 2 <= since_s)
			f->skip = 1;
	}
	return 1;
}

int tt_input_scan(struct tt_input *in, int64_t since_wall_ns, int64_t until_wall_ns, char *err,
		  size_t errlen)
{
	size_t *order = calloc(in->nf ? in->nf : 1, sizeof(*order));
	int rc = 0, by_names = 0;
	if (!order) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (in->scanned) {
		free(order);
		return 0;
	}
	in->scanned = 1;
	if ((since_wall_ns || until_wall_ns) && in->nf > 2)
		by_names = skip_by_names(in, since_wall_ns, until_wall_ns, order);
	if (by_names) {
		/* the files kept and their neighbours: if they are of one host and boot, so is the
		 * set (another host's files in the same directory show up among them) */
		for (size_t k = 0; k < in->nf; k++) {
			int need = !in->f[order[k]].skip || (k > 0 && !in->f[order[k - 1]].skip) ||
				   (k + 1 < in->nf && !in->f[order[k + 1]].skip);
			if (need && (rc = read_header(in, &in->f[order[k]], err, errlen)) < 0)
				goto out;
		}
		const struct file *ref = &in->f[0]; /* its header was read at open */
		for (size_t i = 1; i < in->nf && by_names; i++) {
			const struct file *f = &in->f[i];
			int64_t d = offset_of(&f->hdr) - offset_of(&ref->hdr);
			if (f->have_hdr && (strcmp(f->hdr.hostname, ref->hdr.hostname) ||
					    d >= SAME_BOOT_NS || d <= -SAME_BOOT_NS))
				by_names = 0; /* several hosts or boots: every header decides */
		}
	}
	for (size_t i = 0; i < in->nf; i++) {
		struct file *f = &in->f[i];
		if (!by_names)
			f->skip = 0;
		if (f->skip || (by_names && !f->have_hdr)) {
			f->skip = 1;
			continue;
		}
		if ((rc = read_header(in, f, err, errlen)) < 0 ||
		    (rc = add_to_source(in, f, err, errlen)) < 0)
			goto out;
	}
	for (size_t s = 0; s < in->ns; s++) { /* each source's files in time order */
		struct source *so = &in->src[s];
		in_sort = in;
		qsort(so->files, so->nfiles, sizeof(size_t), by_start);
		so->ended_all = 1;
		/* exact, by the headers: a file ends where the next one of its source starts */
		size_t kept = 0;
		for (size_t k = 0; k < so->nfiles; k++) {
			struct file *f = &in->f[so->files[k]];
			int skip = (until_wall_ns && k > 0 &&
				    in->f[so->files[k - 1]].wall >= until_wall_ns) ||
				   (since_wall_ns && k + 1 < so->nfiles &&
				    in->f[so->files[k + 1]].wall <= since_wall_ns);
			if (skip)
				f->skip = 1;
			else
				so->files[kept++] = so->files[k];
		}
		so->nfiles = kept;
	}
	for (size_t i = 0; i < in->nf; i++)
		in->nread += !in->f[i].skip;
out:
	free(order);
	return rc;
}

size_t tt_input_files_read(const struct tt_input *in)
{
	return in->nread;
}

size_t tt_input_opens(const struct tt_input *in)
{
	return in->opens;
}

/* A record of a file of source s, onto the first source's clock and with its ids marked. */
static void place(struct tt_input *in, struct source *so)
{
	struct tt_record *r = &so->rec;
	size_t src = (size_t)(so - in->src);
	int has;
	if (src) {
		tt_record_shift_ts(r, so->off - in->src[0].off);
		uint32_t ps = (uint32_t)src << TT_INPUT_PID_SHIFT;
		uint64_t ss = (uint64_t)src << TT_INPUT_SOCK_SHIFT;
		switch (r->type) {
		case TT_REC_DATA:
			r->u.data.pid |= ps;
			r->u.data.sock_id |= ss;
			break;
		case TT_REC_CONN:
			r->u.conn.pid |= ps;
			r->u.conn.sock_id |= ss;
			if (r->u.conn.unix_peer_id)
				r->u.conn.unix_peer_id |= ss;
			break;
		case TT_REC_CLOSE:
			r->u.close.pid |= ps;
			r->u.close.sock_id |= ss;
			break;
		case TT_REC_PROCESS:
			r->u.process.pid |= ps;
			if (r->u.process.ppid)
				r->u.process.ppid |= ps;
			if (r->u.process.cgroup_id) /* two hosts' cgroup ids are unrelated */
				r->u.process.cgroup_id |= ss;
			break;
		case TT_REC_CGROUP:
			r->u.cgroup.cgroup_id |= ss;
			break;
		case TT_REC_PROCESS_EXIT:
			r->u.process_exit.pid |= ps;
			break;
		case TT_REC_TLS_UNHOOKED:
			r->u.tls_unhooked.pid |= ps;
			break;
		}
	}
	so->key = tt_record_ts(r, &has);
}

int tt_input_next(struct tt_input *in, struct tt_record *rec)
{
	struct source *best = NULL;
	if (!in->scanned && tt_input_scan(in, 0, 0, in->err, sizeof(in->err)) < 0)
		return -EIO;
	for (size_t i = 0; i < in->ns; i++) {
		struct source *so = &in->src[i];
		while (!so->have && !so->done) {
			if (!so->rd) { /* the source's next file */
				if (so->next == so->nfiles) {
					so->done = 1;
					break;
				}
				const char *path = in->f[so->files[so->next++]].path;
				if (!(so->rd =
					  open_one(in, path, &so->fd, in->err, sizeof(in->err))))
					return -EIO;
				continue;
			}
			int rc = tt_reader_next(so->rd, &so->rec);
			if (rc == 0) {
				struct tt_reader_stats st;
				tt_reader_get_stats(so->rd, &st);
				so->ended_all &= st.has_end;
				close_file(so);
			} else if (rc < 0) {
				snprintf(in->err, sizeof(in->err), "%s", tt_reader_errmsg(so->rd));
				if (rc != -EBADMSG) {
					so->ended_all = 0;
					close_file(so);
				}
				return rc;
			} else if (so->rec.type == TT_REC_CLOCK_SYNC) {
				/* each boot's own clock; the first source's goes on to the engine */
				if (so->rec.u.clock_sync.boot_ns)
					so->off = (int64_t)((uint64_t)so->rec.u.clock_sync.realtime_ns -
							    so->rec.u.clock_sync.boot_ns);
				if (i == 0) {
					place(in, so);
					so->have = 1;
				}
			} else {
				place(in, so);
				so->have = 1;
			}
		}
		if (so->have && (!best || so->key < best->key))
			best = so;
	}
	if (!best)
		return 0;
	*rec = best->rec;
	best->have = 0;
	return 1;
}

const char *tt_input_errmsg(const struct tt_input *in)
{
	return in->err;
}

const struct tt_file_info *tt_input_info(const struct tt_input *in)
{
	return &in->info;
}

size_t tt_input_files(const struct tt_input *in)
{
	return in->nf;
}

size_t tt_input_sources(const struct tt_input *in)
{
	return in->ns;
}

const char *tt_input_source_host(const struct tt_input *in, size_t src)
{
	return src < in->ns ? in->src[src].host : "";
}

int tt_input_all_ended(const struct tt_input *in)
{
	for (size_t i = 0; i < in->ns; i++)
		if (!in->src[i].ended_all || !in->src[i].done)
			return 0;
	return 1;
}
