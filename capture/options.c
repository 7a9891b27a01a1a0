// SPDX-License-Identifier: MIT
/*
 * capture/options.c - tinytap-record's options: parsing with range checks, one-line usage errors
 * and the -h text.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "bpf/tinytap.h"
#include "capture/options.h"

#define MAX_SNAPLEN ((uint64_t)TT_MAX_EMITS * TT_CHUNK)

static const char usage_text[] =
    "Usage: tinytap-record -o FILE|- [options] [-- CMD [ARGS...]]\n"
    "\n"
    "Record the payload bytes of socket reads and writes (TCP over IPv4/IPv6, unix stream\n"
    "sockets; UDP with --udp), system-wide, into a .tinytap file. Needs root (CAP_BPF +\n"
    "CAP_PERFMON + CAP_SYS_ADMIN), Linux >= 5.8 with BTF. Stops on Ctrl-C / SIGTERM, after\n"
    "--duration, or when CMD exits, and always finishes the file cleanly.\n"
    "\n"
    "NOTE: -G rotates files, as in tcpdump (a new file every SECONDS); it no longer stops the\n"
    "recording. To stop after a while, use --duration SECONDS.\n"
    "\n"
    "Options:\n"
    "  -o FILE        write to FILE (mode 0600, owned by the sudo user); '-' = stdout (pipe)\n"
    "  -p PID         record only process PID and its children (repeatable)\n"
    "  -c COMM        record only processes named COMM (and their children)\n"
    "  --port LIST    record only TCP/UDP sockets with a local or remote port in LIST: a port\n"
    "                 or a comma list, repeatable (--port 80,443 --port 8080), 16 ports at most\n"
    "  --cgroup PATH  record only processes in cgroup v2 PATH or below it (a directory, or a\n"
    "                 path relative to the cgroup2 mount, as in /proc/PID/cgroup)\n"
    "  --container NAME|ID  record only this container (Docker, Podman, containerd/Kubernetes,\n"
    "                 CRI-O: its name, its id or 4+ first hex digits of it), also if it starts\n"
    "                 later; repeatable (16 at most), adds to --cgroup\n"
    "  -s SNAPLEN     bytes captured per call (k/M suffixes; default 256k; 0 = default,\n"
    "                 max 2560k); the true size of every call is always recorded\n"
    "  --duration T   stop after T (seconds, or with a suffix: 90s, 10m, 2h, 1d)\n"
    "  --redact       mask credentials in the payloads before they are written (the rules of\n"
    "                 tinytap-show --redact: Authorization/Cookie/token headers, password\n"
    "                 fields, PostgreSQL passwords...); same length, so sizes stay exact\n"
    "\n"
    "Flight recorder (a set of files, -o DIR/NAME.tinytap names it: the files are\n"
    "DIR/NAME-YYYYmmddTHHMMSSZ-NNNNNN.tinytap, UTC start time; each one is complete and reads\n"
    "alone; tinytap-show DIR reads the set as one recording; DIR must exist):\n"
    "  -C SIZE        start a new file when this one reaches SIZE (a number alone: millions of\n"
    "                 bytes, as in tcpdump; or k/M/G: KiB/MiB/GiB)\n"
    "  -W N           keep the newest N files of the set, delete the oldest (needs -C or -G)\n"
    "  -G T           start a new file every T (seconds, or 90s, 10m, 2h, 1d): tcpdump's -G\n"
    "  --max-disk SIZE  delete the oldest files while the set is larger than SIZE (alone:\n"
    "                 a new file every SIZE/10)\n"
    "  --max-age T    delete files that ended more than T ago (alone: a new file every T/10,\n"
    "                 at most every hour)\n"
    "  --ring-size MiB  kernel ring buffer size, a power of two (default 64)\n"
    "  --udp          also record UDP sockets\n"
    "  --no-tls       do not record TLS plaintext (by default every process's OpenSSL\n"
    "                 SSL_read/SSL_write are hooked: libssl.so.3 and libssl.so.1.1)\n"
    "  -Z USER        once the BPF programs are attached and the output is open, run as USER\n"
    "                 (a name or a uid) with only CAP_BPF, CAP_PERFMON, CAP_SYS_PTRACE and\n"
    "                 CAP_DAC_READ_SEARCH (tcpdump's -Z); files are USER's, a set's directory\n"
    "                 must be writable by USER; a command after -- runs as USER, without\n"
    "                 capabilities\n"
    "  -q             no status line, no summary\n"
    "  -v             libbpf diagnostics, where container runtimes' files were found, and\n"
    "                 one line per cgroup named\n"
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
    "  sudo tinytap-record -o s.tinytap -p 1234 --duration 60 # one process tree, one minute\n"
    "  sudo tinytap-record -o /var/lib/tinytap/rec.tinytap -C 100M -W 50 --redact -q\n"
    "                                                         # always on: 5 GB at most\n"
    "  sudo tinytap-record -o /var/lib/tinytap/rec.tinytap --max-disk 2G --max-age 7d\n"
    "  sudo tinytap-record -o s.tinytap --port 8080 -s 1k     # one port, headers mostly\n"
    "  sudo tinytap-record -o s.tinytap --port 80,8080        # port 80 or port 8080\n"
    "  sudo tinytap-record -o s.tinytap --container api-service --container db\n"
    "  sudo tinytap-record -o - | tinytap-show -              # live\n"
    "  sudo tinytap-record -Z tinytap -o /var/lib/tinytap/rec.tinytap -C 100M -W 50\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("tinytap-record: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see -h)\n", stderr);
	return -EINVAL;
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

/*
 * --port LIST: a port or a comma list; repeated, the lists add up (tcpdump's "port A or port B").
 * Every item is checked: an empty one, 0, above 65535 or not a number is a usage error, and so
 * is a 17th distinct port; nothing is dropped silently. A port given twice counts once.
 */
