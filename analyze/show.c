// SPDX-License-Identifier: MIT
#include "analyze/show.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/engine.h"
#include "analyze/filter.h"
#include "analyze/output.h"
#include "format/reader.h"

#define PROG		       "tinytap-show"
#define MAX_CONSECUTIVE_ERRORS 10000

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* --since / --until as given: resolved once the capture's start time is known. */
struct when {
	int set;
	int kind; /* 1 offset from start, 2 time of day, 3 absolute */
	uint64_t off_ns;
	int hh, mm, ss;
	long frac_ns;
	struct tm tm;
	int utc; /* trailing Z */
};

static struct options {
	const char *input;
	int verbose, json, utc, quiet;
	int color; /* -1 auto, 0 never, 1 always */
	int live;  /* -1 auto */
	size_t body_show;
	uint64_t slow_ns;
	struct when since, until;
	struct tt_filter *filter;
} opts = {.color = -1, .live = -1, .body_show = 4096, .slow_ns = 1000000000ull};

static volatile sig_atomic_t stop;

struct run {
	struct tt_engine *eng;
	struct tt_output_opts out;
	uint64_t shown;
	int live;
};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: " PROG " [OPTIONS] FILE|-\n"
	    "Shows the HTTP/1.x transactions in a .tinytap recording, one line each:\n"
	    "  [12:34:56.790] srv pid=12345 nginx      GET /index.html → 200 156 bytes (1.2ms)\n"
	    "'cli' is the view of the process that sent the request, 'srv' of the one that\n"
	    "received it; on one machine both ends are recorded and both lines are real.\n"
	    "Lines are in the order of the request's first byte (live: as they complete).\n"
	    "Markers: (no response) request without an answer before close or the end of the\n"
	    "capture; ? ? ... [no request] the recording started after the request; [gap] bytes\n"
	    "were lost or not captured (the sizes stay exact); [incomplete] a message could not\n"
	    "be parsed to its end; [upgrade] not HTTP after this (101, CONNECT).\n"
	    "JSON fields: ts side pid tid comm cgroup_id local remote sock_id method path host\n"
	    "version status status_text req_body_bytes resp_body_bytes req_wire_bytes\n"
	    "resp_wire_bytes duration_us req_headers resp_headers complete incomplete (reason)\n"
	    "[interim_status upgraded; -vv: req_body/resp_body or *_body_b64, *_body_truncated].\n"
	    "\n"
	    "Output:\n"
	    "  -v, --verbose          add request and response headers (-vv: and bodies)\n"
	    "      --json             one JSON object per line (JSON Lines)\n"
	    "      --utc              times in UTC instead of local time\n"
	    "      --color=WHEN       auto (default: on a terminal, not with NO_COLOR), always, "
	    "never\n"
	    "      --body-max=BYTES   body bytes shown with -vv (default 4096)\n"
	    "      --slow=DURATION    highlight durations from this (default 1s)\n"
	    "      --live             print each transaction as soon as it completes\n"
	    "                         (default when reading a pipe)\n"
	    "  -q, --quiet            no summary line on stderr\n"
	    "\n"
	    "Filters (different flags must all match; a comma list matches any):\n"
	    "      --status LIST      404, 5xx, 4xx,5xx, >=400, <300\n"
	    "      --method LIST      GET,POST\n"
	    "      --path GLOB        target path glob ('/api/*'); with '?' the query is matched "
	    "too\n"
	    "      --host GLOB        Host header\n"
	    "      --pid LIST         process id\n"
	    "      --comm GLOB        process name\n"
	    "      --port LIST        local or remote port\n"
	    "      --side SIDE        client or server\n"
	    "      --min-duration D   at least this long: 100ms, 2s, 250us\n"
	    "      --since T, --until T\n"
	    "                         2026-11-25T10:00:00, 10:00:00 (capture's day) or +30s\n"
	    "                         (from the capture's start); by the request's first byte\n"
	    "      --grep REGEX       POSIX ERE on request/status lines, headers and bodies\n"
	    "      --header NAME[=V]  a request or response header (value glob, no case)\n"
	    "\n"
	    "  -h, --help             this help;  -V, --version\n"
	    "\n"
	    "Exit status: 0 ok, 1 unreadable or corrupt input (what could be read is shown),\n"
	    "2 usage error.\n"
	    "\n"
	    "EXAMPLES\n"
	    "  " PROG " s.tinytap                              every transaction\n"
	    "  " PROG " s.tinytap --status 4xx,5xx -v          errors, with headers\n"
	    "  " PROG " s.tinytap --side server --comm nginx   what nginx served\n"
	    "  " PROG " s.tinytap --path '/api/*' --min-duration 100ms -vv\n"
	    "  " PROG " s.tinytap --since +30s --until +1m --grep 'token=[0-9a-f]+'\n"
	    "  " PROG " s.tinytap --json | jq -r 'select(.status >= 500) | .path'\n"
	    "  sudo tinytap-record -o - | " PROG " -           live\n");
}

