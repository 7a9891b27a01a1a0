// SPDX-License-Identifier: MIT
/*
 * capture/main.c - tinytap-record: record socket payloads system-wide into a .tinytap file.
 *
 * Load and attach bpf/tinytap.bpf.c, drain its ring buffer, merge the 16 KiB pieces back into one
 * DATA record per call and hand every record to the format writer. Every second: CLOCK_SYNC,
 * STATS, LOSS (per CPU, when the ring overflowed) and a block tick. At exit: END with totals.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/tinytap.h"
#include "capture/merge.h"
#include "capture/procs.h"
#include "format/writer.h"
#include "tinytap.skel.h"

_Static_assert(sizeof(struct tt_ev_hdr) == 24, "tt_ev_hdr layout");
_Static_assert(sizeof(struct tt_ev_conn) == 216, "tt_ev_conn layout");
_Static_assert(sizeof(struct tt_ev_close) == 40, "tt_ev_close layout");
_Static_assert(sizeof(struct tt_ev_proc) == 320, "tt_ev_proc layout");
_Static_assert(sizeof(struct tt_ev_exit) == 40, "tt_ev_exit layout");
_Static_assert(sizeof(struct tt_ev_addr) == sizeof(struct tt_addr), "tt_ev_addr layout");
_Static_assert(sizeof(struct tt_counters) == 56, "tt_counters layout");

#define MAX_PIDS	64
#define DEFAULT_SNAPLEN (256u * 1024)
#define MAX_SNAPLEN	((uint64_t)TT_MAX_EMITS * TT_CHUNK)
#define MAX_CPUS	1024
#define POLL_MS		20 /* ring poll timeout: bounds the ring's fill between wakeups */

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };
enum { END_SIGNAL = 0, END_DURATION = 1, END_COMMAND = 2, END_ERROR = 3 };

static struct options {
	const char *output;
	uint32_t pids[MAX_PIDS];
	int npids;
	const char *comm;
	uint16_t port;
	const char *cgroup;
	uint64_t snaplen;
	uint64_t duration_s;
	uint64_t ring_mib;
	bool udp;
	bool quiet;
	bool verbose;
	char **cmd; /* argv after "--", or NULL */
} opts = {
    .snaplen = DEFAULT_SNAPLEN,
    .ring_mib = 64,
};

static volatile sig_atomic_t exiting;

static struct state {
	struct tt_writer *w;
	struct tt_merge *merge;
	int err; /* first write error */
	uint64_t data_records;
	uint64_t payload_bytes;
	uint64_t call_bytes;
	int ncpus;
	struct tt_counters total;
	uint32_t lost_seq;	     /* the BPF side's lost_seq as of the last event */
	uint64_t loss_rec_events;    /* lost events and bytes already told in LOSS records */
	uint64_t loss_rec_bytes;
} st;

static const char usage_text[] =
    "Usage: tinytap-record -o FILE|- [options] [-- CMD [ARGS...]]\n"
    "\n"
    "Record the payload bytes of socket reads and writes (TCP over IPv4/IPv6, unix stream\n"
    "sockets; UDP with --udp), system-wide, into a .tinytap file. Needs root (CAP_BPF +\n"
    "CAP_PERFMON + CAP_SYS_ADMIN), Linux >= 5.8 with BTF. Stops on Ctrl-C / SIGTERM, after -G\n"
    "seconds, or when CMD exits, and always finishes the file cleanly.\n"
    "\n"
    "Options:\n"
    "  -o FILE        write to FILE (mode 0600, owned by the sudo user); '-' = stdout (pipe)\n"
    "  -p PID         record only process PID and its children (repeatable)\n"
    "  -c COMM        record only processes named COMM (and their children)\n"
    "  --port PORT    record only TCP/UDP sockets with local or remote port PORT\n"
    "  --cgroup PATH  record only processes in cgroup v2 PATH or below it (a directory, or a\n"
    "                 path relative to the cgroup2 mount, as in /proc/PID/cgroup)\n"
    "  -s SNAPLEN     bytes captured per call (k/M suffixes; default 256k; 0 = default,\n"
    "                 max 2560k); the true size of every call is always recorded\n"
    "  -G SECONDS     stop after SECONDS\n"
    "  --ring-size MiB  kernel ring buffer size, a power of two (default 64)\n"
    "  --udp          also record UDP sockets\n"
    "  -q             no status line, no summary\n"
    "  -v             libbpf diagnostics\n"
    "  -h, --help     this help\n"
    "  -- CMD ARGS    run CMD and record only it and its children until it exits (with\n"
    "                 -o -, CMD's stdout goes to stderr)\n"
    "\n"
    "Exit status: 0 recording finished cleanly (also when CMD failed: its status is in the\n"
    "summary; also when the reader of -o - went away), 1 runtime error (permissions, no BTF,\n"
    "kernel too old, output not writable, disk full: the file stays readable up to its last\n"
    "block), 2 usage error.\n"
    "\n"
    "Examples:\n"
    "  sudo tinytap-record -o session.tinytap                 # everything, until Ctrl-C\n"
    "  sudo tinytap-record -o s.tinytap -- curl -s http://127.0.0.1:8000/\n"
    "  sudo tinytap-record -o s.tinytap -p 1234 -G 60         # one process tree, one minute\n"
    "  sudo tinytap-record -o s.tinytap --port 8080 -s 1k     # one port, headers mostly\n"
    "  sudo tinytap-record -o - | tinytap-show -              # live\n";

