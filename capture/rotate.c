// SPDX-License-Identifier: MIT
/*
 * capture/rotate.c - the flight recorder's file set: names, when to rotate, what to delete.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/rotate.h"
#include "format/privfile.h"

#define EXT	     ".tinytap"
#define EXT_LEN	     (sizeof(EXT) - 1)
#define STAMP_LEN    16	    /* YYYYmmddTHHMMSSZ */
#define SEQ_MIN	     6	    /* digits, at least */
#define MAX_SET	     100000 /* files of a set looked at; past that the oldest are not seen */
#define MIN_AUTO_C   (1ull << 20)
#define MAX_AUTO_G_S 3600

int tt_rotate_enabled(const struct tt_rotate_policy *p)
{
	return p->file_bytes || p->file_secs || p->files || p->max_disk || p->max_age_s;
}

void tt_rotate_policy_complete(struct tt_rotate_policy *p)
{
	if (!p->file_bytes && !p->file_secs && p->max_disk) {
		p->file_bytes = p->max_disk / 10;
		if (p->file_bytes < MIN_AUTO_C)
			p->file_bytes = MIN_AUTO_C;
	}
	if (!p->file_secs && p->max_age_s && !p->file_bytes) {
		p->file_secs = p->max_age_s / 10;
		if (p->file_secs < 1)
			p->file_secs = 1;
		if (p->file_secs > MAX_AUTO_G_S)
			p->file_secs = MAX_AUTO_G_S;
	}
	/* with --max-age and -C, a quiet recording still needs time rotation to age out */
	if (!p->file_secs && p->max_age_s) {
		p->file_secs = p->max_age_s / 10 ? p->max_age_s / 10 : 1;
		if (p->file_secs > MAX_AUTO_G_S)
			p->file_secs = MAX_AUTO_G_S;
	}
}

int tt_rotate_due(const struct tt_rotate_policy *p, uint64_t file_bytes, uint64_t age_ms)
{
	if (p->file_bytes && file_bytes >= p->file_bytes)
		return 1;
	if (p->file_secs && age_ms >= p->file_secs * 1000)
		return 1;
	return 0;
}

size_t tt_rotate_plan(struct tt_rotate_file *files, size_t n, const struct tt_rotate_policy *p,
		      int64_t now_s, uint64_t reserve)
{
	size_t marked = 0, keep = n;
	uint64_t total = reserve;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		files[i].del = 0;
	for (size_t i = 0; i + 1 < n; i++)
		total += files[i].bytes;
	/* oldest first: each rule deletes from the front until it holds */
	for (size_t i = 0; i + 1 < n; i++) {
		int del = 0;

		if (p->files && keep > p->files)
			del = 1;
		if (p->max_disk && total > p->max_disk)
			del = 1;
		if (p->max_age_s && files[i].mtime_s < now_s - (int64_t)p->max_age_s)
			del = 1;
		if (!del)
			continue;
		files[i].del = 1;
		marked++;
		keep--;
		total -= files[i].bytes;
	}
	return marked;
}

int tt_rotate_name(char *buf, size_t size, const char *stem, int64_t t, uint32_t seq)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char stamp[32];

	if (!gmtime_r(&tt, &tm) ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) != STAMP_LEN)
		return -EINVAL;
	int n = snprintf(buf, size, "%s-%s-%0*u" EXT, stem, stamp, SEQ_MIN, seq);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int tt_rotate_is_member(const char *name, const char *stem)
{
	size_t sl = strlen(stem), nl = strlen(name);
	const char *p;

	if (nl < sl + 1 + STAMP_LEN + 1 + SEQ_MIN + EXT_LEN || strncmp(name, stem, sl) ||
	    name[sl] != '-' || strcmp(name + nl - EXT_LEN, EXT))
		return 0;
	p = name + sl + 1;
	for (int i = 0; i < STAMP_LEN; i++) {
		char c = p[i];
		int ok = i == 8 ? c == 'T' : i == 15 ? c == 'Z' : (c >= '0' && c <= '9');
		if (!ok)
			return 0;
	}
	p += STAMP_LEN;
	if (*p++ != '-')
		return 0;
	const char *end = name + nl - EXT_LEN;
	if (end - p < SEQ_MIN)
		return 0;
	for (; p < end; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

struct tt_rotate {
	struct tt_rotate_policy p;
	char *dir;
	char *stem;
	char path[4096];
	char name[1024]; /* the current file's name in dir */
	int fd;
	uint32_t seq;
	uint64_t created, deleted;
	int chown_err;
};

struct tt_rotate *tt_rotate_new(const char *base, const struct tt_rotate_policy *p)
{
	struct tt_rotate *r = calloc(1, sizeof(*r));
	struct stat st;
	const char *slash, *file;
	size_t fl;

	if (!r)
		return NULL;
	r->p = *p;
	r->fd = -1;
	if (!stat(base, &st) && S_ISDIR(st.st_mode)) {
		r->dir = strdup(base);
		r->stem = strdup("session");
	} else {
		slash = strrchr(base, '/');
		file = slash ? slash + 1 : base;
		r->dir =
		    slash ? strndup(base, (size_t)(slash - base) + (slash == base)) : strdup(".");
		fl = strlen(file);
		if (fl > EXT_LEN && !strcmp(file + fl - EXT_LEN, EXT))
			fl -= EXT_LEN;
		r->stem = strndup(file, fl);
	}
	if (!r->dir || !r->stem) {
		tt_rotate_free(r);
		errno = ENOMEM;
		return NULL;
	}
	if (!*r->stem || strlen(r->stem) > 200) {
		tt_rotate_free(r);
		errno = EINVAL;
		return NULL;
	}
	if (stat(r->dir, &st) || !S_ISDIR(st.st_mode)) {
		int e = errno;

		if (!stat(r->dir, &st))
			e = ENOTDIR;
		tt_rotate_free(r);
		errno = e;
		return NULL;
	}
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct tt_rotate_file *)a)->name,
		      ((const struct tt_rotate_file *)b)->name);
}

