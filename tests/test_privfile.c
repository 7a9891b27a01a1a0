// SPDX-License-Identifier: MIT
/*
 * tests/test_privfile.c - format/privfile.c: the output file is 0600 whatever the umask and
 * whatever mode a file of that name had, under sudo it belongs to the sudo user, and a FIFO or a
 * device keeps its mode and owner.
 *
 * Criterion runs each test in its own process, so umask, environment and uid changes stay there.
 * The ownership tests need root (they skip without it); as root, the non-root test drops to
 * nobody in a child.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "format/privfile.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tt_privfile_XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/out.tinytap", dir);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

TestSuite(privfile, .init = setup, .fini = teardown);

/* A skipped test does not reach .fini: remove the directory first. */
#define SKIP(...)                                                                                  \
	do {                                                                                       \
		teardown();                                                                        \
		cr_skip_test(__VA_ARGS__);                                                         \
	} while (0)

static struct stat stat_of(const char *p)
{
	struct stat sb;

	cr_assert_eq(stat(p, &sb), 0, "stat %s: %s", p, strerror(errno));
	return sb;
}

/* A file of that name, with this mode, content and owner. */
static void make_file(mode_t mode, uid_t uid, gid_t gid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	cr_assert(fd >= 0, "open: %s", strerror(errno));
	cr_assert_eq(write(fd, "secret", 6), 6);
	cr_assert_eq(fchmod(fd, mode), 0);
	if (uid != (uid_t)-1)
		cr_assert_eq(fchown(fd, uid, gid), 0, "fchown: %s", strerror(errno));
	close(fd);
}

static int create(int *chown_err)
{
	int fd = tt_privfile_create(path, chown_err);

	cr_assert(fd >= 0, "tt_privfile_create: %s", strerror(-fd));
	return fd;
}

Test(privfile, new_file_0600_despite_permissive_umask)
{
	int fd, cerr = 1;

	umask(0);
	fd = create(&cerr);
	cr_expect_eq(cerr, 0);
	cr_expect_eq(stat_of(path).st_mode & 07777, 0600, "mode %o", stat_of(path).st_mode & 07777);
	cr_expect(S_ISREG(stat_of(path).st_mode));
	cr_expect(fcntl(fd, F_GETFD) & FD_CLOEXEC, "close-on-exec");
	cr_expect_eq(write(fd, "x", 1), 1, "writable");
	close(fd);
}

Test(privfile, existing_0644_file_truncated_and_made_0600)
{
	struct stat before, after;
	int fd;

	umask(0);
	make_file(0644, (uid_t)-1, (gid_t)-1);
	before = stat_of(path);
	fd = create(NULL);
	after = stat_of(path);
	cr_expect_eq(after.st_mode & 07777, 0600, "mode %o", after.st_mode & 07777);
	cr_expect_eq(after.st_size, 0, "truncated");
	cr_expect_eq(after.st_ino, before.st_ino, "the same file");
	close(fd);
}

Test(privfile, existing_setuid_and_world_writable_bits_cleared)
{
	int fd;

	umask(0);
	make_file(04777, (uid_t)-1, (gid_t)-1);
	fd = create(NULL);
	cr_expect_eq(stat_of(path).st_mode & 07777, 0600, "mode %o", stat_of(path).st_mode & 07777);
	close(fd);
}

Test(privfile, open_errors_returned_nothing_created)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/no/such/dir/f", dir);
	cr_expect_eq(tt_privfile_create(p, NULL), -ENOENT);
	cr_expect_eq(tt_privfile_create(dir, NULL), -EISDIR);
	snprintf(p, sizeof(p), "%s/no", dir);
	cr_expect(access(p, F_OK) != 0, "nothing created");
}

Test(privfile, fifo_keeps_its_mode_and_owner)
{
	struct stat before, after;
	int rfd, fd, cerr = 1;

	umask(0);
	cr_assert_eq(mkfifo(path, 0644), 0, "mkfifo: %s", strerror(errno));
	rfd =
	    open(path, O_RDONLY | O_NONBLOCK); /* a reader, so opening for writing does not block */
	cr_assert(rfd >= 0);
	before = stat_of(path);
	setenv("SUDO_UID", "12345", 1);
	setenv("SUDO_GID", "23456", 1);
	fd = create(&cerr);
	after = stat_of(path);
	cr_expect_eq(cerr, 0);
	cr_expect_eq(after.st_mode & 07777, 0644, "mode %o", after.st_mode & 07777);
	cr_expect_eq(after.st_uid, before.st_uid);
	cr_expect_eq(after.st_gid, before.st_gid);
	close(fd);
	close(rfd);
}

