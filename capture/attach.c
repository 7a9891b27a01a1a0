// SPDX-License-Identifier: MIT
/*
 * capture/attach.c - environment checks, BPF load with the options as rodata, filter seeding,
 * attach and detach.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/tinytap.h"
#include "capture/attach.h"
#include "capture/cgroups.h"
#include "capture/log.h"
#include "capture/procs.h"
#include "capture/tls.h"
#include "tinytap.skel.h"

_Static_assert(TT_OPT_MAX_PORTS == TT_MAX_PORTS, "--port maximum");
_Static_assert(sizeof(((struct tinytap_bpf *)0)->rodata->filter_ports) ==
		   TT_MAX_PORTS * sizeof(uint16_t),
	       "filter_ports");

#define MAX_CPUS  1024 /* the scratch map's max_entries in tinytap.bpf.c */
#define MAX_LINKS 64

/*
 * What the kernel offers, probed at load (tt_attach_open), each with a fallback; the
 * TINYTAP_BPF_FALLBACK environment variable forces fallbacks, to test them on a kernel that has
 * everything (docs/kernels.md).
 */
enum {
	FB_SYSCALLS = 1, /* per-syscall tracepoints, not raw_tp sys_enter/sys_exit */
	FB_FORK = 2,	 /* raw_tp sched_process_fork, not tp_btf */
	FB_CLOCK = 4,	 /* bpf_ktime_get_ns + offset, not bpf_ktime_get_boot_ns */
};

struct tt_attach {
	const struct tt_options *o; /* borrowed */
	unsigned fallbacks;	    /* FB_*: what this load uses */
	bool raw_attach_failed;	    /* the last load_once() could not attach raw_tp/sys_exit */
	struct tinytap_bpf *skel;
	struct bpf_link *links[MAX_LINKS];
	int nlinks;
	int ncpus;
	int tgids_fd;	    /* pid set */
	int cgroup_fd;	    /* cgroup id set */
	struct tt_tls *tls; /* the OpenSSL uprobes, NULL with --no-tls */
	uint64_t t_load_ns;
};

static bool is_uprobe(const struct bpf_program *prog)
{
	const char *n = bpf_program__name(prog);

	return strncmp(n, "up_", 3) == 0 || strncmp(n, "urp_", 4) == 0;
}

/* The per-syscall tracepoint programs (tracepoint/syscalls/...), the raw_tp pair, the fork pair */
static bool is_syscall_tp(const struct bpf_program *prog)
{
	const char *n = bpf_program__name(prog);

	return strncmp(n, "tp_enter_", 9) == 0 || strncmp(n, "tp_exit_", 8) == 0;
}

static bool is_syscall_raw(const struct bpf_program *prog)
{
	return strncmp(bpf_program__name(prog), "rtp_sys_", 8) == 0;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- environment checks -------------------------------------------------------------------- */

static int forced_fallbacks(void);

static bool has_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {};
	uint64_t eff;

	if (geteuid() == 0)
		return true;
	if (syscall(SYS_capget, &hdr, data))
		return false;
	eff = ((uint64_t)data[1].effective << 32) | data[0].effective;
	return (eff & (1ull << CAP_SYS_ADMIN)) ||
	       ((eff & (1ull << 39 /* CAP_BPF */)) && (eff & (1ull << 38 /* CAP_PERFMON */)));
}