/* The set's files, oldest first, the current one last; NULL + *n = 0 when none or no memory. */
static struct tt_rotate_file *list_set(struct tt_rotate *r, size_t *n)
{
	DIR *d = opendir(r->dir);
	struct tt_rotate_file *f = NULL, *cur = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	for (struct dirent *e; (e = readdir(d)) && *n < MAX_SET;) {
		struct stat st;

		if (!tt_rotate_is_member(e->d_name, r->stem))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct tt_rotate_file *g = realloc(f, nc * sizeof(*g));
			if (!g)
				break;
			f = g;
			cap = nc;
		}
		f[*n] = (struct tt_rotate_file){.name = strdup(e->d_name),
						.bytes = (uint64_t)st.st_size,
						.mtime_s = st.st_mtim.tv_sec};
		if (f[*n].name)
			(*n)++;
	}
	closedir(d);
	if (!*n)
		return f;
	qsort(f, *n, sizeof(*f), by_name);
	/* the current file is last whatever the clock did */
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(f[i].name, r->name))
			cur = &f[i];
	if (cur && cur != &f[*n - 1]) {
		struct tt_rotate_file c = *cur;
		memmove(cur, cur + 1, (size_t)(&f[*n - 1] - cur) * sizeof(*f));
		f[*n - 1] = c;
	}
	return f;
}

size_t tt_rotate_prune(struct tt_rotate *r, int64_t now_wall_s)
{
	size_t n, gone = 0;
	struct tt_rotate_file *f = list_set(r, &n);
	int have_cur = n && !strcmp(f[n - 1].name, r->name);

	/* no current file among them (not created yet): a placeholder keeps them all eligible */
	if (!have_cur) {
		struct tt_rotate_file *g = realloc(f, (n + 1) * sizeof(*g));
		if (!g)
			goto out;
		f = g;
		f[n++] = (struct tt_rotate_file){.name = NULL};
	}
	tt_rotate_plan(f, n, &r->p, now_wall_s, r->p.file_bytes);
	for (size_t i = 0; i + 1 < n; i++) {
		char path[4096];

		if (!f[i].del)
			continue;
		snprintf(path, sizeof(path), "%s/%s", r->dir, f[i].name);
		if (!unlink(path))
			gone++;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(f[i].name);
	free(f);
	r->deleted += gone;
	return gone;
}

int tt_rotate_next(struct tt_rotate *r, int64_t now_wall_s, size_t *deleted)
{
	int fd = -1, err;

	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	for (int tries = 0; tries < 1000; tries++) {
		struct stat st;

		err = tt_rotate_name(r->name, sizeof(r->name), r->stem, now_wall_s, ++r->seq);
		if (err < 0)
			return err;
		snprintf(r->path, sizeof(r->path), "%s/%s", r->dir, r->name);
		if (lstat(r->path, &st) && errno == ENOENT)
			break; /* never overwrite a file of an earlier run */
	}
	fd = tt_privfile_create(r->path, &err);
	if (fd < 0)
		return fd;
	if (err && !r->chown_err)
		r->chown_err = err;
	r->fd = fd;
	r->created++;
	size_t gone = tt_rotate_prune(r, now_wall_s);
	if (deleted)
		*deleted = gone;
	return fd;
}

const struct tt_rotate_policy *tt_rotate_policy_of(const struct tt_rotate *r)
{
	return &r->p;
}

const char *tt_rotate_path(const struct tt_rotate *r)
{
	return r->path;
}

uint64_t tt_rotate_created(const struct tt_rotate *r)
{
	return r->created;
}

uint64_t tt_rotate_deleted(const struct tt_rotate *r)
{
	return r->deleted;
}

int tt_rotate_chown_err(const struct tt_rotate *r)
{
	return r->chown_err;
}

void tt_rotate_free(struct tt_rotate *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->dir);
	free(r->stem);
	free(r);
}
