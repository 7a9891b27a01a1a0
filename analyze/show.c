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
#include "analyze/extract.h"
#include "analyze/filter.h"
#include "analyze/output.h"
#include "analyze/redact.h"
#include "format/reader.h"
#include "format/writer.h"

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
	int redact;
	const char *write_out; /* -w: write the matching connections here instead of showing */
	int color;	       /* -1 auto, 0 never, 1 always */
	int live;	       /* -1 auto */
	size_t body_show;
	uint64_t slow_ns;
	struct when since, until;
	struct tt_filter *filter;
} opts = {.color = -1, .live = -1, .body_show = 4096, .slow_ns = 1000000000ull};

static volatile sig_atomic_t stop;

struct run {
	struct tt_engine *eng;
	struct tt_output_opts out;
	uint64_t shown; /* with -w: matched */
	int live;
	struct tt_redactor *red; /* --redact */
	uint8_t *scratch;	 /* a redacted copy of the current DATA payload */
	size_t scratch_cap;
	uint64_t masked;      /* bytes masked by --redact */
	struct tt_extract *x; /* -w */
	struct tt_writer *w;  /* -w, while copying */
	uint64_t last_ts;     /* of the last record copied */
	int oom;
	char err[256];
};

/* The first Ctrl-C ends the read and shows what was read; a second one kills at once. */
static void on_signal(int sig)
{
	if (stop) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
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
	    "were lost or not captured (the sizes stay exact); [invalid: why] the parser rejected\n"
	    "a message (a request smuggling shape, a bad chunk size...; what follows is scanned\n"
	    "for the next message); [incomplete] a message could not be parsed to its end (cut by\n"
	    "the close); [evicted] dropped from memory (too many connections or too many\n"
	    "requests waiting for responses); [upgrade] not HTTP after this (101, CONNECT).\n"
	    "JSON fields: ts side pid tid comm cgroup_id local remote sock_id method path host\n"
	    "version status status_text req_body_bytes resp_body_bytes req_wire_bytes\n"
	    "resp_wire_bytes duration_us req_headers resp_headers complete incomplete (reason)\n"
	    "[error interim_status upgraded; -vv: req_body/resp_body or *_body_b64,\n"
	    "*_body_truncated].\n"
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
	    "Bug reports:\n"
	    "      --redact           mask credentials with '*', same length, before anything\n"
	    "                         reads them: Authorization, Proxy-Authorization, Cookie,\n"
	    "                         Set-Cookie and *token*/*secret*/*password*/*api-key*\n"
	    "                         headers; password, token, secret, api_key... fields in\n"
	    "                         query strings, forms and JSON (not inside gzip bodies\n"
	    "                         on the wire; shown decoded bodies are masked)\n"
	    "  -w, --write FILE       do not show: write every connection with a matching\n"
	    "                         transaction (and its processes) to FILE, a .tinytap\n"
	    "                         created 0600 (- for stdout); with --redact, masked\n"
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
	    "  " PROG " s.tinytap --status 5xx --redact -w bug.tinytap   to attach to a bug\n"
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
	if (r->x) {
		if (tt_filter_match(opts.filter, t)) {
			r->shown++;
			if (tt_extract_select(r->x, t->sock_id) < 0)
				r->oom = 1;
		}
	} else if (tt_filter_match(opts.filter, t)) {
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
	OPT_REDACT,
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
	    {"redact", no_argument, NULL, OPT_REDACT},
	    {"write", required_argument, NULL, 'w'},
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
	while ((c = getopt_long(argc, argv, ":hVvqw:", lo, NULL)) != -1) {
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
		case OPT_REDACT:
			opts.redact = 1;
			break;
		case 'w':
			if (!*optarg) {
				fprintf(stderr,
					PROG ": -w: expected a file name (or - for stdout)\n");
				return -EINVAL;
			}
			opts.write_out = optarg;
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
			if (optopt && optopt < 256 && strncmp(argv[optind - 1], "--", 2))
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
	if (opts.write_out) {
		struct stat in, out;
		if (!strcmp(opts.write_out, "-") && isatty(STDOUT_FILENO)) {
			fprintf(stderr, PROG ": -w -: refusing to write a binary recording to a "
					     "terminal\n");
			return -EINVAL;
		}
		if (strcmp(opts.write_out, "-") && strcmp(opts.input, "-") &&
		    !stat(opts.input, &in) && !stat(opts.write_out, &out) &&
		    in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
			fprintf(stderr, PROG ": -w %s: that is the input recording\n",
				opts.write_out);
			return -EINVAL;
		}
	}
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
	fprintf(stderr, PROG ": %" PRIu64 " of %" PRIu64 " transactions %s", r->shown, st.txns,
		r->x ? "matched" : "shown");
	if (st.have_ts)
		fprintf(stderr, ", %s-%s (%s)", a, b, d);
	else
		fprintf(stderr, ", no records");
	fprintf(stderr, ", %" PRIu64 " events lost", st.lost_events);
	if (st.dropped_records)
		fprintf(stderr, ", %" PRIu64 " payloads dropped", st.dropped_records);
	if (st.streams.gap_bytes)
		fprintf(stderr, ", %" PRIu64 " bytes not captured", st.streams.gap_bytes);
	if (r->red && !r->x)
		fprintf(stderr, ", %" PRIu64 " bytes redacted", r->masked);
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

/* --redact: masks a DATA record's payload in a copy (rec->payload then points to it). */
static int redact_record(struct run *r, struct tt_record *rec)
{
	if (rec->type == TT_REC_CLOSE) {
		tt_redactor_forget(r->red, rec->u.close.sock_id);
		return 0;
	}
	if (rec->type != TT_REC_DATA || !rec->payload || !rec->u.data.cap_len)
		return 0;
	size_t n = rec->u.data.cap_len;
	if (n > r->scratch_cap) {
		uint8_t *p = realloc(r->scratch, n);
		if (!p)
			return -ENOMEM;
		r->scratch = p;
		r->scratch_cap = n;
	}
	memcpy(r->scratch, rec->payload, n);
	r->masked += tt_redactor_stream(r->red, rec->u.data.sock_id, rec->u.data.dir, r->scratch, n,
					!!(rec->u.data.flags & TT_DATA_PEEK));
	rec->payload = r->scratch;
	return 0;
}

/* Per-record step of a read of the input; rec NULL: records are missing here (a damaged block
 * was skipped). < 0 stops the read, with r->err saying why. */
typedef int (*record_fn)(struct run *r, struct tt_record *rec);

static int analyze_record(struct run *r, struct tt_record *rec)
{
	if (!rec) {
		tt_engine_input_gap(r->eng);
		return 0;
	}
	if ((r->red && redact_record(r, rec) < 0) || tt_engine_add(r->eng, rec) < 0 || r->oom) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int scan_record(struct run *r, struct tt_record *rec)
{
	if (rec && tt_extract_scan(r->x, rec) < 0) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int copy_record(struct run *r, struct tt_record *rec)
{
	int rc;
	if (!rec) { /* tell readers of the copy that records are missing here */
		struct tt_rec_loss l = {
		    .ts_ns = r->last_ts, .cpu = UINT32_MAX, .reason = TT_LOSS_SOURCE_DAMAGED};
		rc = tt_writer_add(r->w, TT_REC_LOSS, &l, sizeof(l), NULL, 0);
	} else {
		if (!tt_extract_wanted(r->x, rec))
			return 0;
		if (r->red && redact_record(r, rec) < 0) {
			snprintf(r->err, sizeof(r->err), "out of memory");
			return -ENOMEM;
		}
		uint32_t len = rec->type == TT_REC_DATA ? rec->u.data.cap_len : 0;
		r->last_ts = rec->u.data.ts_ns; /* every record body starts with its boot ts */
		rc = tt_writer_add(r->w, rec->type, &rec->u, tt_record_fixed_size(rec->type),
				   len ? rec->payload : NULL, len);
	}
	if (rc < 0 && rc != -EINVAL && rc != -EMSGSIZE) {
		snprintf(r->err, sizeof(r->err), "%s: %s", opts.write_out, strerror(-rc));
		return rc;
	}
	return 0;
}

/* Reads rd to its end (or a stop signal), giving every record to fn. Returns the number of
 * errors; read errors are printed only when report is set (the first read of the input). */
static int read_all(struct run *r, struct tt_reader *rd, int fd, record_fn fn, int report)
{
	int errors = 0, consecutive = 0;
	while (!stop) {
		struct tt_record rec;
		if (r->live) {
			/* Nothing more to read right now: show what is finished instead of waiting
			 * for the reorder window to fill. */
			struct pollfd pf = {.fd = fd, .events = POLLIN};
			if (poll(&pf, 1, 0) == 0)
				tt_engine_flush(r->eng);
		}
		int rc = tt_reader_next(rd, &rec);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (rc == -EINTR && stop)
				break;
			if (report)
				fprintf(stderr, PROG ": %s\n", tt_reader_errmsg(rd));
			errors++;
			if (fn(r, NULL) < 0) {
				fprintf(stderr, PROG ": %s\n", r->err);
				break;
			}
			if (rc != -EBADMSG || ++consecutive > MAX_CONSECUTIVE_ERRORS)
				break;
			continue;
		}
		consecutive = 0;
		if (fn(r, &rec) < 0) {
			fprintf(stderr, PROG ": %s\n", r->err);
			errors++;
			break;
		}
	}
	return errors;
}

/* -w with a pipe as input: the input is read three times, so it is kept in an unlinked file. */
static int spool_stdin(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	if (!dir || !*dir)
		dir = "/tmp";
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(path, sizeof(path), "%s/tinytap-show.XXXXXX", dir);
		fd = mkstemp(path);
		if (fd < 0) {
			fprintf(stderr, PROG ": cannot keep stdin in %s: %s\n", dir,
				strerror(errno));
			return -1;
		}
		unlink(path);
	}
	static char buf[1 << 16];
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno == EINTR && stop))
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, PROG ": <stdin>: %s\n", strerror(errno));
			break; /* keep what was read */
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				fprintf(stderr, PROG ": cannot keep stdin in %s: %s\n", dir,
					strerror(errno));
				close(fd);
				return -1;
			}
			off += w;
		}
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* -w: created 0600 (it holds other people's traffic) and given to the sudo user. */
static int open_out(const char *path)
{
	if (!strcmp(path, "-"))
		return STDOUT_FILENO;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, PROG ": cannot write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	fchmod(fd, 0600);
	const char *uid_s = getenv("SUDO_UID"), *gid_s = getenv("SUDO_GID");
	if (uid_s && gid_s && geteuid() == 0) {
		char *e1, *e2;
		unsigned long uid = strtoul(uid_s, &e1, 10), gid = strtoul(gid_s, &e2, 10);
		if (*uid_s && *gid_s && !*e1 && !*e2 && fchown(fd, (uid_t)uid, (gid_t)gid))
			fprintf(stderr, PROG ": could not give '%s' to uid %s: %s\n", path, uid_s,
				strerror(errno));
	}
	return fd;
}

/* -w, after the analysis marked the sockets: which processes used them, then the copy. */
static int write_selected(struct run *r, int fd, const char *name, const struct tt_file_info *fi)
{
	int ret = EXIT_OK, ofd = -1;
	struct tt_reader *rd = NULL;

	if (lseek(fd, 0, SEEK_SET) < 0 || !(rd = tt_reader_open_fd(fd, name))) {
		fprintf(stderr, PROG ": %s: cannot read it again\n", name);
		return EXIT_RUNTIME;
	}
	read_all(r, rd, fd, scan_record, 0);
	tt_reader_free(rd);
	rd = NULL;
	if (stop || lseek(fd, 0, SEEK_SET) < 0 || !(rd = tt_reader_open_fd(fd, name))) {
		fprintf(stderr, PROG ": %s: cannot read it again\n", name);
		return EXIT_RUNTIME;
	}
	ofd = open_out(opts.write_out);
	if (ofd < 0) {
		tt_reader_free(rd);
		return EXIT_RUNTIME;
	}
	struct tt_file_info info = *fi;
	if (r->red) /* the recorder's command line may hold a secret too */
		tt_redact_buf((uint8_t *)info.options, strnlen(info.options, sizeof(info.options)));
	r->w = tt_writer_open(ofd, &info, NULL);
	if (!r->w) {
		fprintf(stderr, PROG ": %s: %s\n", opts.write_out, strerror(errno));
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (r->red) { /* the same masks as the analysis saw: a fresh redactor, the same order */
		tt_redactor_free(r->red);
		r->red = tt_redactor_new();
		r->masked = 0;
		if (!r->red) {
			fprintf(stderr, PROG ": out of memory\n");
			ret = EXIT_RUNTIME;
			goto out;
		}
	}
	read_all(r, rd, fd, copy_record, 0); /* damaged blocks: already reported, LOSS written */
	struct tt_writer_stats ws;
	tt_writer_get_stats(r->w, &ws);
	int rc = tt_writer_close(r->w);
	r->w = NULL;
	if (rc < 0) {
		if (!r->err[0])
			fprintf(stderr, PROG ": %s: %s\n", opts.write_out, strerror(-rc));
		ret = EXIT_RUNTIME;
	} else if (r->err[0]) {
		ret = EXIT_RUNTIME;
	}
	if (!opts.quiet) {
		fprintf(stderr,
			PROG ": wrote %s: %" PRIu64 " socket%s, %" PRIu64 " process%s, %" PRIu64
			     " records",
			strcmp(opts.write_out, "-") ? opts.write_out : "<stdout>",
			tt_extract_sockets(r->x), tt_extract_sockets(r->x) == 1 ? "" : "s",
			tt_extract_processes(r->x), tt_extract_processes(r->x) == 1 ? "" : "es",
			ws.records);
		if (r->red)
			fprintf(stderr, ", %" PRIu64 " bytes redacted", r->masked);
		fputc('\n', stderr);
	}
out:
	tt_reader_free(rd);
	if (ofd > STDOUT_FILENO && close(ofd) < 0 && ret == EXIT_OK) {
		fprintf(stderr, PROG ": %s: %s\n", opts.write_out, strerror(errno));
		ret = EXIT_RUNTIME;
	}
	return ret;
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
		if (opts.write_out && (fd = spool_stdin()) < 0) {
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
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
	if (opts.write_out)
		run.live = 0;
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
					  .slow_ns = opts.slow_ns,
					  .redact = opts.redact};
	if ((opts.redact && !(run.red = tt_redactor_new())) ||
	    (opts.write_out && !(run.x = tt_extract_new()))) {
		fprintf(stderr, PROG ": out of memory\n");
		ret = EXIT_RUNTIME;
		goto cleanup;
	}

	rd = tt_reader_open_fd(fd, name);
	if (!rd) {
		fprintf(stderr, PROG ": %s\n", tt_reader_open_error());
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	size_t body_cap = 0;
	if (opts.verbose >= 2 && !run.x)
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
		int64_t sw = 0, uw = 0;
		if (opts.since.set)
			sw = resolve_when(&opts.since, fi->start_wall_ns, opts.utc);
		if (opts.until.set)
			uw = resolve_when(&opts.until, fi->start_wall_ns, opts.utc);
		if (opts.since.set && opts.until.set && sw >= uw) {
			fprintf(stderr, PROG ": --since must be before --until (see --help)\n");
			ret = EXIT_USAGE;
			goto cleanup;
		}
		if (opts.since.set)
			s = tt_engine_boot_ns(run.eng, sw);
		if (opts.until.set)
			u = tt_engine_boot_ns(run.eng, uw);
		if (opts.since.set && !s)
			s = 1;
		if (opts.until.set && !u)
			u = 1;
		tt_filter_set_time(opts.filter, s, u);
	}

	errors = read_all(&run, rd, fd, analyze_record, 1);
	tt_engine_finish(run.eng);
	fflush(stdout);
	if (!opts.quiet)
		summary(&run, rd, errors);
	if (errors)
		ret = EXIT_RUNTIME;
	if (run.x && !stop) {
		int wret = write_selected(&run, fd, name, fi);
		if (wret != EXIT_OK)
			ret = wret;
	}

cleanup:
	tt_engine_free(run.eng);
	tt_reader_free(rd);
	tt_redactor_free(run.red);
	tt_extract_free(run.x);
	free(run.scratch);
	if (fd > STDIN_FILENO)
		close(fd);
	tt_filter_free(opts.filter);
	return ret;
}