static int add_ports(struct tt_options *o, const char *arg)
{
	const char *item = arg;
	char what[160], msg[200];

	for (;;) {
		size_t len = strcspn(item, ",");
		char buf[16];
		uint64_t v;
		int i;

		if (len == 0 && arg[0]) {
			snprintf(msg, sizeof(msg), "invalid port list '%.64s': empty item", arg);
			return usage_error("%s", msg);
		}
		/* The item, and the list it came from unless it is the whole value (both cut, so
		 * an absurd value still makes a readable line). */
		if (item == arg && !item[len])
			snprintf(what, sizeof(what), "'%.64s'", arg);
		else
			snprintf(what, sizeof(what), "'%.*s' in '%.64s'", len > 64 ? 64 : (int)len,
				 item, arg);
		snprintf(buf, sizeof(buf), "%.*s", (int)len, item);
		if (len >= sizeof(buf) || parse_u64(buf, 1, 65535, false, &v)) {
			snprintf(msg, sizeof(msg), "invalid port %s (1-65535)", what);
			return usage_error("%s", msg);
		}
		for (i = 0; i < o->nports && o->ports[i] != v; i++)
			;
		if (i == o->nports) {
			if (o->nports == TT_OPT_MAX_PORTS) {
				snprintf(msg, sizeof(msg), "too many ports (at most %d): %s",
					 TT_OPT_MAX_PORTS, what);
				return usage_error("%s", msg);
			}
			o->ports[o->nports++] = (uint16_t)v;
		}
		if (!item[len])
			return 0;
		item += len + 1;
	}
}

enum {
	OPT_PORT = 256,
	OPT_CGROUP,
	OPT_RING,
	OPT_UDP,
	OPT_CONTAINER,
	OPT_DURATION,
	OPT_MAX_DISK,
	OPT_MAX_AGE,
	OPT_REDACT,
	OPT_NO_TLS,
};