int tt_attach_check_env(void)
{
	struct utsname u = {};
	struct stat sb;
	int err;

	if (!has_caps()) {
		tt_log_warn("must run as root (or with CAP_BPF and CAP_PERFMON): try sudo");
		return -1;
	}
	if (forced_fallbacks() < 0)
		return -1;
	/* The feature, not the version: some distribution kernels older than 5.8 have it. */
	uname(&u);
	err = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);
	if (err < 0) {
		tt_log_warn("cannot use BPF on kernel %s: %s", u.release, strerror(-err));
		return -1;
	}
	if (err == 0) {
		tt_log_warn("kernel %s has no BPF ring buffer (BPF_MAP_TYPE_RINGBUF, Linux 5.8 or "
			    "later): tinytap-record cannot run on it",
			    u.release);
		return -1;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		tt_log_warn("no kernel BTF (/sys/kernel/btf/vmlinux): a kernel built with "
			    "CONFIG_DEBUG_INFO_BTF=y is needed");
		return -1;
	}
	/* libbpf finds tracepoint ids in tracefs: mount it if nobody did. AT_EACCESS: a service
	 * that is not root passes the 0700 tracefs with CAP_DAC_READ_SEARCH, as libbpf will;
	 * access() would ignore that capability. */
	if (faccessat(AT_FDCWD, "/sys/kernel/tracing/events", F_OK, AT_EACCESS) &&
	    faccessat(AT_FDCWD, "/sys/kernel/debug/tracing/events", F_OK, AT_EACCESS)) {
		if (stat("/sys/kernel/tracing", &sb) ||
		    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
			tt_log_warn("tracefs is not mounted and mounting it at /sys/kernel/tracing "
				    "failed: %s",
				    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* ---- load ---------------------------------------------------------------------------------- */

/* TINYTAP_BPF_FALLBACK=syscalls,fork,clock|all: FB_* bits, or -1 after one line on stderr. */
static int forced_fallbacks(void)
{
	const char *env = getenv("TINYTAP_BPF_FALLBACK");
	char buf[128], *tok, *save = NULL;
	int fb = 0;

	if (!env || !*env)
		return 0;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (strcmp(tok, "syscalls") == 0)
			fb |= FB_SYSCALLS;
		else if (strcmp(tok, "fork") == 0)
			fb |= FB_FORK;
		else if (strcmp(tok, "clock") == 0)
			fb |= FB_CLOCK;
		else if (strcmp(tok, "all") == 0)
			fb |= FB_SYSCALLS | FB_FORK | FB_CLOCK;
		else {
			tt_log_warn("TINYTAP_BPF_FALLBACK: unknown '%s' (syscalls, fork, clock or all)",
				    tok);
			return -1;
		}
	}
	return fb;
}

/* CLOCK_BOOTTIME - CLOCK_MONOTONIC, the boot time read between two monotonic reads. */
static uint64_t mono_to_boot(void)
{
	uint64_t m1 = clock_ns(CLOCK_MONOTONIC), b = clock_ns(CLOCK_BOOTTIME),
		 m2 = clock_ns(CLOCK_MONOTONIC);

	return b - (m1 + (m2 - m1) / 2);
}

const char *tt_attach_describe(const struct tt_attach *a)
{
	static char buf[192];

	snprintf(buf, sizeof(buf), "syscalls by %s, fork by %s, clock %s",
		 a->fallbacks & FB_SYSCALLS ? "per-syscall tracepoints"
					    : "raw_tp sys_enter/sys_exit",
		 a->fallbacks & FB_FORK ? "raw_tp" : "tp_btf",
		 a->fallbacks & FB_CLOCK ? "bpf_ktime_get_ns + offset" : "bpf_ktime_get_boot_ns");
	return buf;
}

void tt_attach_tick(struct tt_attach *a)
{
	if (a && a->skel && (a->fallbacks & FB_CLOCK))
		a->skel->bss->mono_to_boot_ns = mono_to_boot();
}

static struct tinytap_bpf *load_once(struct tt_attach *a, unsigned fb, bool quiet);

/*
 * Loads with what this kernel offers, falling back one feature at a time: a fork program by
 * tp_btf that does not load is retried as raw_tp, a raw_tp syscall pair that does not load or
 * attach as per-syscall tracepoints. Only the last try's libbpf warnings reach stderr.
 */
struct tt_attach *tt_attach_open(const struct tt_options *o)
{
	struct tt_attach *a = calloc(1, sizeof(*a));
	int forced = forced_fallbacks();
	unsigned fb;

	if (!a) {
		tt_log_warn("out of memory");
		return NULL;
	}
	a->o = o;
	a->tgids_fd = a->cgroup_fd = -1;
	if (forced < 0)
		goto fail;
	a->ncpus = libbpf_num_possible_cpus();
	if (a->ncpus <= 0 || a->ncpus > MAX_CPUS) {
		tt_log_warn("unsupported number of CPUs (%d)", a->ncpus);
		goto fail;
	}
	fb = forced;
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_ktime_get_boot_ns,
				    NULL) != 1)
		fb |= FB_CLOCK;
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL) != 1)
		fb |= FB_SYSCALLS;
	a->t_load_ns = clock_ns(CLOCK_MONOTONIC);
	for (;;) {
		unsigned next = fb;

		a->raw_attach_failed = false;
		if (!(fb & FB_FORK))
			next = fb | FB_FORK;
		else if (!(fb & FB_SYSCALLS))
			next = fb | FB_SYSCALLS;
		a->skel = load_once(a, fb, next != fb);
		if (!a->skel && a->raw_attach_failed)
			next = fb | FB_SYSCALLS; /* it loaded: only raw_tp is missing */
		if (a->skel)
			break;
		if (next == fb) {
			tt_log_warn("cannot load the BPF programs (%s)%s", tt_attach_describe(a),
				    o->verbose ? "" : "; run with -v for the verifier log");
			goto fail;
		}
		if (o->verbose)
			tt_log_warn("BPF load failed with %s; trying a fallback", tt_attach_describe(a));
		fb = next;
	}
	a->tgids_fd = bpf_map__fd(a->skel->maps.traced_tgids);
	a->cgroup_fd = bpf_map__fd(a->skel->maps.cgroups);
	return a;