static void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("tinytap-record: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("tinytap-record: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see -h)\n", stderr);
	return EXIT_USAGE;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, bool size_suffix, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (size_suffix && *end) {
		if ((*end == 'k' || *end == 'K') && v <= UINT64_MAX / 1024)
			v *= 1024, end++;
		else if ((*end == 'm' || *end == 'M') && v <= UINT64_MAX / (1024 * 1024))
			v *= 1024 * 1024, end++;
		if (*end == 'b' || *end == 'B' || *end == 'i')
			end++;
	}
	if (*end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

enum { OPT_PORT = 256, OPT_CGROUP, OPT_RING, OPT_UDP };

static int parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"pid", required_argument, NULL, 'p'},
	    {"comm", required_argument, NULL, 'c'},
	    {"port", required_argument, NULL, OPT_PORT},
	    {"cgroup", required_argument, NULL, OPT_CGROUP},
	    {"snaplen", required_argument, NULL, 's'},
	    {"duration", required_argument, NULL, 'G'},
	    {"ring-size", required_argument, NULL, OPT_RING},
	    {"udp", no_argument, NULL, OPT_UDP},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	uint64_t v;
	int c;

	opterr = 0; /* our own one-line messages, named "tinytap-record" */
	while ((c = getopt_long(argc, argv, "+:o:p:c:s:G:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (opts.output)
				return usage_error("-o given twice ('%s')", optarg);
			if (!*optarg)
				return usage_error("%s", "-o: expected a file name (or - for stdout)");
			opts.output = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, 1, INT_MAX, false, &v))
				return usage_error("invalid pid '%s'", optarg);
			if (opts.npids == MAX_PIDS)
				return usage_error("too many -p (at most 64): '%s'", optarg);
			opts.pids[opts.npids++] = v;
			break;
		case 'c':
			if (!*optarg || strlen(optarg) > 15)
				return usage_error("invalid comm '%s' (1 to 15 characters)",
						   optarg);
			opts.comm = optarg;
			break;
		case OPT_PORT:
			if (parse_u64(optarg, 1, 65535, false, &v))
				return usage_error("invalid port '%s' (1-65535)", optarg);
			opts.port = v;
			break;
		case OPT_CGROUP:
			if (!*optarg)
				return usage_error("%s", "--cgroup: expected a cgroup v2 path");
			opts.cgroup = optarg;
			break;
		case 's':
			if (parse_u64(optarg, 0, MAX_SNAPLEN, true, &v))
				return usage_error("invalid snaplen '%s' (0 to 2560k)", optarg);
			opts.snaplen = v ? v : DEFAULT_SNAPLEN;
			break;
		case 'G':
			if (parse_u64(optarg, 1, 365ull * 86400, false, &v))
				return usage_error("invalid duration '%s' (seconds, >= 1)", optarg);
			opts.duration_s = v;
			break;
		case OPT_RING:
			if (parse_u64(optarg, 1, 4096, false, &v) || (v & (v - 1)))
				return usage_error(
				    "invalid ring size '%s' (MiB, a power of two, <= 4096)",
				    optarg);
			opts.ring_mib = v;
			break;
		case OPT_UDP:
			opts.udp = true;
			break;
		case 'q':
			opts.quiet = true;
			break;
		case 'v':
			opts.verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_OK);
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			if (optopt && optopt < 256 && argv[optind - 1][1] != '-') {
				char o[3] = {'-', (char)optopt, 0};
				return usage_error("unrecognized option '%s'", o);
			}
			return usage_error("unrecognized option '%s'", argv[optind - 1]);
		}
	}
	if (optind == argc && optind > 0 && strcmp(argv[optind - 1], "--") == 0)
		return usage_error("%s", "'--' must be followed by a command");
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0)
			return usage_error("unexpected argument '%s' (a command goes after '--')",
					   argv[optind]);
		opts.cmd = argv + optind;
	}
	if (!opts.output)
		return usage_error("%s", "no output: -o FILE or -o - is required");
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !opts.verbose)
		return 0;
	if (!opts.verbose && level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

/* ---- environment checks -------------------------------------------------------------------- */

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

static int check_env(void)
{
	struct utsname u;
	int major = 0, minor = 0;
	struct stat sb;

	if (!has_caps()) {
		warnx_("must run as root (or with CAP_BPF and CAP_PERFMON): try sudo");
		return -1;
	}
	if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
	    (major < 5 || (major == 5 && minor < 8))) {
		warnx_("kernel %s is too old: Linux 5.8 or later is needed (BPF ring buffer)",
		       u.release);
		return -1;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		warnx_("no kernel BTF (/sys/kernel/btf/vmlinux): a kernel built with "
		       "CONFIG_DEBUG_INFO_BTF=y is needed");
		return -1;
	}
	/* libbpf finds tracepoint ids in tracefs: mount it if nobody did. */
	if (access("/sys/kernel/tracing/events", F_OK) &&
	    access("/sys/kernel/debug/tracing/events", F_OK)) {
		if (stat("/sys/kernel/tracing", &sb) ||
		    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
			warnx_(
			    "tracefs is not mounted and mounting it at /sys/kernel/tracing failed: "
			    "%s",
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* ---- records ------------------------------------------------------------------------------ */

static void fail(int err)
{
	if (!st.err)
		st.err = err;
	exiting = 1;
}

static int add(uint32_t type, const void *body, uint32_t len)
{
	int err = tt_writer_add(st.w, type, body, len, NULL, 0);

	if (err < 0)
		fail(err);
	return err;
}

static int emit_data(void *ctx, const struct tt_rec_data *rec, const void *payload)
{
	int err;

	(void)ctx;
	err = tt_writer_add_data(st.w, rec, payload);
	if (err < 0) {
		fail(err);
		return err;
	}
	st.data_records++;
	st.payload_bytes += rec->cap_len;
	st.call_bytes += rec->call_bytes;
	return 0;
}

static void on_conn(const struct tt_ev_conn *e)
{
	struct tt_rec_conn r = {};

	r.ts_ns = e->h.ts_ns;
	r.sock_id = e->sock_ino;
	r.pid = e->h.tgid;
	r.tid = e->h.tid;
	r.fd = e->fd;
	r.sock_type = e->sock_type;
	r.role = e->role;
	r.origin = e->origin;
	r.protocol = e->protocol;
	memcpy(&r.local, &e->local, sizeof(r.local));
	memcpy(&r.remote, &e->remote, sizeof(r.remote));
	r.unix_peer_id = e->unix_peer_ino;
	memcpy(r.unix_path, e->unix_path, sizeof(r.unix_path));
	add(TT_REC_CONN, &r, sizeof(r));
}

static void on_close(const struct tt_ev_close *e)
{
	struct tt_rec_close r = {};

	r.ts_ns = e->h.ts_ns;
	r.sock_id = e->sock_ino;
	r.pid = e->h.tgid;
	r.tid = e->h.tid;
	r.fd = e->fd;
	add(TT_REC_CLOSE, &r, sizeof(r));
}

static void on_proc(const struct tt_ev_proc *e)
{
	struct tt_rec_process r = {};

	r.ts_ns = e->h.ts_ns;
	r.pid = e->h.tgid;
	r.ppid = e->ppid;
	r.cgroup_id = e->cgroup_id;
	r.start_ns = e->start_ns;
	r.uid = e->uid;
	memcpy(r.comm, e->comm, sizeof(r.comm));
	r.comm[sizeof(r.comm) - 1] = 0;
	if (e->h.type == TT_EV_EXEC) {
		r.origin = TT_PROC_EXEC;
		memcpy(r.exe, e->filename, sizeof(r.exe));
		r.exe[sizeof(r.exe) - 1] = 0;
	} else {
		char path[64];
		ssize_t n;

		r.origin = TT_PROC_FORK;
		snprintf(path, sizeof(path), "/proc/%u/exe", e->h.tgid);
		n = readlink(path, r.exe, sizeof(r.exe) - 1);
		if (n < 0)
			r.exe[0] = 0;
	}
	add(TT_REC_PROCESS, &r, sizeof(r));
}

static void on_exit_ev(const struct tt_ev_exit *e)
{
	struct tt_rec_process_exit r = {};

	r.ts_ns = e->h.ts_ns;
	r.pid = e->h.tgid;
	r.exit_code = e->exit_code;
	add(TT_REC_PROCESS_EXIT, &r, sizeof(r));
}

/*
 * The event was reserved after events were lost with nothing in the ring to say where (lost_seq in
 * tinytap.bpf.c): the LOSS record goes here, just before it in time and in the file, so the viewer
 * gaps the streams at the hole instead of joining them across it.
 */
static void loss_seen(const struct tt_ev_hdr *h)
{
	int32_t d = (int32_t)(h->lost_before - st.lost_seq);

	if (d <= 0) /* reserved before a loss that an earlier event already told of */
		return;
	st.lost_seq = h->lost_before;

	struct tt_rec_loss r = {
	    .ts_ns = h->ts_ns ? h->ts_ns - 1 : 0,
	    .events = (uint64_t)d,
	    .cpu = UINT32_MAX,
	    .reason = 1,
	};

	add(TT_REC_LOSS, &r, sizeof(r));
	st.loss_rec_events += (uint64_t)d;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct tt_ev_hdr *h = data;

	(void)ctx;
	if (size < sizeof(*h) || st.err)
		return 0;
	if (h->lost_before != st.lost_seq)
		loss_seen(h);
	switch (h->type) {
	case TT_EV_DATA: {
		const struct tt_ev_data *e = data;

		if (size < sizeof(*e) || e->cap_len > size - sizeof(*e))
			return 0;
		if (tt_merge_piece(st.merge, e, (const uint8_t *)data + sizeof(*e)) < 0 && !st.err)
			fail(-ENOMEM);
		break;
	}
	case TT_EV_CONN:
		if (size >= sizeof(struct tt_ev_conn))
			on_conn(data);
		break;
	case TT_EV_CLOSE:
		if (size >= sizeof(struct tt_ev_close))
			on_close(data);
		break;
	case TT_EV_EXEC:
	case TT_EV_FORK:
		if (size >= sizeof(struct tt_ev_proc))
			on_proc(data);
		break;
	case TT_EV_EXIT:
		if (size >= sizeof(struct tt_ev_exit))
			on_exit_ev(data);
		break;
	}
	return 0;
}

static void clock_sync(void)
{
	struct tt_rec_clock_sync best = {};
	uint64_t best_win = UINT64_MAX;
	int i;

	for (i = 0; i < 5; i++) {
		uint64_t b1 = now_ns(CLOCK_BOOTTIME);
		int64_t rt = now_ns(CLOCK_REALTIME);
		uint64_t b2 = now_ns(CLOCK_BOOTTIME);

		if (b2 - b1 < best_win) {
			best_win = b2 - b1;
			best.boot_ns = b1 + (b2 - b1) / 2;
			best.realtime_ns = rt;
			best.error_ns = (b2 - b1) / 2;
		}
	}
	add(TT_REC_CLOCK_SYNC, &best, sizeof(best));
}

/* Sums the per-CPU counters into st.total; with write_loss, one LOSS record for the lost events
 * and bytes no LOSS record has told yet (those placed by loss_seen() carry no bytes: theirs come
 * here), so the LOSS records always add up to the counters. */
static void poll_counters(int map_fd, bool write_loss)
{
	static struct tt_counters vals[MAX_CPUS];
	struct tt_counters sum = {};
	uint32_t zero = 0;
	int i;

	if (bpf_map_lookup_elem(map_fd, &zero, vals))
		return;
	for (i = 0; i < st.ncpus && i < MAX_CPUS; i++) {
		const struct tt_counters *c = &vals[i];

		sum.events += c->events;
		sum.bytes += c->bytes;
		sum.lost_events += c->lost_events;
		sum.lost_bytes += c->lost_bytes;
		sum.truncated_bytes += c->truncated_bytes;
		sum.copy_faults += c->copy_faults;
		sum.stash_miss += c->stash_miss;
	}
	st.total = sum;
	if (write_loss) {
		/* loss_seen() may be ahead of a counter not yet read here: then 0 for now. */
		uint64_t ev = sum.lost_events > st.loss_rec_events
				  ? sum.lost_events - st.loss_rec_events
				  : 0;
		uint64_t by = sum.lost_bytes - st.loss_rec_bytes;

		if (ev || by) {
			struct tt_rec_loss r = {
			    .ts_ns = now_ns(CLOCK_BOOTTIME),
			    .events = ev,
			    .bytes = by,
			    .cpu = UINT32_MAX,
			    .reason = 1,
			};

			add(TT_REC_LOSS, &r, sizeof(r));
			st.loss_rec_events += ev;
			st.loss_rec_bytes += by;
		}
	}
}

static void write_stats(uint32_t type, uint32_t exit_reason)
{
	struct tt_writer_stats ws;
	struct tt_rec_stats r = {};

	tt_writer_get_stats(st.w, &ws);
	r.ts_ns = now_ns(CLOCK_BOOTTIME);
	r.events = st.data_records;
	r.payload_bytes = st.payload_bytes;
	r.call_bytes = st.call_bytes;
	r.lost_events = st.total.lost_events;
	r.lost_bytes = st.total.lost_bytes;
	r.truncated_bytes = st.total.truncated_bytes;
	r.records = ws.records;
	r.blocks = ws.blocks;
	r.exit_reason = exit_reason;
	add(type, &r, sizeof(r));
}

static const char *human(uint64_t b, char *buf, size_t size)
{
	if (b >= 10ull << 30)
		snprintf(buf, size, "%.1f GB", b / 1e9);
	else if (b >= 10ull << 20)
		snprintf(buf, size, "%.1f MB", b / 1e6);
	else if (b >= 10ull << 10)
		snprintf(buf, size, "%.1f kB", b / 1e3);
	else
		snprintf(buf, size, "%llu B", (unsigned long long)b);
	return buf;
}

static void status_line(double elapsed, bool final)
{
	struct tt_writer_stats ws;
	char b1[32];
	double ratio;

	tt_writer_get_stats(st.w, &ws);
	ratio = ws.file_bytes ? (double)ws.raw_bytes / ws.file_bytes : 1.0;
	fprintf(stderr,
		"%s%s%.1fs  %llu events  %s captured  ratio %.1fx  lost %llu events (%llu bytes)%s",
		final ? "" : "\r", final ? "tinytap-record: " : "", elapsed,
		(unsigned long long)st.data_records, human(st.payload_bytes, b1, sizeof(b1)), ratio,
		(unsigned long long)st.total.lost_events, (unsigned long long)st.total.lost_bytes,
		final ? "" : "\033[K");
}

/* ---- filters ------------------------------------------------------------------------------- */

struct seed_ctx {
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

	if (strncmp(rec->comm, opts.comm, sizeof(rec->comm)) == 0 &&
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

static int seed_cgroups(int map_fd)
{
	char path[PATH_MAX];
	struct stat sb;

	snprintf(path, sizeof(path), "%s", opts.cgroup);
	if (stat(path, &sb) || !S_ISDIR(sb.st_mode))
		snprintf(path, sizeof(path), "%s/%s", tt_procs_cgroup2_root(), opts.cgroup);
	if (stat(path, &sb) || !S_ISDIR(sb.st_mode)) {
		warnx_("cgroup '%s' not found (a cgroup v2 directory, or a path below %s)",
		       opts.cgroup, tt_procs_cgroup2_root());
		return -1;
	}
	cg_map_fd = map_fd;
	if (nftw(path, add_cgroup, 16, FTW_PHYS) || cg_count == 0) {
		warnx_("cgroup '%s': could not read its subtree", path);
		return -1;
	}
	return 0;
}

struct scan_ctx {
	int filter_fd; /* pid set, -1: all */
	int cgroup_fd; /* cgroup id set, -1: all */
};

static int write_scanned(void *vctx, const struct tt_rec_process *rec)
{
	struct scan_ctx *c = vctx;

	if (rec->pid == (uint32_t)getpid())
		return 0;
	if (c->filter_fd >= 0 && !map_has(c->filter_fd, rec->pid))
		return 0;
	if (c->cgroup_fd >= 0) {
		uint8_t v;

		if (bpf_map_lookup_elem(c->cgroup_fd, &rec->cgroup_id, &v))
			return 0;
	}
	return add(TT_REC_PROCESS, rec, sizeof(*rec)) < 0 ? -1 : 0;
}

/* ---- attach ------------------------------------------------------------------------------- */

#define MAX_LINKS 64
static struct bpf_link *links[MAX_LINKS];
static int nlinks;

/*
 * Syscall exit programs first, then the rest: a stash made by an enter program always has its
 * exit program attached, so no stale stash can be matched by a later, unrelated call.
 */
static int attach_all(struct bpf_object *obj)
{
	struct bpf_program *prog;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		bpf_object__for_each_program(prog, obj)
		{
			bool is_exit = strncmp(bpf_program__name(prog), "tp_exit_", 8) == 0;
			struct bpf_link *link;

			if ((pass == 0) != is_exit)
				continue;
			if (nlinks == MAX_LINKS)
				return -E2BIG;
			link = bpf_program__attach(prog);
			if (!link)
				return -errno;
			links[nlinks++] = link;
		}
	}
	return 0;
}

static void detach_all(void)
{
	while (nlinks > 0)
		bpf_link__destroy(links[--nlinks]);
}

/* ---- output -------------------------------------------------------------------------------- */

static int open_output(void)
{
	const char *uid_s = getenv("SUDO_UID"), *gid_s = getenv("SUDO_GID");
	int fd;

	if (strcmp(opts.output, "-") == 0) {
		if (isatty(STDOUT_FILENO)) {
			warnx_("refusing to write a binary recording to a terminal (pipe -o - into "
			       "tinytap-show -)");
			return -2;
		}
		return STDOUT_FILENO;
	}
	fd = open(opts.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		warnx_("cannot write '%s': %s", opts.output, strerror(errno));
		return -1;
	}
	fchmod(fd, 0600);
	if (uid_s && gid_s) {
		uint64_t uid, gid;

		if (!parse_u64(uid_s, 0, UINT32_MAX - 1, false, &uid) &&
		    !parse_u64(gid_s, 0, UINT32_MAX - 1, false, &gid) && fchown(fd, uid, gid))
			warnx_("could not give '%s' to uid %s: %s", opts.output, uid_s,
			       strerror(errno));
	}
	return fd;
}

static void join_args(char *dst, size_t size, int argc, char **argv)
{
	size_t used = 0;
	int i;

	dst[0] = 0;
	for (i = 0; i < argc && used + 1 < size; i++) {
		int n = snprintf(dst + used, size - used, "%s%s", i ? " " : "", argv[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
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

int main(int argc, char **argv)
{
	struct tinytap_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct tt_file_info info = {};
	struct tt_writer_opts wopts = {};
	struct sigaction sa = {};
	int out_fd = -1, go_fd = -1, counters_fd, tgids_fd, ret = EXIT_RUNTIME, err;
	uint32_t exit_reason = END_SIGNAL;
	pid_t child = -1;
	int child_status = 0;
	bool child_done = false, tty;
	uint64_t start_ms, last_sec_ms, t_load;
	char buf[32];

	err = parse_args(argc, argv);
	if (err)
		return err;
	tty = !opts.quiet && isatty(STDERR_FILENO);
	if (check_env())
		return EXIT_RUNTIME;
	libbpf_set_print(libbpf_print);

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	out_fd = open_output();
	if (out_fd == -2)
		return EXIT_USAGE;
	if (out_fd < 0)
		return EXIT_RUNTIME;

	st.ncpus = libbpf_num_possible_cpus();
	if (st.ncpus <= 0 || st.ncpus > MAX_CPUS) {
		warnx_("unsupported number of CPUs (%d)", st.ncpus);
		goto cleanup;
	}

	t_load = now_ns(CLOCK_MONOTONIC);
	skel = tinytap_bpf__open();
	if (!skel) {
		warnx_("cannot open the BPF object: %s", strerror(errno));
		goto cleanup;
	}
	skel->rodata->self_tgid = getpid();
	skel->rodata->filter_mode =
	    (opts.npids || opts.comm || opts.cmd) ? TT_FILTER_TGIDS : TT_FILTER_ALL;
	skel->rodata->filter_cgroups = opts.cgroup != NULL;
	skel->rodata->filter_port = opts.port;
	skel->rodata->capture_udp = opts.udp;
	skel->rodata->snaplen = opts.snaplen;
	if (opts.comm)
		strncpy((char *)skel->rodata->filter_comm, opts.comm,
			sizeof(skel->rodata->filter_comm) - 1);
	bpf_map__set_max_entries(skel->maps.rb, opts.ring_mib << 20);
	bpf_map__set_max_entries(skel->maps.scratch, st.ncpus);
	skel->rodata->wake_bytes = (opts.ring_mib << 20) / 8;
	err = tinytap_bpf__load(skel);
	if (err) {
		warnx_("cannot load the BPF programs: %s%s", strerror(-err),
		       opts.verbose ? "" : " (run with -v for the verifier log)");
		goto cleanup;
	}
	counters_fd = bpf_map__fd(skel->maps.counters);
	tgids_fd = bpf_map__fd(skel->maps.traced_tgids);

	/* Filters: the pid set (with children already running), the cgroup subtree. */
	if (opts.npids || opts.comm) {
		struct seed_ctx sc = {.map_fd = tgids_fd};
		uint8_t one = 1;
		int i;

		for (i = 0; i < opts.npids; i++) {
			if (kill(opts.pids[i], 0) && errno == ESRCH) {
				warnx_("no process with pid %u", opts.pids[i]);
				goto cleanup;
			}
			bpf_map_update_elem(tgids_fd, &opts.pids[i], &one, BPF_ANY);
		}
		if (opts.comm)
			tt_procs_scan(seed_comm, &sc);
		do {
			sc.added = 0;
			tt_procs_scan(seed_children, &sc);
		} while (sc.added);
	}
	if (opts.cgroup && seed_cgroups(bpf_map__fd(skel->maps.cgroups)))
		goto cleanup;

	err = attach_all(skel->obj);
	if (err) {
		warnx_("cannot attach the BPF programs: %s", strerror(-err));
		goto cleanup;
	}
	if (opts.verbose)
		warnx_("BPF programs loaded and attached in %.1f ms",
		       (now_ns(CLOCK_MONOTONIC) - t_load) / 1e6);

	rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), on_event, NULL, NULL);
	if (!rb) {
		warnx_("cannot open the ring buffer: %s", strerror(errno));
		goto cleanup;
	}
	st.merge = tt_merge_new(opts.snaplen, emit_data, NULL);
	if (!st.merge) {
		warnx_("out of memory");
		goto cleanup;
	}

	tt_file_info_fill_host(&info);
	info.snaplen = opts.snaplen;
	snprintf(info.recorder, sizeof(info.recorder), "tinytap-record %s", TT_VERSION);
	join_args(info.options, sizeof(info.options), argc, argv);
	{
		struct stat sb;

		if (fstat(out_fd, &sb) == 0 && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode)))
			wopts.block_ms = 200; /* live viewing: hand blocks over quickly */
	}
	st.w = tt_writer_open(out_fd, &info, &wopts);
	if (!st.w) {
		warnx_("cannot write '%s': %s", opts.output, strerror(errno));
		goto cleanup;
	}
	clock_sync();

	if (opts.cmd) {
		uint8_t one = 1;

		child = start_command(&go_fd);
		if (child < 0) {
			warnx_("cannot start '%s': %s", opts.cmd[0], strerror(errno));
			goto cleanup;
		}
		bpf_map_update_elem(tgids_fd, &child, &one, BPF_ANY);
	}
	{
		struct scan_ctx sc = {
		    .filter_fd = skel->rodata->filter_mode == TT_FILTER_TGIDS ? tgids_fd : -1,
		    .cgroup_fd = opts.cgroup ? bpf_map__fd(skel->maps.cgroups) : -1,
		};

		tt_procs_scan(write_scanned, &sc);
	}
	if (go_fd >= 0) {
		if (write(go_fd, "g", 1) != 1)
			warnx_("cannot start the command: %s", strerror(errno));
		close(go_fd);
		go_fd = -1;
	}

	start_ms = last_sec_ms = now_ns(CLOCK_MONOTONIC) / 1000000;
	while (!exiting) {
		uint64_t ms;

		/* The BPF side wakes us only when the ring crosses 1/8 full (BPF_RB_NO_WAKEUP
		 * otherwise), so a poll that times out still has data to consume. */
		err = ring_buffer__poll(rb, POLL_MS);
		if (err >= 0)
			err = ring_buffer__consume(rb);
		if (err < 0 && err != -EINTR) {
			warnx_("ring buffer: %s", strerror(-err));
			fail(err);
			break;
		}
		ms = now_ns(CLOCK_MONOTONIC) / 1000000;
		if (child > 0 && !child_done && waitpid(child, &child_status, WNOHANG) == child) {
			child_done = true;
			exit_reason = END_COMMAND;
			break;
		}
		if (opts.duration_s && ms - start_ms >= opts.duration_s * 1000) {
			exit_reason = END_DURATION;
			break;
		}
		if (ms - last_sec_ms >= 1000) {
			last_sec_ms = ms;
			poll_counters(counters_fd, true);
			clock_sync();
			write_stats(TT_REC_STATS, 0);
			if (tty)
				status_line((ms - start_ms) / 1e3, false);
		}
		err = tt_writer_tick(st.w, ms);
		if (err < 0)
			fail(err);
	}
	if (st.err)
		exit_reason = END_ERROR;

	/* Drain what the kernel already holds, then finish the file. */
	if (!st.err) {
		ring_buffer__consume(rb);
		tt_merge_flush(st.merge);
		poll_counters(counters_fd, true);
		clock_sync();
		write_stats(TT_REC_END, exit_reason);
	}
	err = tt_writer_close(st.w);
	st.w = NULL;
	if (err < 0 && !st.err)
		st.err = err;
	if (st.err == -EPIPE && strcmp(opts.output, "-") == 0) {
		/* The reader of -o - went away (tinytap-show quit, head): a normal way to stop. */
		ret = EXIT_OK;
		goto cleanup;
	}
	if (st.err) {
		warnx_(
		    "writing '%s' failed: %s (the file is readable up to its last complete block)",
		    strcmp(opts.output, "-") ? opts.output : "stdout", strerror(-st.err));
		goto cleanup;
	}
	if (!opts.quiet) {
		double el = (now_ns(CLOCK_MONOTONIC) / 1000000 - start_ms) / 1e3;
		if (tty)
			fputs("\r\033[K", stderr);
		fprintf(stderr,
			"tinytap-record: %llu events, %s captured in %.1fs, lost %llu events "
			"(%llu bytes)",
			(unsigned long long)st.data_records,
			human(st.payload_bytes, buf, sizeof(buf)), el,
			(unsigned long long)st.total.lost_events,
			(unsigned long long)st.total.lost_bytes);
		if (child_done) {
			if (WIFEXITED(child_status))
				fprintf(stderr, "; %s exited with status %d", opts.cmd[0],
					WEXITSTATUS(child_status));
			else if (WIFSIGNALED(child_status))
				fprintf(stderr, "; %s killed by signal %d", opts.cmd[0],
					WTERMSIG(child_status));
		}
		fputc('\n', stderr);
	}
	ret = EXIT_OK;

cleanup:
	if (st.w)
		tt_writer_close(st.w);
	if (go_fd >= 0)
		close(go_fd); /* the child sees EOF and exits 127 */
	if (child > 0 && !child_done) {
		/* Like strace, a recorder stopped by a signal leaves its command running. */
		if (ret != EXIT_OK) {
			kill(child, SIGTERM);
			waitpid(child, &child_status, 0);
		} else {
			waitpid(child, &child_status, WNOHANG);
		}
	}
	ring_buffer__free(rb);
	detach_all();
	tinytap_bpf__destroy(skel);
	tt_merge_free(st.merge);
	if (out_fd > STDOUT_FILENO)
		close(out_fd);
	return ret;
}
