// SPDX-License-Identifier: MIT
/*
 * capture/main.c - tinytap-record: record socket payloads system-wide into a .tinytap file.
 *
 * Wiring only: options (options.c), environment checks, BPF load, filters and attach
 * (attach.c), the output file, the command of command mode, the recording loop (loop.c), the
 * summary, and one cleanup path. Exit codes: 0 ok, 1 runtime error, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/attach.h"
#include "capture/cgroups.h"
#include "capture/log.h"
#include "capture/loop.h"
#include "capture/options.h"
#include "capture/privdrop.h"
#include "capture/procs.h"
#include "capture/tls.h"
#include "capture/rotate.h"
#include "format/privfile.h"

static struct tt_options opts;
static volatile sig_atomic_t exiting;

/* Command mode: the child, and how it ended. */
static struct {
	pid_t pid; /* -1: no command */
	int status;
	bool done;
} child = {.pid = -1};

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

/* The output fd, or -1 after one line (runtime error), -2 (usage error: a terminal). */
static int open_output(void)
{
	int fd, chown_err;

	if (strcmp(opts.output, "-") == 0) {
		if (isatty(STDOUT_FILENO)) {
			tt_log_warn("refusing to write a binary recording to a terminal (pipe -o - "
				    "into tinytap-show -)");
			return -2;
		}
		return STDOUT_FILENO;
	}
	fd = tt_privfile_create(opts.output, &chown_err);
	if (fd < 0) {
		tt_log_warn("cannot write '%s': %s", opts.output, strerror(-fd));
		return -1;
	}
	if (chown_err && !opts.user) /* -Z gives it to USER instead */
		tt_log_warn("could not give '%s' to the sudo user (uid %s, gid %s): %s",
			    opts.output, getenv("SUDO_UID"), getenv("SUDO_GID"),
			    strerror(-chown_err));
	return fd;
}

/* -Z USER: who, and whether USER can create and delete the files of a set (checked before
 * anything is loaded, so the error comes at once). 0, or the exit status. */
static int check_user(struct tt_privdrop *pd)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	struct stat st;
	int err;

	if (tt_privdrop_resolve(pd, opts.user)) {
		tt_log_warn("-Z: no such user '%s'", opts.user);
		return TT_EXIT_USAGE;
	}
	if (!tt_rotate_enabled(&opts.rotate))
		return 0;
	snprintf(dir, sizeof(dir), "%s", opts.output);
	snprintf(tmp, sizeof(tmp), "%s", opts.output);
	if (stat(opts.output, &st) || !S_ISDIR(st.st_mode))
		snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	err = tt_privdrop_check_dir(pd, dir);
	if (err == -EACCES) {
		tt_log_warn("-Z %s: '%s' is not writable by %s (uid %u): the set's files could not "
			    "be created or deleted; chown the directory or pick another",
			    opts.user, dir, opts.user, (unsigned)pd->uid);
		return TT_EXIT_RUNTIME;
	}
	if (err) {
		tt_log_warn("-Z %s: cannot become %s: %s", opts.user, opts.user, strerror(-err));
		return TT_EXIT_RUNTIME;
	}
	return 0;
}

/* -Z USER, once attached: the open file becomes USER's (a set's files are all created later,
 * by USER), then the process does. 0 or -1. */
static int drop_privileges(const struct tt_privdrop *pd, int out_fd)
{
	int err;

	if (out_fd > STDOUT_FILENO) {
		struct stat st;

		if (!fstat(out_fd, &st) && S_ISREG(st.st_mode) && fchown(out_fd, pd->uid, pd->gid))
			tt_log_warn("-Z: could not give '%s' to %s: %s", opts.output, opts.user,
				    strerror(errno));
	}
	err = tt_privdrop_apply(pd);
	if (err) {
		tt_log_warn("-Z: cannot become %s (uid %u, gid %u): %s", opts.user,
			    (unsigned)pd->uid, (unsigned)pd->gid, strerror(-err));
		return -1;
	}
	return 0;
}

