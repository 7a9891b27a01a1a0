// SPDX-License-Identifier: MIT
/* tests/test_rotate.c - the flight recorder's rotation policy (capture/rotate.c): when a file is
 * due, what the files are called, which are deleted and in what order, and the same on a real
 * directory. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/rotate.h"

#define T0 1795587348 /* 2026-11-25T06:15:48Z */

Test(rotate, due_by_size_and_time)
{
	struct tt_rotate_policy p = {.file_bytes = 1000000};

	cr_expect(!tt_rotate_due(&p, 999999, 999999999));
	cr_expect(tt_rotate_due(&p, 1000000, 0));
	p = (struct tt_rotate_policy){.file_secs = 60};
	cr_expect(!tt_rotate_due(&p, 1ull << 40, 59999));
	cr_expect(tt_rotate_due(&p, 0, 60000));
	p = (struct tt_rotate_policy){.file_bytes = 10, .file_secs = 1};
	cr_expect(tt_rotate_due(&p, 10, 0), "either limit");
	cr_expect(tt_rotate_due(&p, 0, 1000), "either limit");
	p = (struct tt_rotate_policy){.files = 3, .max_disk = 100};
	cr_expect(!tt_rotate_due(&p, 1ull << 40, 1ull << 40), "-W and --max-disk do not rotate");
}

Test(rotate, simple_forms)
{
	struct tt_rotate_policy p = {.max_disk = 100ull << 20};

	cr_expect(tt_rotate_enabled(&p));
	tt_rotate_policy_complete(&p);
	cr_expect_eq(p.file_bytes, 10ull << 20, "--max-disk alone: a tenth per file");
	p = (struct tt_rotate_policy){.max_disk = 2ull << 20};
	tt_rotate_policy_complete(&p);
	cr_expect_eq(p.file_bytes, 1ull << 20, "at least 1 MiB per file");
	p = (struct tt_rotate_policy){.max_age_s = 7 * 86400};
	tt_rotate_policy_complete(&p);
	cr_expect_eq(p.file_secs, 3600, "--max-age 7d alone: hourly files (a tenth, at most 1 h)");
	p = (struct tt_rotate_policy){.max_age_s = 600};
	tt_rotate_policy_complete(&p);
	cr_expect_eq(p.file_secs, 60);
	p = (struct tt_rotate_policy){.max_age_s = 5};
	tt_rotate_policy_complete(&p);
	cr_expect_eq(p.file_secs, 1, "at least a second");
	p = (struct tt_rotate_policy){.max_age_s = 600, .file_bytes = 1 << 20};
	tt_rotate_policy_complete(&p);
	cr_expect_eq(p.file_secs, 60, "-C with --max-age still rotates by time (a quiet set ages)");
	p = (struct tt_rotate_policy){.file_secs = 30, .max_disk = 1 << 30};
	tt_rotate_policy_complete(&p);
	cr_expect_eq(p.file_bytes, 0, "-G given: no size rotation added");
	cr_expect_eq(p.file_secs, 30);
	p = (struct tt_rotate_policy){0};
	cr_expect(!tt_rotate_enabled(&p));
}

Test(rotate, names)
{
	char b[128];

	cr_assert_eq(tt_rotate_name(b, sizeof(b), "session", T0, 1), 0);
	cr_expect_str_eq(b, "session-20261125T061548Z-000001.tinytap");
	cr_assert_eq(tt_rotate_name(b, sizeof(b), "s", T0 + 86400, 1234567), 0);
	cr_expect_str_eq(b, "s-20261126T061548Z-1234567.tinytap",
			 "the sequence widens, never wraps");
	cr_expect_eq(tt_rotate_name(b, 20, "session", T0, 1), -ENAMETOOLONG);
	cr_expect(tt_rotate_is_member("session-20261125T061548Z-000001.tinytap", "session"));
	cr_expect(tt_rotate_is_member("s-20261126T061548Z-1234567.tinytap", "s"));
	cr_expect(!tt_rotate_is_member("session-20261125T061548Z-000001.tinytap", "sess"));
	cr_expect(!tt_rotate_is_member("session.tinytap", "session"));
	cr_expect(!tt_rotate_is_member("session-20261125T061548Z-00001.tinytap", "session"),
		  "6 digits at least");
	cr_expect(!tt_rotate_is_member("session-20261125X061548Z-000001.tinytap", "session"));
	cr_expect(!tt_rotate_is_member("session-20261125T061548Z-000001.tinytap.tmp", "session"));
	cr_expect(!tt_rotate_is_member("session-2026112aT061548Z-000001.tinytap", "session"));
	/* name order is time order, also across a day and a sequence width */
	char a[128], c[128];
	tt_rotate_name(a, sizeof(a), "s", T0, 999999);
	tt_rotate_name(c, sizeof(c), "s", T0 + 1, 1);
	cr_expect(strcmp(a, c) < 0);
}

