// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/procs.h"

static int read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	return (int)n;
}

const char *tt_procs_cgroup2_root(void)
{
	static char root[512];
	static int done;
	char line[1024], dev[64], dir[512], type[64];
	FILE *f;

	if (done)
		return root;
	done = 1;
	strcpy(root, "/sys/fs/cgroup");
	f = fopen("/proc/self/mounts", "re");
	if (!f)
		return root;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %511s %63s", dev, dir, type) == 3 &&
		    !strcmp(type, "cgroup2")) {
			snprintf(root, sizeof(root), "%s", dir);
			break;
		}
	}
	fclose(f);
	return root;
}

uint64_t tt_procs_cgroup_id(uint32_t pid)
{
	char path[64], line[4096 + 32], full[4200];
	struct stat st;
	char *p, *nl;

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	if (read_small(path, line, sizeof(line)) <= 0)
		return 0;
	p = strstr(line, "0::");
	if (!p)
		return 0;
	p += 3;
	nl = strchr(p, '\n');
	if (nl)
		*nl = 0;
	snprintf(full, sizeof(full), "%s%s", tt_procs_cgroup2_root(), p);
	if (stat(full, &st))
		return 0;
	return st.st_ino;
}

int tt_procs_read(uint32_t pid, struct tt_rec_process *rec)
{
	char path[64], buf[1024], *p;
	unsigned long long start_ticks = 0;
	int ppid = 0, n, field;
	struct stat st;
	long hz = sysconf(_SC_CLK_TCK);

	memset(rec, 0, sizeof(*rec));
	rec->pid = pid;
	rec->origin = TT_PROC_SCAN;
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	/* comm is in parentheses and may hold anything: parse after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	{
		char *lp = strchr(buf, '(');
		size_t len = lp && p > lp ? (size_t)(p - lp - 1) : 0;

		if (len >= sizeof(rec->comm))
			len = sizeof(rec->comm) - 1;
		if (lp)
			memcpy(rec->comm, lp + 1, len);
	}
	/* fields after ')': 3 state, 4 ppid, ..., 22 starttime */
	p += 2;
	for (field = 3; *p && field <= 22; field++) {
		if (field == 4)
			ppid = atoi(p);
		if (field == 22)
			start_ticks = strtoull(p, NULL, 10);
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	rec->ppid = ppid;
	if (hz > 0)
		rec->start_ns = start_ticks * (1000000000ull / (unsigned long long)hz);
	snprintf(path, sizeof(path), "/proc/%u", pid);
	if (stat(path, &st) == 0)
		rec->uid = st.st_uid;
	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, rec->exe, sizeof(rec->exe) - 1);
	if (n < 0)
		rec->exe[0] = 0;
	rec->cgroup_id = tt_procs_cgroup_id(pid);
	{
		struct timespec ts;

		clock_gettime(CLOCK_BOOTTIME, &ts);
		rec->ts_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	}
	return 0;
}

int tt_procs_scan(int (*fn)(void *ctx, const struct tt_rec_process *rec), void *ctx)
{
	struct tt_rec_process rec;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int err = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		unsigned long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtoul(de->d_name, &end, 10);
		if (*end || !pid)
			continue;
		if (tt_procs_read(pid, &rec))
			continue;
		err = fn(ctx, &rec);
		if (err < 0)
			break;
	}
	closedir(d);
	return err < 0 ? err : 0;
}