static int parse_when(const char *s, struct when *w)
{
	memset(w, 0, sizeof(*w));
	w->set = 1;
	if (s[0] == '+') {
		w->kind = 1;
		return tt_filter_parse_duration(s + 1, &w->off_ns);
	}
	const char *end;
	double frac = 0;
	if (strchr(s, '-')) {
		w->kind = 3;
		end = strptime(s, "%Y-%m-%dT%H:%M:%S", &w->tm);
		if (!end)
			end = strptime(s, "%Y-%m-%d %H:%M:%S", &w->tm);
		if (!end)
			return -EINVAL;
	} else {
		w->kind = 2;
		struct tm tm = {0};
		end = strptime(s, "%H:%M:%S", &tm);
		if (!end) {
			end = strptime(s, "%H:%M", &tm);
			if (!end)
				return -EINVAL;
		}
		w->hh = tm.tm_hour;
		w->mm = tm.tm_min;
		w->ss = tm.tm_sec;
	}
	if (*end == '.') {
		char *e2;
		frac = strtod(end, &e2);
		end = e2;
	}
	w->frac_ns = (long)(frac * 1e9);
	if (*end == 'Z') {
		w->utc = 1;
		end++;
	}
	return *end ? -EINVAL : 0;
}

static int64_t resolve_when(const struct when *w, int64_t start_wall_ns, int utc)
{
	if (w->kind == 1)
		return start_wall_ns + (int64_t)w->off_ns;
	struct tm tm = w->tm;
	time_t t;
	if (w->kind == 2) {
		time_t s = (time_t)(start_wall_ns / 1000000000);
		if (utc || w->utc)
			gmtime_r(&s, &tm);
		else
			localtime_r(&s, &tm);
		tm.tm_hour = w->hh;
		tm.tm_min = w->mm;
		tm.tm_sec = w->ss;
	}
	tm.tm_isdst = -1;
	t = (utc || w->utc) ? timegm(&tm) : mktime(&tm);
	return (int64_t)t * 1000000000 + w->frac_ns;
}

static void on_txn(void *ctx, struct tt_txn *t)
{
	struct run *r = ctx;
	if (tt_filter_match(opts.filter, t)) {
		tt_output_txn(stdout, &r->out, t, tt_engine_wall_ns(r->eng, tt_txn_start(t)));
		r->shown++;
		if (r->live)
			fflush(stdout);
	}
	tt_txn_free(t);
}

enum {
	OPT_JSON = 256,
	OPT_UTC,
	OPT_COLOR,
	OPT_BODY_MAX,
	OPT_SLOW,
	OPT_LIVE,
	OPT_STATUS,
	OPT_METHOD,
	OPT_PATH,
	OPT_HOST,
	OPT_PID,
	OPT_COMM,
	OPT_PORT,
	OPT_SIDE,
	OPT_MIN_DUR,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_GREP,
	OPT_HEADER,
};

