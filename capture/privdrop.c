// SPDX-License-Identifier: MIT
/*
 * capture/privdrop.c - -Z USER: become USER after attaching, keeping four capabilities (the
 * header says which and why). Raw capget/capset: no libcap needed for five calls.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "capture/privdrop.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

uint64_t tt_privdrop_keep_mask(void)
{
	return (1ull << CAP_BPF) | (1ull << CAP_PERFMON) | (1ull << CAP_SYS_PTRACE) |
	       (1ull << CAP_DAC_READ_SEARCH);
}

int tt_privdrop_resolve(struct tt_privdrop *p, const char *user)
{
	struct passwd *pw = getpwnam(user);
	char *end;

	if (!pw && *user >= '0' && *user <= '9') {
		unsigned long v;

		errno = 0;
		v = strtoul(user, &end, 10);
		if (!errno && !*end && v < UINT_MAX)
			pw = getpwuid((uid_t)v);
	}
	if (!pw)
		return -ENOENT;
	p->name = user;
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	return 0;
}

static bool already(const struct tt_privdrop *p)
{
	return getuid() == p->uid && geteuid() == p->uid && getgid() == p->gid &&
	       getegid() == p->gid;
}

static int become(const struct tt_privdrop *p)
{
	if (already(p))
		return 0;
	if (initgroups(p->name, p->gid) && setgroups(0, NULL))
		return -errno;
	if (setresgid(p->gid, p->gid, p->gid) || setresuid(p->uid, p->uid, p->uid))
		return -errno;
	return 0;
}

int tt_privdrop_check_dir(const struct tt_privdrop *p, const char *dir)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (become(p))
			_exit(2);
		_exit(access(dir, W_OK | X_OK) ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 2)
		return -EPERM;
	return WEXITSTATUS(status) ? -EACCES : 0;
}

int tt_privdrop_apply(const struct tt_privdrop *p)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {};
	uint64_t keep = tt_privdrop_keep_mask(), have;
	int err;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	have = ((uint64_t)data[1].permitted << 32) | data[0].permitted;
	/* The bounding set: needs CAP_SETPCAP (root has it; a service may not, and then its
	 * CapabilityBoundingSet= already bounds it). */
	if (have & (1ull << CAP_SETPCAP))
		for (int c = 0; c <= 63; c++)
			if (!(keep & (1ull << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) &&
			    errno == EINVAL)
				break; /* past the kernel's last capability */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -errno;
	err = become(p);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (err)
		return err;
	keep &= have;
	data[0].permitted = data[0].effective = (uint32_t)keep;
	data[1].permitted = data[1].effective = (uint32_t)(keep >> 32);
	data[0].inheritable = data[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return 0;
}
