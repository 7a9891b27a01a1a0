// SPDX-License-Identifier: MIT
/*
 * format/privfile.c - a 0600 output file, owned by the sudo user when created by root under sudo.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/privfile.h"

/* A decimal uid/gid; (uid_t)-1 means "leave as is" to fchown(), so it is not a valid id here. */
static bool parse_id(const char *s, unsigned int *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v >= UINT32_MAX)
			return false;
	}
	*out = (unsigned int)v;
	return true;
}

/* Under sudo, root's files go to the user who ran it: 0, or -errno. */
static int give_to_sudo_user(int fd, const struct stat *sb)
{
	const char *uid_s = getenv("SUDO_UID"), *gid_s = getenv("SUDO_GID");
	unsigned int uid, gid;

	if (geteuid() != 0 || !uid_s || !gid_s)
		return 0;
	if (!parse_id(uid_s, &uid) || !parse_id(gid_s, &gid))
		return -EINVAL;
	if (sb->st_uid == uid && sb->st_gid == gid)
		return 0;
	return fchown(fd, (uid_t)uid, (gid_t)gid) ? -errno : 0;
}

int tt_privfile_create(const char *path, int *chown_err)
{
	struct stat sb;
	int fd, err;

	if (chown_err)
		*chown_err = 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb)) {
		err = -errno;
		close(fd);
		return err;
	}
	/* Only a regular file: chmod on /dev/null would take it away from everybody else. */
	if (!S_ISREG(sb.st_mode))
		return fd;
	/* An existing file keeps its mode through O_TRUNC, and the umask may have narrowed 0600:
	 * either way, set it. */
	if ((sb.st_mode & 07777) != 0600 && fchmod(fd, 0600)) {
		err = -errno;
		close(fd);
		return err;
	}
	err = give_to_sudo_user(fd, &sb);
	if (chown_err)
		*chown_err = err;
	return fd;
}