/* A duration: seconds, or a number with s, m, h or d; min..max seconds. */
static int parse_duration(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v, mul = 1;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end) {
		switch (*end++) {
		case 's':
			break;
		case 'm':
			mul = 60;
			break;
		case 'h':
			mul = 3600;
			break;
		case 'd':
			mul = 86400;
			break;
		default:
			return -1;
		}
		if (*end)
			return -1;
	}
	if (v > max / mul || v * mul < min)
		return -1;
	*out = v * mul;
	return 0;
}

/* A file or disk size: a number alone is millions of bytes (tcpdump's -C unit), with k, M, G
 * or T (optionally followed by B or iB) it is KiB, MiB, GiB, TiB. */
static int parse_size(const char *s, uint64_t min, uint64_t *out)
{
	char *end;
	unsigned long long v, mul = 1000000;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end) {
		switch (*end++) {
		case 'k':
		case 'K':
			mul = 1ull << 10;
			break;
		case 'm':
		case 'M':
			mul = 1ull << 20;
			break;
		case 'g':
		case 'G':
			mul = 1ull << 30;
			break;
		case 't':
		case 'T':
			mul = 1ull << 40;
			break;
		default:
			return -1;
		}
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
		if (*end)
			return -1;
	}
	if (v > (1ull << 50) / mul || v * mul < min)
		return -1;
	*out = v * mul;
	return 0;
}

/* --container: a name or an id, as `docker ps` shows them; the look-up rules are
 * capture/cgnames.c's tt_cgn_matches(). */
static int add_container(struct tt_options *o, const char *arg)
{
	size_t len = strlen(arg);

	if (!len || len > 255 || strchr(arg, '\n'))
		return usage_error("invalid --container '%.64s' (a container name or id)", arg);
	for (int i = 0; i < o->ncontainers; i++)
		if (!strcmp(o->containers[i], arg))
			return 0;
	if (o->ncontainers == TT_OPT_MAX_CONTAINERS)
		return usage_error("too many --container (at most 16): '%.64s'", arg);
	o->containers[o->ncontainers++] = arg;
	return 0;
}