/* Command mode: fork now, exec once the BPF filter holds the child's pid. */
static pid_t start_command(int *go_fd)
{
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		char c;

		close(pfd[1]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (read(pfd[0], &c, 1) != 1)
			_exit(127);
		if (strcmp(opts.output, "-") == 0)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(opts.cmd[0], opts.cmd);
		fprintf(stderr, "tinytap-record: cannot run '%s': %s\n", opts.cmd[0],
			strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	*go_fd = pfd[1];
	return pid;
}

/* Polled by the loop: the command exited, or --duration is up. */
static int should_stop(void *ctx, uint64_t elapsed_ms)
{
	static uint64_t ticked_s;

	if (elapsed_ms / 1000 != ticked_s) {
		ticked_s = elapsed_ms / 1000;
		tt_attach_tick(ctx);
	}
	if (child.pid > 0 && !child.done &&
	    waitpid(child.pid, &child.status, WNOHANG) == child.pid) {
		child.done = true;
		return TT_END_COMMAND;
	}
	if (opts.duration_s && elapsed_ms >= opts.duration_s * 1000)
		return TT_END_DURATION;
	return -1;
}

static void log_line(const char *msg)
{
	tt_log_warn("%s", msg);
}

/* The cgroup look-up worker; with --container, the filter's decisions for what runs now. NULL
 * after one line (runtime error). */
static struct tt_cgroups *start_cgroups(struct tt_attach *att)
{
	int matched[TT_OPT_MAX_CONTAINERS] = {0};
	struct tt_cgroups *cg = tt_cgroups_new(&(struct tt_cgroups_config){
	    .mount = tt_procs_cgroup2_root(),
	    .filter_fd = opts.ncontainers ? tt_attach_cgroup_fd(att) : -1,
	    .new_above = tt_attach_cgroup_new_above(att),
	    .containers = opts.containers,
	    .ncontainers = opts.ncontainers,
	    .cgroup = opts.cgroup,
	    .verbose = opts.verbose,
	});

	if (!cg) {
		tt_log_warn("cannot start the cgroup look-up: %s", strerror(errno));
		return NULL;
	}
	if (opts.verbose)
		tt_cgroups_describe(cg, log_line);
	if (!opts.ncontainers)
		return cg;
	tt_cgroups_seed(cg, matched);
	for (int i = 0; i < opts.ncontainers && !opts.quiet; i++)
		if (!matched[i])
			tt_log_warn("no running container is named '%s': it is recorded if it starts",
				    opts.containers[i]);
	return cg;
}

struct scan_ctx {
	struct tt_attach *att;
	struct tt_loop *loop;
};

/* A PROCESS record for every process already running that the filters let through. */
static int write_scanned(void *vctx, const struct tt_rec_process *rec)
{
	struct scan_ctx *c = vctx;

	if (!tt_attach_wants(c->att, rec))
		return 0;
	if (tt_attach_tls(c->att))
		tt_tls_scan_pid(tt_attach_tls(c->att), rec->pid);
	return tt_loop_add(c->loop, TT_REC_PROCESS, rec, sizeof(*rec)) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct tt_attach *att = NULL;
	struct tt_loop *loop = NULL;
	struct tt_cgroups *cg = NULL;
	struct tt_rotate *rot = NULL;
	struct sigaction sa = {};
	struct tt_privdrop pd = {};
	int out_fd = -1, go_fd = -1, ret = TT_EXIT_RUNTIME, end, err;
	char tail[PATH_MAX + 64] = ""; /* "; CMD exited with status N" */

	err = tt_options_parse(&opts, argc, argv);
	if (err)
		return err > 0 ? TT_EXIT_OK : TT_EXIT_USAGE;
	if (tt_attach_check_env())
		return TT_EXIT_RUNTIME;
	tt_log_setup_libbpf(opts.verbose);
	if (opts.user && (err = check_user(&pd)))
		return err;

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (tt_rotate_enabled(&opts.rotate)) {
		/* a set of files: the loop creates them, the first one now */
		rot = tt_rotate_new(opts.output, &opts.rotate);
		if (!rot) {
			tt_log_warn("cannot write a set of files named '%s': %s", opts.output,
				    errno == ENOENT || errno == ENOTDIR ? "no such directory"
									: strerror(errno));
			return TT_EXIT_RUNTIME;
		}
	} else {
		out_fd = open_output();
		if (out_fd == -2)
			return TT_EXIT_USAGE;
		if (out_fd < 0)
			return TT_EXIT_RUNTIME;
	}

	att = tt_attach_open(&opts);
	if (!att || tt_attach_seed(att))
		goto cleanup;
	if (opts.user) {
		/* capset() changes one thread: drop before the cgroup worker starts (so, with
		 * --container, the running containers are added to the filter a few ms after the
		 * programs are attached, not before) */
		if (tt_attach_start(att) || drop_privileges(&pd, out_fd) ||
		    !(cg = start_cgroups(att)))
			goto cleanup;
	} else if (!(cg = start_cgroups(att)) || tt_attach_start(att)) {
		goto cleanup;
	}
	loop = tt_loop_new(&(struct tt_loop_config){
	    .ring_fd = tt_attach_ring_fd(att),
	    .counters_fd = tt_attach_counters_fd(att),
	    .lost_seq = tt_attach_lost_seq(att),
	    .ncpus = tt_attach_ncpus(att),
	    .snaplen = opts.snaplen,
	    .out_fd = out_fd,
	    .out_name = opts.output,
	    .rotate = rot,
	    .redact = opts.redact,
	    .argc = argc,
	    .argv = argv,
	    .status_line = !opts.quiet && isatty(STDERR_FILENO),
	    .cgroups = cg,
	    .tls = tt_attach_tls(att),
	});
	if (!loop)
		goto cleanup;
	if (rot && tt_rotate_chown_err(rot) && !opts.user)
		tt_log_warn("could not give '%s' to the sudo user (uid %s, gid %s): %s",
			    tt_rotate_path(rot), getenv("SUDO_UID"), getenv("SUDO_GID"),
			    strerror(-tt_rotate_chown_err(rot)));

	if (opts.cmd) {
		child.pid = start_command(&go_fd);
		if (child.pid < 0) {
			tt_log_warn("cannot start '%s': %s", opts.cmd[0], strerror(errno));
			goto cleanup;
		}
		tt_attach_trace_pid(att, child.pid);
	}
	tt_procs_scan(write_scanned, &(struct scan_ctx){.att = att, .loop = loop});
	if (go_fd >= 0) {
		if (write(go_fd, "g", 1) != 1)
			tt_log_warn("cannot start the command: %s", strerror(errno));
		close(go_fd);
		go_fd = -1;
	}

	end = tt_loop_run(loop, &exiting, should_stop, att);
	err = tt_loop_finish(loop, end);
	if (err == -EPIPE && strcmp(opts.output, "-") == 0) {
		/* The reader of -o - went away (tinytap-show quit, head): a normal way to stop. */
		ret = TT_EXIT_OK;
		goto cleanup;
	}
	if (err) {
		tt_log_warn("writing '%s' failed: %s (the file is readable up to its last complete "
			    "block)",
			    strcmp(opts.output, "-") ? opts.output : "stdout", strerror(-err));
		goto cleanup;
	}
	if (!opts.quiet) {
		if (child.done && WIFEXITED(child.status))
			snprintf(tail, sizeof(tail), "; %s exited with status %d", opts.cmd[0],
				 WEXITSTATUS(child.status));
		else if (child.done && WIFSIGNALED(child.status))
			snprintf(tail, sizeof(tail), "; %s killed by signal %d", opts.cmd[0],
				 WTERMSIG(child.status));
		if (rot) {
			struct tt_loop_rotation_stats rs;
			size_t used = strlen(tail);

			tt_loop_get_rotation_stats(loop, &rs);
			snprintf(tail + used, sizeof(tail) - used,
				 "; %llu files written, %llu deleted, the last %s",
				 (unsigned long long)rs.files,
				 (unsigned long long)tt_rotate_deleted(rot), tt_rotate_path(rot));
			if (opts.verbose)
				tt_log_warn("rotation: %llu files, longest %llu us, mean %llu us; "
					    "open now: %zu sockets, %zu processes, %zu cgroups "
					    "(%llu not kept: tables full)",
					    (unsigned long long)rs.files,
					    (unsigned long long)rs.rotate_us_max,
					    (unsigned long long)(rs.files > 1 ? rs.rotate_us_sum /
										    (rs.files - 1)
									      : 0),
					    rs.socks, rs.procs, rs.cgroups,
					    (unsigned long long)rs.refused);
		}
		tt_loop_print_summary(loop, tail);
	}
	ret = TT_EXIT_OK;

cleanup:
	tt_loop_free(loop); /* closes the writer first, if an error left it open */
	tt_cgroups_free(cg);
	if (go_fd >= 0)
		close(go_fd); /* the child sees EOF and exits 127 */
	if (child.pid > 0 && !child.done) {
		/* Like strace, a recorder stopped by a signal leaves its command running. */
		if (ret != TT_EXIT_OK) {
			kill(child.pid, SIGTERM);
			waitpid(child.pid, &child.status, 0);
		} else {
			waitpid(child.pid, &child.status, WNOHANG);
		}
	}
	tt_attach_free(att);
	tt_rotate_free(rot);
	if (out_fd > STDOUT_FILENO)
		close(out_fd);
	return ret;
}