fail:
	tt_attach_free(a);
	return NULL;
}

/* One load with the fallbacks fb (and, in raw_tp mode, the sys_exit program attached: its
 * attach is the test that raw_tp works). NULL on failure, logged only if !quiet. */
static struct tinytap_bpf *load_once(struct tt_attach *a, unsigned fb, bool quiet)
{
	const struct tt_options *o = a->o;
	struct tinytap_bpf *skel;
	struct bpf_program *prog;
	int err, i;

	a->fallbacks = fb;
	tt_log_libbpf_quiet(quiet);
	skel = tinytap_bpf__open();
	if (!skel) {
		tt_log_warn("cannot open the BPF object: %s", strerror(errno));
		tt_log_libbpf_quiet(false);
		return NULL;
	}
	skel->rodata->self_tgid = getpid();
	skel->rodata->filter_mode =
	    (o->npids || o->comm || o->cmd) ? TT_FILTER_TGIDS : TT_FILTER_ALL;
	skel->rodata->filter_cgroups = o->cgroup != NULL || o->ncontainers > 0;
	if (o->ncontainers) {
		/* containers started later pass until user space decides (capture/cgroups.h); the
		 * map holds a decision per cgroup seen, not only the wanted ones */
		skel->rodata->cgroup_new_above = tt_cgroups_max_id(tt_procs_cgroup2_root());
		bpf_map__set_max_entries(skel->maps.cgroups, TT_CGROUPS_MAX);
	}
	for (i = 0; i < o->nports; i++)
		skel->rodata->filter_ports[i] = o->ports[i];
	skel->rodata->capture_udp = o->udp;
	skel->rodata->snaplen = o->snaplen;
	if (o->comm)
		strncpy((char *)skel->rodata->filter_comm, o->comm,
			sizeof(skel->rodata->filter_comm) - 1);
	bpf_map__set_max_entries(skel->maps.rb, o->ring_mib << 20);
	bpf_map__set_max_entries(skel->maps.scratch, a->ncpus);
	skel->rodata->wake_bytes = (o->ring_mib << 20) / 8;
	skel->rodata->tls_enabled = !o->no_tls;
	skel->rodata->use_boot_ns = !(fb & FB_CLOCK);
	if (fb & FB_CLOCK)
		skel->bss->mono_to_boot_ns = mono_to_boot();
	bpf_object__for_each_program(prog, skel->obj)
	{
		if ((o->no_tls && is_uprobe(prog)) ||
		    (is_syscall_tp(prog) && !(fb & FB_SYSCALLS)) ||
		    (is_syscall_raw(prog) && (fb & FB_SYSCALLS)) ||
		    (prog == skel->progs.tp_fork && (fb & FB_FORK)) ||
		    (prog == skel->progs.rtp_fork && !(fb & FB_FORK)))
			bpf_program__set_autoload(prog, false);
	}
	err = tinytap_bpf__load(skel);
	if (err && !quiet)
		tt_log_warn("cannot load the BPF programs: %s", strerror(-err));
	if (!err && !(fb & FB_SYSCALLS)) {
		/* exit before enter, as attach_all() does */
		struct bpf_link *link = bpf_program__attach(skel->progs.rtp_sys_exit);

		if (!link) {
			err = -errno;
			a->raw_attach_failed = true;
			if (!quiet)
				tt_log_warn("cannot attach raw_tp/sys_exit: %s", strerror(-err));
		} else {
			a->links[a->nlinks++] = link;
		}
	}
	tt_log_libbpf_quiet(false);
	if (err) {
		while (a->nlinks > 0)
			bpf_link__destroy(a->links[--a->nlinks]);
		tinytap_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/* ---- filters ------------------------------------------------------------------------------- */

struct seed_ctx {
	const struct tt_options *o;
	int map_fd;
	int added;
};

static int map_has(int fd, uint32_t pid)
{
	uint8_t v;

	return bpf_map_lookup_elem(fd, &pid, &v) == 0;
}

static int seed_comm(void *vctx, const struct tt_rec_process *rec)
{
	struct seed_ctx *c = vctx;
	uint8_t one = 1;

	if (strncmp(rec->comm, c->o->comm, sizeof(rec->comm)) == 0 &&
	    rec->pid != (uint32_t)getpid()) {
		bpf_map_update_elem(c->map_fd, &rec->pid, &one, BPF_ANY);
		c->added++;
	}
	return 0;
}

static int seed_children(void *vctx, const struct tt_rec_process *rec)
{
	struct seed_ctx *c = vctx;
	uint8_t one = 1;

	if (rec->ppid && map_has(c->map_fd, rec->ppid) && !map_has(c->map_fd, rec->pid)) {
		bpf_map_update_elem(c->map_fd, &rec->pid, &one, BPF_ANY);
		c->added++;
	}
	return 0;
}

/* nftw() takes no context: the cgroup walk in progress. */
static int cg_map_fd = -1, cg_count;

static int add_cgroup(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	uint8_t one = 1;
	uint64_t id = sb->st_ino;

	(void)path;
	(void)ftw;
	if (type != FTW_D)
		return 0;
	if (bpf_map_update_elem(cg_map_fd, &id, &one, BPF_ANY))
		return -1;
	cg_count++;
	return 0;
}

static int seed_cgroups(const char *cgroup, int map_fd)
{
	char path[PATH_MAX];
	struct stat sb;

	snprintf(path, sizeof(path), "%s", cgroup);
	if (stat(path, &sb) || !S_ISDIR(sb.st_mode))
		snprintf(path, sizeof(path), "%s/%s", tt_procs_cgroup2_root(), cgroup);
	if (stat(path, &sb) || !S_ISDIR(sb.st_mode)) {
		tt_log_warn("cgroup '%s' not found (a cgroup v2 directory, or a path below %s)",
			    cgroup, tt_procs_cgroup2_root());
		return -1;
	}
	cg_map_fd = map_fd;
	cg_count = 0;
	if (nftw(path, add_cgroup, 16, FTW_PHYS) || cg_count == 0) {
		tt_log_warn("cgroup '%s': could not read its subtree", path);
		return -1;
	}
	return 0;
}

int tt_attach_seed(struct tt_attach *a)
{
	const struct tt_options *o = a->o;

	/* The pid set, with the children already running. */
	if (o->npids || o->comm) {
		struct seed_ctx sc = {.o = o, .map_fd = a->tgids_fd};
		uint8_t one = 1;
		int i;

		for (i = 0; i < o->npids; i++) {
			if (kill(o->pids[i], 0) && errno == ESRCH) {
				tt_log_warn("no process with pid %u", o->pids[i]);
				return -1;
			}
			bpf_map_update_elem(a->tgids_fd, &o->pids[i], &one, BPF_ANY);
		}
		if (o->comm)
			tt_procs_scan(seed_comm, &sc);
		do {
			sc.added = 0;
			tt_procs_scan(seed_children, &sc);
		} while (sc.added);
	}
	if (o->cgroup && seed_cgroups(o->cgroup, a->cgroup_fd))
		return -1;
	return 0;
}

void tt_attach_trace_pid(struct tt_attach *a, uint32_t pid)
{
	uint8_t one = 1;

	bpf_map_update_elem(a->tgids_fd, &pid, &one, BPF_ANY);
}

bool tt_attach_wants(const struct tt_attach *a, const struct tt_rec_process *rec)
{
	if (rec->pid == (uint32_t)getpid())
		return false;
	if (a->skel->rodata->filter_mode == TT_FILTER_TGIDS && !map_has(a->tgids_fd, rec->pid))
		return false;
	if (a->skel->rodata->filter_cgroups) {
		uint64_t above = a->skel->rodata->cgroup_new_above;
		uint8_t v;

		/* as cgroup_wanted() in tinytap.bpf.c */
		if (bpf_map_lookup_elem(a->cgroup_fd, &rec->cgroup_id, &v))
			return above && rec->cgroup_id > above;
		return v;
	}
	return true;
}

int tt_attach_cgroup_fd(const struct tt_attach *a)
{
	return a->cgroup_fd;
}

uint64_t tt_attach_cgroup_new_above(const struct tt_attach *a)
{
	return a->skel->rodata->cgroup_new_above;
}

/* ---- attach -------------------------------------------------------------------------------- */

/*
 * Syscall exit programs first, then the rest: a stash made by an enter program always has its
 * exit program attached, so no stale stash can be matched by a later, unrelated call.
 */
static int attach_all(struct tt_attach *a)
{
	struct bpf_program *prog;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		bpf_object__for_each_program(prog, a->skel->obj)
		{
			bool is_exit = strncmp(bpf_program__name(prog), "tp_exit_", 8) == 0;
			struct bpf_link *link;

			if ((pass == 0) != is_exit || is_uprobe(prog) || !bpf_program__autoload(prog))
				continue; /* uprobes: per libssl file (capture/tls.c) */
			if (prog == a->skel->progs.rtp_sys_exit)
				continue; /* attached at load (load_once) */
			if (a->nlinks == MAX_LINKS)
				return -E2BIG;
			link = bpf_program__attach(prog);
			if (!link)
				return -errno;
			a->links[a->nlinks++] = link;
		}
	}
	return 0;
}

int tt_attach_start(struct tt_attach *a)
{
	int err = attach_all(a);

	if (err) {
		tt_log_warn("cannot attach the BPF programs: %s", strerror(-err));
		return -1;
	}
	if (!a->o->no_tls) {
		struct tinytap_bpf *s = a->skel;
		struct tt_tls_progs p = {
		    .entry = {s->progs.up_ssl_write, s->progs.up_ssl_read, s->progs.up_ssl_write_ex,
			      s->progs.up_ssl_read_ex},
		    .ret = {s->progs.urp_ssl, s->progs.urp_ssl, s->progs.urp_ssl, s->progs.urp_ssl},
		};

		a->tls = tt_tls_new(&p, a->o->verbose);
		if (!a->tls) {
			tt_log_warn("out of memory");
			return -1;
		}
		tt_tls_scan_system(a->tls);
	}
	if (a->o->verbose)
		tt_log_warn("BPF programs loaded and attached in %.1f ms: %s",
			    (clock_ns(CLOCK_MONOTONIC) - a->t_load_ns) / 1e6, tt_attach_describe(a));
	return 0;
}

struct tt_tls *tt_attach_tls(const struct tt_attach *a)
{
	return a->tls;
}

int tt_attach_ncpus(const struct tt_attach *a)
{
	return a->ncpus;
}

int tt_attach_ring_fd(const struct tt_attach *a)
{
	return bpf_map__fd(a->skel->maps.rb);
}

int tt_attach_counters_fd(const struct tt_attach *a)
{
	return bpf_map__fd(a->skel->maps.counters);
}

const volatile uint64_t *tt_attach_lost_seq(const struct tt_attach *a)
{
	return (const volatile uint64_t *)&a->skel->bss->lost_seq; /* mapped by libbpf at load */
}

void tt_attach_free(struct tt_attach *a)
{
	if (!a)
		return;
	tt_tls_free(a->tls);
	while (a->nlinks > 0)
		bpf_link__destroy(a->links[--a->nlinks]);
	tinytap_bpf__destroy(a->skel);
	free(a);
}