int tt_options_parse(struct tt_options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"pid", required_argument, NULL, 'p'},
	    {"comm", required_argument, NULL, 'c'},
	    {"port", required_argument, NULL, OPT_PORT},
	    {"cgroup", required_argument, NULL, OPT_CGROUP},
	    {"container", required_argument, NULL, OPT_CONTAINER},
	    {"snaplen", required_argument, NULL, 's'},
	    {"duration", required_argument, NULL, OPT_DURATION},
	    {"max-disk", required_argument, NULL, OPT_MAX_DISK},
	    {"max-age", required_argument, NULL, OPT_MAX_AGE},
	    {"redact", no_argument, NULL, OPT_REDACT},
	    {"ring-size", required_argument, NULL, OPT_RING},
	    {"udp", no_argument, NULL, OPT_UDP},
	    {"no-tls", no_argument, NULL, OPT_NO_TLS},
	    {"relinquish-privileges", required_argument, NULL, 'Z'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	uint64_t v;
	int c;

	*o = (struct tt_options){
	    .snaplen = TT_OPT_DEFAULT_SNAPLEN,
	    .ring_mib = 64,
	};
	opterr = 0; /* our own one-line messages, named "tinytap-record" */
	while ((c = getopt_long(argc, argv, "+:o:p:c:s:G:C:W:Z:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (o->output)
				return usage_error("-o given twice ('%s')", optarg);
			if (!*optarg)
				return usage_error("%s",
						   "-o: expected a file name (or - for stdout)");
			o->output = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, 1, INT_MAX, false, &v))
				return usage_error("invalid pid '%s'", optarg);
			if (o->npids == TT_OPT_MAX_PIDS)
				return usage_error("too many -p (at most 64): '%s'", optarg);
			o->pids[o->npids++] = v;
			break;
		case 'c':
			if (!*optarg || strlen(optarg) > 15)
				return usage_error("invalid comm '%s' (1 to 15 characters)",
						   optarg);
			o->comm = optarg;
			break;
		case OPT_PORT:
			if (add_ports(o, optarg))
				return -EINVAL;
			break;
		case OPT_CGROUP:
			if (!*optarg)
				return usage_error("%s", "--cgroup: expected a cgroup v2 path");
			o->cgroup = optarg;
			break;
		case OPT_CONTAINER:
			if (add_container(o, optarg))
				return -EINVAL;
			break;
		case 's':
			if (parse_u64(optarg, 0, MAX_SNAPLEN, true, &v))
				return usage_error("invalid snaplen '%s' (0 to 2560k)", optarg);
			o->snaplen = v ? v : TT_OPT_DEFAULT_SNAPLEN;
			break;
		case OPT_DURATION:
			if (parse_duration(optarg, 1, 365ull * 86400, &v))
				return usage_error(
				    "invalid duration '%s' (seconds, or 90s 10m 2h 1d; "
				    "1s to 365d)",
				    optarg);
			o->duration_s = v;
			break;
		case 'G':
			if (parse_duration(optarg, 1, 365ull * 86400, &v))
				return usage_error("invalid -G '%s' (a new file every so many "
						   "seconds, or 90s 10m 2h 1d; 1s to 365d; to stop "
						   "after a while: --duration)",
						   optarg);
			o->rotate.file_secs = v;
			break;
		case 'C':
			if (parse_size(optarg, 16384, &v))
				return usage_error(
				    "invalid -C '%s' (a file size: millions of bytes, "
				    "or 512k 100M 2G; at least 16k)",
				    optarg);
			o->rotate.file_bytes = v;
			break;
		case 'W':
			if (parse_u64(optarg, 1, 1000000, false, &v))
				return usage_error("invalid -W '%s' (files to keep, 1 to 1000000)",
						   optarg);
			o->rotate.files = (uint32_t)v;
			break;
		case OPT_MAX_DISK:
			if (parse_size(optarg, 1ull << 20, &v))
				return usage_error("invalid --max-disk '%s' (a size: millions of "
						   "bytes, or 500M 2G; at least 1M)",
						   optarg);
			o->rotate.max_disk = v;
			break;
		case OPT_MAX_AGE:
			if (parse_duration(optarg, 1, 3650ull * 86400, &v))
				return usage_error(
				    "invalid --max-age '%s' (seconds, or 90s 10m 2h 7d)", optarg);
			o->rotate.max_age_s = v;
			break;
		case OPT_REDACT:
			o->redact = true;
			break;
		case OPT_RING:
			if (parse_u64(optarg, 1, 4096, false, &v) || (v & (v - 1)))
				return usage_error(
				    "invalid ring size '%s' (MiB, a power of two, <= 4096)",
				    optarg);
			o->ring_mib = v;
			break;
		case OPT_UDP:
			o->udp = true;
			break;
		case OPT_NO_TLS:
			o->no_tls = true;
			break;
		case 'Z':
			if (!*optarg)
				return usage_error("%s", "-Z: expected a user name");
			o->user = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 1;
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			if (optopt && optopt < 256 && argv[optind - 1][1] != '-') {
				char opt[3] = {'-', (char)optopt, 0};
				return usage_error("unrecognized option '%s'", opt);
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
		o->cmd = argv + optind;
	}
	if (!o->output)
		return usage_error("%s", "no output: -o FILE or -o - is required");
	if (o->rotate.files && !o->rotate.file_bytes && !o->rotate.file_secs)
		return usage_error("%s", "-W needs -C or -G (when to start a new file)");
	if (tt_rotate_enabled(&o->rotate) && !strcmp(o->output, "-"))
		return usage_error("%s",
				   "-C, -W, -G, --max-disk and --max-age write a set of files: "
				   "-o DIR/NAME.tinytap, not -o -");
	tt_rotate_policy_complete(&o->rotate);
	return 0;
}