static struct tt_rotate_file F(uint64_t bytes, int64_t mtime) {
	return (struct tt_rotate_file){.name = NULL, .bytes = bytes, .mtime_s = mtime};
}

Test(rotate, plan_count)
{
	struct tt_rotate_file f[7];
	struct tt_rotate_policy p = {.files = 5};

	for (int i = 0; i < 7; i++)
		f[i] = F(100, T0 + i);
	cr_expect_eq(tt_rotate_plan(f, 7, &p, T0 + 10, 0), 2);
	cr_expect(f[0].del && f[1].del, "the oldest two go");
	for (int i = 2; i < 7; i++)
		cr_expect(!f[i].del, "file %d stays", i);
	p.files = 1;
	cr_expect_eq(tt_rotate_plan(f, 7, &p, T0 + 10, 0), 6);
	cr_expect(!f[6].del, "the current file is never deleted");
	p.files = 10;
	cr_expect_eq(tt_rotate_plan(f, 7, &p, T0 + 10, 0), 0);
}

Test(rotate, plan_disk)
{
	struct tt_rotate_file f[5] = {F(400, 1), F(300, 2), F(200, 3), F(100, 4), F(0, 5)};
	struct tt_rotate_policy p = {.max_disk = 1000};

	/* 400+300+200+100 = 1000, plus 250 the current file may grow to: 1250 > 1000 */
	cr_expect_eq(tt_rotate_plan(f, 5, &p, 10, 250), 1);
	cr_expect(f[0].del && !f[1].del);
	cr_expect_eq(tt_rotate_plan(f, 5, &p, 10, 0), 0, "exactly at the bound: kept");
	cr_expect_eq(tt_rotate_plan(f, 5, &p, 10, 1000), 4, "reserve the whole budget");
	cr_expect(!f[4].del);
}

Test(rotate, plan_age_and_all_rules)
{
	struct tt_rotate_file f[5] = {F(1, 100), F(1, 200), F(1, 300), F(1, 400), F(1, 500)};
	struct tt_rotate_policy p = {.max_age_s = 150};

	/* now 500: ended before 350 goes */
	cr_expect_eq(tt_rotate_plan(f, 5, &p, 500, 0), 3);
	cr_expect(f[0].del && f[1].del && f[2].del && !f[3].del);
	cr_expect_eq(tt_rotate_plan(f, 5, &p, 10000, 0), 4, "all old: all but the current");
	cr_expect(!f[4].del);
	/* each rule deletes from the oldest; the strictest decides */
	p = (struct tt_rotate_policy){.files = 4, .max_disk = 2, .max_age_s = 1000};
	cr_expect_eq(tt_rotate_plan(f, 5, &p, 500, 0), 2,
		     "-W 4 says 1, --max-disk 2 says 2 (4 closed bytes)");
	cr_expect(f[0].del && f[1].del && !f[2].del);
	cr_expect_eq(tt_rotate_plan(f, 0, &p, 500, 0), 0);
}

/* ---- on a directory ---------------------------------------------------------------------- */

static char dir[64];

static void mkdir_tmp(void)
{
	strcpy(dir, "/tmp/tt-rotate.XXXXXX");
	cr_assert(mkdtemp(dir));
}

static void rm_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int count(const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	if (d)
		closedir(d);
	return n;
}

static void put(const char *name, size_t bytes)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	cr_assert(f);
	for (size_t i = 0; i < bytes; i++)
		fputc('x', f);
	fclose(f);
}

