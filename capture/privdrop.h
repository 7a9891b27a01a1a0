/* SPDX-License-Identifier: MIT */
/*
 * capture/privdrop.h - tinytap-record -Z USER (tcpdump's -Z): once the BPF programs are loaded
 * and attached and the output is open, run as USER with only the capabilities the running
 * recorder still uses:
 *   CAP_BPF             the counters map and the filter maps (a bpf() call on an fd needs it on
 *                       kernels before 6.5 with unprivileged BPF disabled)
 *   CAP_PERFMON         OpenSSL uprobes attached to processes that start later
 *   CAP_SYS_PTRACE      /proc/PID/exe, maps, root and environ of other users' processes
 *                       (process names, libssl paths, container runtimes' files)
 *   CAP_DAC_READ_SEARCH open_by_handle_at() of a cgroup id (cgroup names) and container
 *                       runtimes' metadata files under root-only directories
 * Everything else goes, CAP_SYS_ADMIN first, from the bounding set too (when allowed); none is
 * inheritable or ambient, so a command run with "--" gets none of them.
 *
 * Ownership: plain data; name is borrowed.
 */
#ifndef TINYTAP_PRIVDROP_H
#define TINYTAP_PRIVDROP_H

#include <stdint.h>
#include <sys/types.h>

struct tt_privdrop {
	const char *name;
	uid_t uid;
	gid_t gid;
};

/* The capabilities kept, as a mask of 1 << CAP_*. */
uint64_t tt_privdrop_keep_mask(void);

/* Looks USER up (a name, or a numeric uid). 0, or -ENOENT. */
int tt_privdrop_resolve(struct tt_privdrop *p, const char *user);

/*
 * Whether USER may create and delete files in dir (its groups included): checked for real, in a
 * child process that becomes USER. 0 yes, -EACCES no, other -errno: could not check.
 */
int tt_privdrop_check_dir(const struct tt_privdrop *p, const char *dir);

/*
 * Becomes USER (supplementary groups, gid, uid) keeping only tt_privdrop_keep_mask(). Already
 * USER (a service started as USER with ambient capabilities): only the capabilities are
 * lowered. Affects the calling thread's capabilities only: call it before any thread starts.
 * 0, or -errno (what failed is left as it was; the caller stops).
 */
int tt_privdrop_apply(const struct tt_privdrop *p);

#endif