static int parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"utc", no_argument, NULL, OPT_UTC},
	    {"color", optional_argument, NULL, OPT_COLOR},
	    {"colour", optional_argument, NULL, OPT_COLOR},
	    {"body-max", required_argument, NULL, OPT_BODY_MAX},
	    {"slow", required_argument, NULL, OPT_SLOW},
	    {"live", no_argument, NULL, OPT_LIVE},
	    {"status", required_argument, NULL, OPT_STATUS},
	    {"method", required_argument, NULL, OPT_METHOD},
	    {"path", required_argument, NULL, OPT_PATH},
	    {"host", required_argument, NULL, OPT_HOST},
	    {"pid", required_argument, NULL, OPT_PID},
	    {"comm", required_argument, NULL, OPT_COMM},
	    {"port", required_argument, NULL, OPT_PORT},
	    {"side", required_argument, NULL, OPT_SIDE},
	    {"min-duration", required_argument, NULL, OPT_MIN_DUR},
	    {"since", required_argument, NULL, OPT_SINCE},
	    {"until", required_argument, NULL, OPT_UNTIL},
	    {"grep", required_argument, NULL, OPT_GREP},
	    {"header", required_argument, NULL, OPT_HEADER},
	    {0},
	};
	static const enum tt_filter_kind fk[] = {
	    [OPT_STATUS - OPT_STATUS] = TT_F_STATUS,   [OPT_METHOD - OPT_STATUS] = TT_F_METHOD,
	    [OPT_PATH - OPT_STATUS] = TT_F_PATH,       [OPT_HOST - OPT_STATUS] = TT_F_HOST,
	    [OPT_PID - OPT_STATUS] = TT_F_PID,	       [OPT_COMM - OPT_STATUS] = TT_F_COMM,
	    [OPT_PORT - OPT_STATUS] = TT_F_PORT,       [OPT_SIDE - OPT_STATUS] = TT_F_SIDE,
	    [OPT_MIN_DUR - OPT_STATUS] = TT_F_MIN_DUR,
	};
	char err[256];
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hVvq", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf(PROG " " TT_VERSION "\n");
			exit(EXIT_OK);
		case 'v':
			opts.verbose++;
			break;
		case 'q':
			opts.quiet = 1;
			break;
		case OPT_JSON:
			opts.json = 1;
			break;
		case OPT_UTC:
			opts.utc = 1;
			break;
		case OPT_LIVE:
			opts.live = 1;
			break;
		case OPT_COLOR:
			if (!optarg || !strcmp(optarg, "always"))
				opts.color = 1;
			else if (!strcmp(optarg, "never"))
				opts.color = 0;
			else if (!strcmp(optarg, "auto"))
				opts.color = -1;
			else {
				fprintf(stderr,
					PROG ": --color '%s': expected auto, always or never\n",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_BODY_MAX: {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (end == optarg || *end || errno || v > (64u << 20)) {
				fprintf(stderr,
					PROG ": --body-max '%s': expected bytes up to 64 MiB\n",
					optarg);
				return -EINVAL;
			}
			opts.body_show = (size_t)v;
			break;
		}
		case OPT_SLOW:
			if (tt_filter_parse_duration(optarg, &opts.slow_ns) < 0) {
				fprintf(stderr,
					PROG ": --slow '%s': expected a duration like 500ms\n",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (parse_when(optarg, c == OPT_SINCE ? &opts.since : &opts.until) < 0) {
				fprintf(
				    stderr,
				    PROG
				    ": --%s '%s': expected 2026-11-25T10:00:00, 10:00:00 or +30s\n",
				    c == OPT_SINCE ? "since" : "until", optarg);
				return -EINVAL;
			}
			break;
		case OPT_GREP:
		case OPT_HEADER:
		case OPT_STATUS:
		case OPT_METHOD:
		case OPT_PATH:
		case OPT_HOST:
		case OPT_PID:
		case OPT_COMM:
		case OPT_PORT:
		case OPT_SIDE:
		case OPT_MIN_DUR: {
			enum tt_filter_kind k = c == OPT_GREP	  ? TT_F_GREP
						: c == OPT_HEADER ? TT_F_HEADER
								  : fk[c - OPT_STATUS];
			int rc = tt_filter_add(opts.filter, k, optarg, err, sizeof(err));
			if (rc < 0) {
				fprintf(stderr, PROG ": %s\n",
					rc == -ENOMEM ? "out of memory" : err);
				return rc;
			}
			break;
		}
		case ':':
			fprintf(stderr, PROG ": %s needs a value (see --help)\n", argv[optind - 1]);
			return -EINVAL;
		default:
			if (optopt && optopt < 256)
				fprintf(stderr, PROG ": unknown option -%c (see --help)\n", optopt);
			else
				fprintf(stderr, PROG ": unknown option %s (see --help)\n",
					argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, PROG ": %s (see --help)\n",
			optind >= argc ? "expected one recording (FILE or -)"
				       : "expected exactly one recording");
		return -EINVAL;
	}
	opts.input = argv[optind];
	return 0;
}

static void summary(struct run *r, struct tt_reader *rd, int errors)
{
	struct tt_engine_stats st;
	tt_engine_get_stats(r->eng, &st);
	char a[64] = "-", b[64] = "-", d[32] = "0s";
	if (st.have_ts) {
		tt_output_time(a, sizeof(a), tt_engine_wall_ns(r->eng, st.first_ts), opts.utc, 0);
		tt_output_time(b, sizeof(b), tt_engine_wall_ns(r->eng, st.last_ts), opts.utc, 0);
		tt_output_duration(d, sizeof(d), st.last_ts - st.first_ts);
	}
	fprintf(stderr, PROG ": %" PRIu64 " of %" PRIu64 " transactions shown", r->shown, st.txns);
	if (st.have_ts)
		fprintf(stderr, ", %s-%s (%s)", a, b, d);
	else
		fprintf(stderr, ", no records");
	fprintf(stderr, ", %" PRIu64 " events lost", st.lost_events);
	if (st.dropped_records)
		fprintf(stderr, ", %" PRIu64 " payloads dropped", st.dropped_records);
	if (st.streams.gap_bytes)
		fprintf(stderr, ", %" PRIu64 " bytes not captured", st.streams.gap_bytes);
	if (errors)
		fprintf(stderr, ", %d read error%s", errors, errors == 1 ? "" : "s");
	if (rd) {
		struct tt_reader_stats rs;
		tt_reader_get_stats(rd, &rs);
		if (!rs.has_end)
			fprintf(stderr, ", no end record (recorder killed or file cut)");
	}
	fputc('\n', stderr);
}

int tt_show_main(int argc, char **argv)
{
	int ret = EXIT_OK, fd = -1, errors = 0;
	struct tt_reader *rd = NULL;
	struct run run = {0};
	struct sigaction sa = {.sa_handler = on_signal};

	opts.filter = tt_filter_new();
	if (!opts.filter) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_RUNTIME;
	}
	if (parse_args(argc, argv) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	const char *name = opts.input;
	if (!strcmp(opts.input, "-")) {
		fd = STDIN_FILENO;
		name = "<stdin>";
	} else {
		fd = open(opts.input, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, PROG ": %s: %s\n", opts.input, strerror(errno));
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
	}
	struct stat sb;
	run.live =
	    opts.live == 1 || (opts.live == -1 && fstat(fd, &sb) == 0 && !S_ISREG(sb.st_mode));
	if (opts.color == -1) {
		const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
		opts.color =
		    isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
	}
	run.out = (struct tt_output_opts){.verbose = opts.verbose,
					  .json = opts.json,
					  .color = opts.color && !opts.json,
					  .utc = opts.utc,
					  .body_show = opts.body_show,
					  .slow_ns = opts.slow_ns};

	rd = tt_reader_open_fd(fd, name);
	if (!rd) {
		fprintf(stderr, PROG ": %s\n", tt_reader_open_error());
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	size_t body_cap = 0;
	if (opts.verbose >= 2)
		body_cap = opts.body_show * 4 > 65536 ? opts.body_show * 4 : 65536;
	if (tt_filter_needs_bodies(opts.filter) && body_cap < 65536)
		body_cap = 65536;
	struct tt_engine_opts eo = {.body_cap = body_cap, .live = run.live};
	run.eng = tt_engine_new(&eo, on_txn, &run);
	if (!run.eng) {
		fprintf(stderr, PROG ": out of memory\n");
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	const struct tt_file_info *fi = tt_reader_info(rd);
	tt_engine_set_info(run.eng, fi);
	if (opts.since.set || opts.until.set) {
		uint64_t s = 0, u = 0;
		if (opts.since.set)
			s = tt_engine_boot_ns(
			    run.eng, resolve_when(&opts.since, fi->start_wall_ns, opts.utc));
		if (opts.until.set)
			u = tt_engine_boot_ns(
			    run.eng, resolve_when(&opts.until, fi->start_wall_ns, opts.utc));
		if (opts.since.set && !s)
			s = 1;
		if (opts.until.set && !u)
			u = 1;
		tt_filter_set_time(opts.filter, s, u);
	}

	int consecutive = 0;
	while (!stop) {
		struct tt_record rec;
		if (run.live) {
			/* Nothing more to read right now: show what is finished instead of waiting
			 * for the reorder window to fill. */
			struct pollfd pf = {.fd = fd, .events = POLLIN};
			if (poll(&pf, 1, 0) == 0)
				tt_engine_flush(run.eng);
		}
		int rc = tt_reader_next(rd, &rec);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (rc == -EINTR && stop)
				break;
			fprintf(stderr, PROG ": %s\n", tt_reader_errmsg(rd));
			errors++;
			tt_engine_input_gap(run.eng);
			if (rc != -EBADMSG || ++consecutive > MAX_CONSECUTIVE_ERRORS)
				break;
			continue;
		}
		consecutive = 0;
		if (tt_engine_add(run.eng, &rec) < 0) {
			fprintf(stderr, PROG ": out of memory\n");
			errors++;
			break;
		}
	}
	tt_engine_finish(run.eng);
	fflush(stdout);
	if (!opts.quiet)
		summary(&run, rd, errors);
	if (errors)
		ret = EXIT_RUNTIME;

cleanup:
	tt_engine_free(run.eng);
	tt_reader_free(rd);
	if (fd > STDIN_FILENO)
		close(fd);
	tt_filter_free(opts.filter);
	return ret;
}