static int exists(const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

Test(rotate, directory_keep_newest, .init = mkdir_tmp, .fini = rm_dir)
{
	char base[128], path[256];
	struct tt_rotate_policy p = {.file_secs = 1, .files = 3};
	struct tt_rotate *r;
	size_t gone;

	/* an earlier run's files, another set's and a stranger count or not as they should */
	put("fr-20261125T000000Z-000001.tinytap", 10);
	put("fr-20261125T000001Z-000002.tinytap", 10);
	put("other-20261125T000000Z-000001.tinytap", 10);
	put("fr.tinytap", 10);
	snprintf(base, sizeof(base), "%s/fr.tinytap", dir);
	r = tt_rotate_new(base, &p);
	cr_assert(r);
	for (int i = 0; i < 4; i++) {
		int fd = tt_rotate_next(r, T0 + i, &gone);
		cr_assert_geq(fd, 0);
		struct stat st;
		cr_assert_eq(fstat(fd, &st), 0);
		cr_expect_eq(st.st_mode & 0777, 0600);
		cr_expect_leq(count("fr-"), 3, "-W 3 after file %d", i);
	}
	snprintf(path, sizeof(path), "%s/fr-20261125T061551Z-000004.tinytap", dir);
	cr_expect_str_eq(tt_rotate_path(r), path);
	cr_expect(exists("fr-20261125T061549Z-000002.tinytap"));
	cr_expect(exists("fr-20261125T061550Z-000003.tinytap"));
	cr_expect(!exists("fr-20261125T000000Z-000001.tinytap"), "the earlier run's went first");
	cr_expect(!exists("fr-20261125T061548Z-000001.tinytap"));
	cr_expect(exists("other-20261125T000000Z-000001.tinytap"), "another set is not touched");
	cr_expect(exists("fr.tinytap"), "a file not named as the set is not touched");
	cr_expect_eq(tt_rotate_created(r), 4);
	cr_expect_eq(tt_rotate_deleted(r), 3);
	tt_rotate_free(r);
}

Test(rotate, directory_never_overwrites, .init = mkdir_tmp, .fini = rm_dir)
{
	char base[128];
	struct tt_rotate_policy p = {.file_bytes = 1 << 20};
	struct tt_rotate *r;

	put("s-20261125T061548Z-000001.tinytap", 5); /* a run restarted within the second */
	snprintf(base, sizeof(base), "%s/s", dir);
	r = tt_rotate_new(base, &p);
	cr_assert(r);
	cr_assert_geq(tt_rotate_next(r, T0, NULL), 0);
	cr_expect(strstr(tt_rotate_path(r), "s-20261125T061548Z-000002.tinytap"));
	struct stat st;
	char p1[256];
	snprintf(p1, sizeof(p1), "%s/s-20261125T061548Z-000001.tinytap", dir);
	cr_assert_eq(stat(p1, &st), 0);
	cr_expect_eq(st.st_size, 5, "the earlier file is intact");
	tt_rotate_free(r);
}

Test(rotate, directory_max_disk, .init = mkdir_tmp, .fini = rm_dir)
{
	char base[128];
	struct tt_rotate_policy p = {.file_bytes = 100, .max_disk = 350};
	struct tt_rotate *r;

	snprintf(base, sizeof(base), "%s", dir); /* a directory: the set is "session" */
	r = tt_rotate_new(base, &p);
	cr_assert(r);
	for (int i = 0; i < 6; i++) {
		int fd = tt_rotate_next(r, T0 + i, NULL);
		cr_assert_geq(fd, 0);
		char buf[100];
		memset(buf, 'x', sizeof(buf));
		cr_assert_eq(write(fd, buf, sizeof(buf)), 100);
	}
	/* closed files + the current one's 100 reserved stay within 350: 2 closed + current */
	cr_expect_eq(count("session-"), 3);
	tt_rotate_free(r);
}

Test(rotate, missing_directory)
{
	struct tt_rotate_policy p = {.file_secs = 1};

	cr_expect_null(tt_rotate_new("/nonexistent/dir/fr.tinytap", &p));
	cr_expect_eq(errno, ENOENT);
}