Test(privfile, device_keeps_its_mode_and_owner)
{
	struct stat after;
	int fd;

	if (geteuid() != 0)
		SKIP("mknod needs root");
	umask(0);
	if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) != 0) /* a /dev/null of our own */
		SKIP("mknod: %s", strerror(errno));
	setenv("SUDO_UID", "12345", 1);
	setenv("SUDO_GID", "23456", 1);
	fd = tt_privfile_create(path, NULL);
	if (fd == -EACCES || fd == -EPERM)
		SKIP("%s is on a nodev file system", dir);
	cr_assert(fd >= 0, "tt_privfile_create: %s", strerror(-fd));
	after = stat_of(path);
	cr_expect_eq(after.st_mode & 07777, 0666, "mode %o", after.st_mode & 07777);
	cr_expect_eq(after.st_uid, 0);
	close(fd);
}

Test(privfile, root_under_sudo_gives_it_to_the_sudo_user)
{
	struct stat sb;
	int fd, cerr = 1;

	if (geteuid() != 0)
		SKIP("needs root");
	umask(0);
	setenv("SUDO_UID", "12345", 1);
	setenv("SUDO_GID", "23456", 1);
	fd = create(&cerr);
	sb = stat_of(path);
	cr_expect_eq(cerr, 0);
	cr_expect_eq(sb.st_uid, 12345);
	cr_expect_eq(sb.st_gid, 23456);
	cr_expect_eq(sb.st_mode & 07777, 0600, "mode %o", sb.st_mode & 07777);
	close(fd);
}

Test(privfile, root_under_sudo_takes_over_an_existing_0644_root_file)
{
	struct stat sb;
	int fd, cerr = 1;

	if (geteuid() != 0)
		SKIP("needs root");
	umask(0);
	make_file(0644, 0, 0);
	setenv("SUDO_UID", "12345", 1);
	setenv("SUDO_GID", "23456", 1);
	fd = create(&cerr);
	sb = stat_of(path);
	cr_expect_eq(cerr, 0);
	cr_expect_eq(sb.st_uid, 12345);
	cr_expect_eq(sb.st_gid, 23456);
	cr_expect_eq(sb.st_mode & 07777, 0600, "mode %o", sb.st_mode & 07777);
	cr_expect_eq(sb.st_size, 0);
	close(fd);
}

Test(privfile, root_with_bad_sudo_ids_keeps_it_and_says_so)
{
	static const char *const bad[] = {"",	 "abc", "-1",	      "+5",
					  "12x", " 12", "4294967295", "99999999999999999999"};
	size_t i;

	if (geteuid() != 0)
		SKIP("needs root");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct stat sb;
		int fd, cerr = 0;

		unlink(path);
		setenv("SUDO_UID", bad[i], 1);
		setenv("SUDO_GID", "23456", 1);
		fd = create(&cerr);
		sb = stat_of(path);
		cr_expect_eq(cerr, -EINVAL, "SUDO_UID '%s': chown_err %d", bad[i], cerr);
		cr_expect_eq(sb.st_uid, 0, "SUDO_UID '%s': owner %u", bad[i], (unsigned)sb.st_uid);
		cr_expect_eq(sb.st_mode & 07777, 0600);
		close(fd);
		/* the same for the gid */
		unlink(path);
		setenv("SUDO_UID", "12345", 1);
		setenv("SUDO_GID", bad[i], 1);
		fd = create(&cerr);
		sb = stat_of(path);
		cr_expect_eq(cerr, -EINVAL, "SUDO_GID '%s': chown_err %d", bad[i], cerr);
		cr_expect_eq(sb.st_uid, 0);
		close(fd);
	}
}

Test(privfile, root_with_only_one_sudo_variable_keeps_it)
{
	int fd, cerr = 1;

	if (geteuid() != 0)
		SKIP("needs root");
	setenv("SUDO_UID", "12345", 1);
	fd = create(&cerr);
	cr_expect_eq(cerr, 0);
	cr_expect_eq(stat_of(path).st_uid, 0);
	close(fd);
}

Test(privfile, not_root_ignores_sudo_variables)
{
	struct stat sb;
	int fd, cerr = 1, status;
	pid_t pid;

	umask(0);
	setenv("SUDO_UID", "12345", 1);
	setenv("SUDO_GID", "23456", 1);
	if (geteuid() != 0) {
		fd = create(&cerr);
		sb = stat_of(path);
		cr_expect_eq(cerr, 0, "no chown tried, so no error");
		cr_expect_eq(sb.st_uid, geteuid());
		cr_expect_eq(sb.st_mode & 07777, 0600, "mode %o", sb.st_mode & 07777);
		close(fd);
		return;
	}
	/* Root plays the unprivileged user in a child: nobody, in a directory it may write. */
	cr_assert_eq(chmod(dir, 0777), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(10);
		fd = tt_privfile_create(path, &cerr);
		if (fd < 0)
			_exit(11);
		_exit(cerr != 0 ? 12 : 0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	sb = stat_of(path);
	cr_expect_eq(sb.st_uid, 65534);
	cr_expect_eq(sb.st_mode & 07777, 0600, "mode %o", sb.st_mode & 07777);
}
