// SPDX-License-Identifier: MIT
/* format/fileinfo.c - capture metadata from this host. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "format/fileinfo.h"

static uint64_t ts_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void tt_file_info_fill_host(struct tt_file_info *info)
{
	struct utsname u;
	uint64_t b1, b2;
	int64_t wall;

	if (gethostname(info->hostname, sizeof(info->hostname)))
		info->hostname[0] = '\0';
	info->hostname[sizeof(info->hostname) - 1] = '\0';
	if (uname(&u) == 0)
		snprintf(info->kernel, sizeof(info->kernel), "%s", u.release);
	else
		info->kernel[0] = '\0';
	/* Boot clock read on both sides of the wall clock: the midpoint pairs them to within the
	 * (sub-microsecond) window. */
	b1 = ts_ns(CLOCK_BOOTTIME);
	wall = (int64_t)ts_ns(CLOCK_REALTIME);
	b2 = ts_ns(CLOCK_BOOTTIME);
	info->start_wall_ns = wall;
	info->start_boot_ns = b1 + (b2 - b1) / 2;
}
