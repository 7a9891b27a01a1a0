// SPDX-License-Identifier: MIT
#include "analyze/show.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/filter.h"
#include "analyze/input.h"
#include "analyze/output.h"
#include "analyze/pipeline.h"
#include "analyze/proto.h"
#include "analyze/sink/curl.h"
#include "analyze/sink/har.h"
#include "analyze/sink/json.h"
#include "analyze/sink/line.h"
#include "analyze/sink/otlp.h"
#include "analyze/sink/pcapng.h"
#include "analyze/sink/stats.h"
#include "analyze/sink/tinytap.h"
#include "analyze/sink/trace.h"
#include "analyze/web/serve.h"
#include "format/reader.h"

#define PROG "tinytap-show"
#define EXPORT_BODY_CAP (1u << 20) /* body bytes kept per message for HAR and curl */
#define MAX_THREADS 1024
#define PREFETCH_BLOCKS 1 /* blocks decompressed ahead of the analysis with --threads >= 2 */

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* --format: the line view (or JSON with --json), or an export. */
enum fmt { FMT_LINE = 0, FMT_CURL, FMT_HAR, FMT_PCAPNG, FMT_OTLP };

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
	const char *input;	   /* the first recording */
	const char *const *inputs; /* every one (argv), ninputs of them */
	size_t ninputs;
	int merge; /* several recordings, or a directory: read as one timeline */
	int verbose, json, utc, quiet;
	int redact;
	const char *write_out; /* -w: write the matching connections here instead of showing */
	int stats;	       /* --stats: a table of groups instead of transactions */
	int trace;	       /* --trace: request chains as trees */
	const char *trace_id;
	int serve;		  /* --serve: the web page */
	const char *serve_at;	  /* [ADDR:]PORT, or NULL for the default */
	size_t keep;		  /* --keep: transactions --serve keeps */
	int format;	       /* --format: enum fmt */
	enum tt_stats_by by;
	int by_set;
	int side_set; /* --side given: exports keep what it says, not one side per exchange */
	int color;	       /* -1 auto, 0 never, 1 always */
	int live;	       /* -1 auto */
	size_t body_show;
	int body_max_set;
	uint64_t slow_ns;
	unsigned threads; /* --threads; 0: the CPUs available */
	struct when since, until;
	struct tt_filter *filter;
} opts = {.color = -1, .live = -1, .body_show = 4096, .slow_ns = 1000000000ull};

static volatile sig_atomic_t stop;


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
	    "Usage: " PROG " [OPTIONS] FILE|DIR|- [FILE...]\n"
	    "Shows the transactions in a .tinytap recording (request and response, command\n"
	    "and reply, query and result), one line each. Several recordings, or a directory\n"
	    "of them (a recorder's rotated files, several hosts'), are read as one timeline:\n"
	    "each host's clock from its own recording, its name on the lines.\n"
	    "  [12:34:56.790] srv pid=12345 nginx      GET /index.html → 200 156 bytes (1.2ms)\n"
	    "'cli' is the view of the process that sent the request, 'srv' of the one that\n"
	    "received it; on one machine both ends are recorded and both lines are real.\n"
	    "Lines are in the order of the request's first byte (live: as they complete).\n"
	    "The protocol of each connection is told from its first bytes (both directions),\n"
	    "not from its port; other protocols than HTTP name themselves on the line.\n"
	    "Markers: (no response) request without an answer before close or the end of the\n"
	    "capture; ? ? ... [no request] the recording started after the request; [gap] bytes\n"
	    "were lost or not captured (the sizes stay exact); [invalid: why] the parser rejected\n"
	    "a message (a request smuggling shape, a bad chunk size...; what follows is scanned\n"
	    "for the next message); [incomplete] a message could not be parsed to its end (cut by\n"
	    "the close); [evicted] dropped from memory (too many connections or too many\n"
	    "requests waiting for responses); [upgrade] the connection changed protocol after\n"
	    "this (101, CONNECT). A message that expects no answer (a WebSocket message)\n"
	    "shows the way it went from this process instead: → sent, ← received.\n"
	    "JSON fields: ts proto op target outcome (ok, error, none) side pid tid comm\n"
	    "cgroup_id [container container_id image compose_project compose_service pod\n"
	    "namespace unit: when the recording names the cgroup] local remote sock_id\n"
	    "peer_sock_id (the other end's socket when both are recorded) <protocol fields>\n"
	    "req_body_bytes resp_body_bytes\n"
	    "req_wire_bytes resp_wire_bytes [req_body_captured resp_body_captured: false when\n"
	    "body bytes went by without their content, e.g. sendfile] duration_us req_headers\n"
	    "resp_headers complete incomplete (reason) [oneway: true for a message that\n"
	    "expects no answer] [error <protocol fields>; -vv:\n"
	    "req_body/resp_body or *_body_b64, *_body_truncated].\n"
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
	    "      --stats            a table instead: per endpoint (protocol, operation and\n"
	    "                         target with ids folded: /users/{id}) the count, errors,\n"
	    "                         error rate, p50/p90/p99/max duration, bytes; each\n"
	    "                         exchange once (the client's view when both ends are\n"
	    "                         recorded, unless --side); --json: one object per row\n"
	    "      --trace[=ID]       request chains as trees (a span per transaction, under\n"
	    "                         the one that caused it: the two ends of a local\n"
	    "                         connection, a server thread's calls while it served a\n"
	    "                         request, traceparent/B3/X-Request-Id ids); with\n"
	    "                         filters, whole traces holding a matching span (*)\n"
	    "      --by KEY           --stats groups by endpoint (default), comm, host,\n"
	    "                         status, proto, side or container (the container or\n"
	    "                         systemd unit; - for neither)\n"
	    "      --format FMT       har: HAR 1.2 for the browsers' DevTools (Import HAR);\n"
	    "                         pcapng: packets for Wireshark, synthesized from the\n"
	    "                         socket calls (lost bytes are sequence gaps); curl: a\n"
	    "                         runnable curl command per HTTP request, to replay it;\n"
	    "                         otlp: OpenTelemetry spans (OTLP/JSON lines, both ends,\n"
	    "                         linked as --trace) for Jaeger or Tempo via a collector;\n"
	    "                         json, text. Exports keep each exchange once (the\n"
	    "                         client's view when both ends are recorded, unless\n"
	    "                         --side) and whole bodies up to --body-max (1 MiB)\n"
	    "      --serve[=[ADDR:]PORT]\n"
	    "                         a web page instead, the Network tab: a table with a\n"
	    "                         waterfall, the filter box (these flags as words:\n"
	    "                         status:5xx comm:nginx --side server), details, traces,\n"
	    "                         stats; live with -. Default 127.0.0.1:8088 (port 0: any\n"
	    "                         free one); prints the URL with its access token; keeps\n"
	    "                         the newest --keep transactions. Ctrl-C stops it\n"
	    "      --keep N           --serve: transactions kept (default 100000; 512 MiB)\n"
	    "  -q, --quiet            no summary line on stderr\n"
	    "      --threads N        threads to use (default: the CPUs available to it);\n"
	    "                         with 2 or more, the next blocks of a recording file are\n"
	    "                         decompressed and checked on a second thread while the\n"
	    "                         first analyses (more are not used yet); 1: one thread.\n"
	    "                         The output is the same whatever N\n"
	    "\n"
	    "Filters (different flags must all match; a comma list, or the same flag given\n"
	    "again, matches any; --header and --grep given twice must both match):\n"
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
	    "      --proto LIST       protocols (see below): http/1.1,redis\n"
	    "      --errors           outcome error: HTTP >= 400, a Redis error reply, an SQL\n"
	    "                         error, a gRPC status other than OK...\n"
	    "      --op GLOB          operation: method, command, SQL verb (no case)\n"
	    "      --target GLOB      whole target: path with query, key, statement\n"
	    "      --host-name GLOB   the recording's host (merged recordings: each its own)\n"
	    "                         --status, --method, --path, --host match the protocols\n"
	    "                         that have that field (HTTP), never the others\n"
	    "      --container GLOB   container name (pod/container in Kubernetes), or its id\n"
	    "                         (4+ first hex digits)\n"
	    "      --image GLOB       container image ('nginx:*')\n"
	    "      --unit GLOB        systemd unit ('nginx.service', '*.scope')\n"
	    "      --pod GLOB         Kubernetes pod, or namespace/pod\n"
	    "                         (who: the names tinytap-record found for the process's\n"
	    "                         cgroup; a line shows them as srv api-service/python3)\n"
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
	    "  -h, --help             this help\n"
	    "  -V, --version          the version\n"
	    "\n"
	    "Protocols (JSON proto, --proto; and the fields each adds to JSON):\n");
	for (size_t i = 0; i < tt_proto_count(); i++) {
		const struct tt_proto *p = tt_proto_at(i);
		fprintf(f, "  %-16s", p->name);
		for (size_t k = 0; k < p->nfields; k++)
			if (p->fields[k].absent != TT_FJ_NONE)
				fprintf(f, " %s", p->fields[k].name);
		fputc('\n', f);
	}
	fprintf(
	    f,
	    "\n"
	    "Exit status: 0 ok, 1 unreadable or corrupt input (what could be read is shown),\n"
	    "2 usage error.\n"
	    "\n"
	    "EXAMPLES\n"
	    "  " PROG " s.tinytap                              every transaction\n"
	    "  " PROG " s.tinytap --status 4xx,5xx -v          errors, with headers\n"
	    "  " PROG " s.tinytap --side server --comm nginx   what nginx served\n"
	    "  " PROG " s.tinytap --container api-service      what that container did\n"
	    "  " PROG " s.tinytap --stats --by container       per container: count, errors, p99\n"
	    "  " PROG " s.tinytap --path '/api/*' --min-duration 100ms -vv\n"
	    "  " PROG " s.tinytap --since +30s --until +1m --grep 'token=[0-9a-f]+'\n"
	    "  " PROG " s.tinytap --json | jq -r 'select(.status >= 500) | .path'\n"
	    "  " PROG " s.tinytap --errors --proto http/1.1    failed HTTP exchanges\n"
	    "  " PROG " s.tinytap --comm api --proto http,pg,redis   one service's requests\n"
	    "                         with its SQL and Redis calls in between, one timeline\n"
	    "  " PROG " s.tinytap --stats --status 5xx         which endpoints fail, how slow\n"
	    "  " PROG " s.tinytap --trace --status 5xx         the chains that ended in a 500\n"
	    "  " PROG " s.tinytap --status 5xx --redact -w bug.tinytap   to attach to a bug\n"
	    "  " PROG " s.tinytap --format har > s.har       open in DevTools, Network tab\n"
	    "  " PROG " s.tinytap --port 8080 --format pcapng > s.pcapng   for Wireshark\n"
	    "  sudo tinytap-record -o - | " PROG " -           live\n"
	    "  " PROG " s.tinytap --serve                      in the browser (URL printed)\n"
	    "  sudo tinytap-record -o - | " PROG " --serve 8088 -   live, in the browser\n");
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
	OPT_PROTO,
	OPT_ERRORS,
	OPT_OP,
	OPT_TARGET,
	OPT_STATS,
	OPT_BY,
	OPT_FORMAT,
	OPT_TRACE,
	OPT_HOST_NAME,
	OPT_CONTAINER,
	OPT_IMAGE,
	OPT_UNIT,
	OPT_POD,
	OPT_SERVE,
	OPT_KEEP,
	OPT_THREADS,
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
	    {"proto", required_argument, NULL, OPT_PROTO},
	    {"errors", no_argument, NULL, OPT_ERRORS},
	    {"op", required_argument, NULL, OPT_OP},
	    {"target", required_argument, NULL, OPT_TARGET},
	    {"stats", no_argument, NULL, OPT_STATS},
	    {"by", required_argument, NULL, OPT_BY},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"trace", optional_argument, NULL, OPT_TRACE},
	    {"host-name", required_argument, NULL, OPT_HOST_NAME},
	    {"write", required_argument, NULL, 'w'},
	    {"container", required_argument, NULL, OPT_CONTAINER},
	    {"image", required_argument, NULL, OPT_IMAGE},
	    {"unit", required_argument, NULL, OPT_UNIT},
	    {"pod", required_argument, NULL, OPT_POD},
	    {"serve", optional_argument, NULL, OPT_SERVE},
	    {"keep", required_argument, NULL, OPT_KEEP},
	    {"threads", required_argument, NULL, OPT_THREADS},
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
		case OPT_STATS:
			opts.stats = 1;
			break;
		case OPT_TRACE:
			opts.trace = 1;
			if (optarg && (!*optarg || strspn(optarg, "0123456789abcdefABCDEF") !=
							strlen(optarg) || strlen(optarg) > 32)) {
				fprintf(stderr,
					PROG ": --trace=%s: expected a trace id (up to 32 hex "
					     "digits, a prefix is enough)\n",
					optarg);
				return -EINVAL;
			}
			opts.trace_id = optarg;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "curl")) {
				opts.format = FMT_CURL;
			} else if (!strcmp(optarg, "har")) {
				opts.format = FMT_HAR;
			} else if (!strcmp(optarg, "pcapng")) {
				opts.format = FMT_PCAPNG;
			} else if (!strcmp(optarg, "otlp")) {
				opts.format = FMT_OTLP;
			} else if (!strcmp(optarg, "json") || !strcmp(optarg, "jsonl")) {
				opts.json = 1;
			} else if (!strcmp(optarg, "text") || !strcmp(optarg, "line")) {
				opts.format = FMT_LINE;
			} else {
				fprintf(stderr,
					PROG ": --format '%s': expected har, pcapng, otlp, curl, json "
					     "or text\n",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_SERVE:
			opts.serve = 1;
			opts.serve_at = optarg;
			if (optarg) {
				char a[256], e[300];
				uint16_t port;
				if (tt_serve_parse_listen(optarg, a, sizeof(a), &port, e, sizeof(e)) <
				    0) {
					fprintf(stderr, PROG ": %s\n", e);
					return -EINVAL;
				}
			}
			break;
		case OPT_KEEP: {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (!isdigit((unsigned char)*optarg) || *end || errno || !v || v > 10000000) {
				fprintf(stderr, PROG ": --keep '%s': expected a number from 1 to "
						     "10000000\n",
					optarg);
				return -EINVAL;
			}
			opts.keep = (size_t)v;
			break;
		}
		case OPT_BY:
			if (tt_stats_parse_by(optarg, &opts.by) < 0) {
				fprintf(stderr,
					PROG ": --by '%s': expected endpoint, comm, host, status, "
					     "proto, side or container\n",
					optarg);
				return -EINVAL;
			}
			opts.by_set = 1;
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
			opts.body_max_set = 1;
			break;
		}
		case OPT_THREADS: {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (end == optarg || *end || errno || v < 1 || v > MAX_THREADS ||
			    optarg[0] == '-') {
				fprintf(stderr, PROG ": --threads '%s': expected 1..%d\n", optarg,
					MAX_THREADS);
				return -EINVAL;
			}
			opts.threads = (unsigned)v;
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
		case OPT_ERRORS:
			optarg = "";
			/* fall through */
		case OPT_HOST_NAME:
		case OPT_PROTO:
		case OPT_OP:
		case OPT_TARGET:
		case OPT_CONTAINER:
		case OPT_IMAGE:
		case OPT_UNIT:
		case OPT_POD:
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
						: c == OPT_PROTO  ? TT_F_PROTO
						: c == OPT_ERRORS ? TT_F_ERRORS
						: c == OPT_OP	  ? TT_F_OP
						: c == OPT_TARGET ? TT_F_TARGET
						: c == OPT_HOST_NAME ? TT_F_HOST_NAME
						: c == OPT_CONTAINER ? TT_F_CONTAINER
						: c == OPT_IMAGE  ? TT_F_IMAGE
						: c == OPT_UNIT	  ? TT_F_UNIT
						: c == OPT_POD	  ? TT_F_POD
								  : fk[c - OPT_STATUS];
			int rc = tt_filter_add(opts.filter, k, optarg, err, sizeof(err));
			opts.side_set |= c == OPT_SIDE;
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
	if (optind >= argc) {
		fprintf(stderr, PROG ": expected a recording (FILE, DIR or -) (see --help)\n");
		return -EINVAL;
	}
	opts.input = argv[optind];
	opts.inputs = (const char *const *)argv + optind;
	opts.ninputs = (size_t)(argc - optind);
	struct stat ist;
	/* several files, a directory, or a quoted glob (a set of rotated files) */
	opts.merge = opts.ninputs > 1 || (!stat(opts.input, &ist) && S_ISDIR(ist.st_mode)) ||
		     (stat(opts.input, &ist) && strpbrk(opts.input, "*?["));
	if (opts.merge) {
		for (size_t i = 0; i < opts.ninputs; i++)
			if (!strcmp(opts.inputs[i], "-")) {
				fprintf(stderr, PROG ": - (stdin) is read alone, not with other "
						     "recordings (see --help)\n");
				return -EINVAL;
			}
		if (opts.write_out || opts.format == FMT_PCAPNG) {
			fprintf(stderr, PROG ": %s reads one recording, not several (see --help)\n",
				opts.write_out ? "-w" : "--format pcapng");
			return -EINVAL;
		}
	}
	if (opts.serve && (opts.write_out || opts.stats || opts.trace || opts.format || opts.json)) {
		fprintf(stderr, PROG ": --serve shows a web page: not with %s (see --help)\n",
			opts.write_out ? "-w"
			: opts.stats   ? "--stats"
			: opts.trace   ? "--trace"
			: opts.json    ? "--json"
				       : "--format");
		return -EINVAL;
	}
	if (opts.keep && !opts.serve) {
		fprintf(stderr, PROG ": --keep is for --serve (see --help)\n");
		return -EINVAL;
	}
	if (opts.by_set && !opts.stats) {
		fprintf(stderr, PROG ": --by groups --stats (see --help)\n");
		return -EINVAL;
	}
	if (opts.trace && (opts.write_out || opts.stats || opts.format || opts.json)) {
		fprintf(stderr, PROG ": --trace shows trees: not with %s (see --help)\n",
			opts.write_out ? "-w"
			: opts.stats   ? "--stats"
			: opts.json    ? "--json"
				       : "--format");
		return -EINVAL;
	}
	if (opts.stats && (opts.write_out || opts.verbose || opts.format)) {
		fprintf(stderr, PROG ": --stats shows a table: not with %s (see --help)\n",
			opts.write_out ? "-w" : opts.verbose ? "-v" : "--format");
		return -EINVAL;
	}
	if (opts.format && (opts.write_out || opts.json)) {
		fprintf(stderr, PROG ": --format: not with %s (see --help)\n",
			opts.write_out ? "-w" : "--json");
		return -EINVAL;
	}
	if (opts.format == FMT_PCAPNG && isatty(STDOUT_FILENO)) {
		fprintf(stderr, PROG ": --format pcapng: refusing to write a binary capture to a "
				     "terminal (redirect it: > out.pcapng)\n");
		return -EINVAL;
	}
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

/* Sockets with payload by protocol: "4 sockets (3 http/1.1, 1 unrecognized)", "(..., 1 upgraded
 * to websocket)". Both ends of a local connection are two sockets. */
static void conns_summary(const struct tt_streams_stats *ss)
{
	fprintf(stderr, ", %" PRIu64 " socket%s", ss->conns, ss->conns == 1 ? "" : "s");
	if (!ss->conns)
		return;
	const char *sep = " (";
	for (size_t i = 0; i < tt_proto_count() && i < TT_PROTO_MAX; i++)
		if (ss->conns_by_proto[i]) {
			fprintf(stderr, "%s%" PRIu64 " %s", sep, ss->conns_by_proto[i],
				tt_proto_at(i)->name);
			sep = ", ";
		}
	if (ss->conns_unrecognized) {
		fprintf(stderr, "%s%" PRIu64 " unrecognized", sep, ss->conns_unrecognized);
		sep = ", ";
	}
	for (size_t i = 0; i < tt_proto_count() && i < TT_PROTO_MAX; i++)
		if (ss->handed_to[i]) {
			fprintf(stderr, "%s%" PRIu64 " upgraded to %s", sep, ss->handed_to[i],
				tt_proto_at(i)->name);
			sep = ", ";
		}
	if (ss->conns_tls) {
		fprintf(stderr, "%s%" PRIu64 " from TLS plaintext", sep, ss->conns_tls);
		sep = ", ";
	}
	if (*sep == ',')
		fputc(')', stderr);
}

static void summary(const struct tt_pipeline *p, struct tt_reader *rd, struct tt_input *in,
		    int errors)
{
	struct tt_pipeline_stats ps;
	tt_pipeline_get_stats(p, &ps);
	const struct tt_engine_stats *st = &ps.eng;
	char a[64] = "-", b[64] = "-", d[32] = "0s";
	if (st->have_ts) {
		tt_output_time(a, sizeof(a), tt_pipeline_wall_ns(p, st->first_ts), opts.utc, 0);
		tt_output_time(b, sizeof(b), tt_pipeline_wall_ns(p, st->last_ts), opts.utc, 0);
		tt_output_duration(d, sizeof(d), st->last_ts - st->first_ts);
	}
	fprintf(stderr, PROG ": %" PRIu64 " of %" PRIu64 " transactions %s", ps.shown, st->txns,
		opts.write_out ? "matched" : "shown");
	conns_summary(&st->streams);
	if (st->have_ts)
		fprintf(stderr, ", %s-%s (%s)", a, b, d);
	else
		fprintf(stderr, ", no records");
	fprintf(stderr, ", %" PRIu64 " events lost", st->lost_events);
	if (st->dropped_records)
		fprintf(stderr, ", %" PRIu64 " payloads dropped", st->dropped_records);
	if (st->streams.gap_bytes)
		fprintf(stderr, ", %" PRIu64 " bytes not captured", st->streams.gap_bytes);
	if (opts.redact && !opts.write_out)
		fprintf(stderr, ", %" PRIu64 " bytes redacted", ps.masked);
	if (errors)
		fprintf(stderr, ", %d read error%s", errors, errors == 1 ? "" : "s");
	if (rd) {
		struct tt_reader_stats rs;
		tt_reader_get_stats(rd, &rs);
		if (!rs.has_end)
			fprintf(stderr, ", no end record (recorder killed or file cut)");
	}
	if (in) {
		if (tt_input_files_read(in) < tt_input_files(in))
			fprintf(stderr,
				", %zu of %zu recordings read (--since/--until; %zu opened)",
				tt_input_files_read(in), tt_input_files(in), tt_input_opens(in));
		else
			fprintf(stderr, ", %zu recordings", tt_input_files(in));
		fprintf(stderr, " of %zu host%s", tt_input_sources(in),
			tt_input_sources(in) == 1 ? "" : "s");
		if (!tt_input_all_ended(in))
			fprintf(stderr, ", not all have an end record");
	}
	fputc('\n', stderr);
	/* TLS the recorder could not see into: said for the programs with a connection no protocol
	 * recognised, so those are not silently opaque (a program that maps GnuTLS but whose
	 * connections all parsed, tinytap-show --serve through libmicrohttpd, is left out) */
	for (size_t i = 0; i < st->tls_unhooked; i++) {
		bool opaque = false;
		const struct tt_rec_tls_unhooked *t = tt_pipeline_tls_unhooked(p, i, &opaque);
		if (!t) {
			fprintf(stderr, PROG ": TLS not recorded as plaintext for %" PRIu64
				" more programs (in the file)\n", st->tls_unhooked - i);
			break;
		}
		if (!opaque)
			continue;
		fprintf(stderr,
			PROG ": TLS not recorded as plaintext: %s (pid %u) uses %s, which "
			"tinytap-record does not hook; its TLS connections are ciphertext only\n",
			t->exe[0] ? t->exe : "?", t->pid & ((1u << TT_INPUT_PID_SHIFT) - 1),
			tt_tls_lib_name(t->library));
	}
}

/* --threads, or the CPUs this process may run on. */
static unsigned threads_available(void)
{
	cpu_set_t set;
	if (opts.threads)
		return opts.threads;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	return 1;
}

static void print_error(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, PROG ": %s\n", msg);
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

/* -w: the copy is made at the sink's end(), after the summary of what matched. */
static int write_report(const struct tt_sink *sink)
{
	struct tt_sink_tinytap_report r;
	tt_sink_tinytap_report(sink, &r);
	if (r.warn[0])
		fprintf(stderr, PROG ": %s\n", r.warn);
	if (r.err[0]) {
		fprintf(stderr, PROG ": %s\n", r.err);
		return EXIT_RUNTIME;
	}
	if (r.written && !opts.quiet) {
		fprintf(stderr,
			PROG ": wrote %s: %" PRIu64 " socket%s, %" PRIu64 " process%s, %" PRIu64
			     " records",
			strcmp(opts.write_out, "-") ? opts.write_out : "<stdout>", r.sockets,
			r.sockets == 1 ? "" : "s", r.processes, r.processes == 1 ? "" : "es",
			r.records);
		if (opts.redact)
			fprintf(stderr, ", %" PRIu64 " bytes redacted", r.masked);
		fputc('\n', stderr);
	}
	return EXIT_OK;
}

/* `--serve PORT` as well as `--serve=PORT` (the value is optional: `--serve FILE` serves FILE on
 * the default port): a next word that is [ADDR:]PORT and no file is the value. */
static char **serve_argv(int argc, char **argv)
{
	char **v = calloc((size_t)argc + 1, sizeof(*v));
	if (!v)
		return NULL;
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		struct stat st;
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				v[n++] = argv[i++];
			break;
		}
		const char *pp = next ? strrchr(next, ':') : NULL;
		pp = pp ? pp + 1 : next;
		if (!strcmp(argv[i], "--serve") && next && *pp && strspn(pp, "0123456789") == strlen(pp) &&
		    stat(next, &st) < 0) { /* [ADDR:]PORT: checked by parse_args() */
			size_t l = strlen(next) + sizeof("--serve=");
			char *m = malloc(l);
			if (!m)
				return v; /* as it was given: the usage error says what is wrong */
			snprintf(m, l, "--serve=%s", next);
			v[n++] = m;
			i++;
			continue;
		}
		v[n++] = argv[i];
	}
	return v;
}

static void serve_argv_free(char **v, int argc, char **argv)
{
	for (int i = 0; v && v[i]; i++) {
		int given = 0;
		for (int j = 0; j < argc && !given; j++)
			given = v[i] == argv[j];
		if (!given)
			free(v[i]);
	}
	free(v);
}

/* --serve after the input is read: serve until Ctrl-C or SIGTERM. */
static void serve_until_stopped(void)
{
	while (!stop) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

int tt_show_main(int argc, char **argv)
{
	int ret = EXIT_OK, fd = -1, errors = 0;
	struct tt_reader *rd = NULL;
	struct tt_input *in = NULL;
	struct tt_pipeline *pl = NULL;
	struct tt_sink *sink = NULL;
	struct sigaction sa = {.sa_handler = on_signal};

	opts.filter = tt_filter_new();
	if (!opts.filter) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_RUNTIME;
	}
	char **sargv = serve_argv(argc, argv);
	if (!sargv) {
		fprintf(stderr, PROG ": out of memory\n");
		tt_filter_free(opts.filter);
		return EXIT_RUNTIME;
	}
	int sargc = 0;
	while (sargv[sargc])
		sargc++;
	if (parse_args(sargc, sargv) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	const char *name = opts.input;
	if (opts.merge) {
		char err[1024];
		if (!(in = tt_input_open(opts.inputs, opts.ninputs, err, sizeof(err)))) {
			fprintf(stderr, PROG ": %s\n", err);
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
	} else if (!strcmp(opts.input, "-")) {
		fd = STDIN_FILENO;
		name = "<stdin>";
		if ((opts.write_out || opts.format == FMT_PCAPNG) && (fd = spool_stdin()) < 0) {
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
	int live = opts.live == 1 ||
		   (opts.live == -1 && fd >= 0 && fstat(fd, &sb) == 0 && !S_ISREG(sb.st_mode));
	if (opts.write_out || opts.format == FMT_PCAPNG || opts.merge)
		live = 0;
	if (opts.color == -1) {
		const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
		opts.color =
		    isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
	}
	struct tt_output_opts out = {.verbose = opts.verbose,
				     .json = opts.json,
				     .color = opts.color && !opts.json,
				     .utc = opts.utc,
				     .body_show = opts.body_show,
				     .slow_ns = opts.slow_ns,
				     .redact = opts.redact,
				     .live = live};
	if (opts.serve) {
		char err[512], shown[600];
		if (opts.merge && opts.ninputs > 1)
			snprintf(shown, sizeof(shown), "%.500s and %zu more", name, opts.ninputs - 1);
		else
			snprintf(shown, sizeof(shown), "%.500s", name);
		struct tt_serve_opts so = {.listen = opts.serve_at,
					   .input_name = shown,
					   .live = live,
					   .redact = opts.redact,
					   .keep = opts.keep};
		if (!(sink = tt_serve_new(&so, err, sizeof(err)))) {
			fprintf(stderr, PROG ": %s\n", err);
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
		if (!tt_serve_loopback(sink))
			fprintf(stderr,
				PROG ": WARNING: --serve %s is not a loopback address: anyone who "
				     "can reach it and has the token sees every recorded byte "
				     "(passwords, cookies, bodies). Prefer 127.0.0.1 and an SSH "
				     "tunnel.\n",
				opts.serve_at);
		fprintf(stderr, PROG ": serving %s on %s (Ctrl-C stops)\n", shown,
			tt_serve_url(sink));
	} else if (opts.write_out) {
		struct tt_sink_tinytap_opts wo = {.in_fd = fd,
						  .in_name = name,
						  .out_path = opts.write_out,
						  .redact = opts.redact,
						  .stop = &stop};
		sink = tt_sink_tinytap_new(&wo);
	} else if (opts.trace) {
		struct tt_sink_trace_opts to = {
		    .f = stdout, .filter = opts.filter, .id = opts.trace_id, .out = &out};
		sink = tt_sink_trace_new(&to);
	} else if (opts.stats) {
		sink = tt_sink_stats_new(stdout, opts.by, opts.json);
	} else if (opts.format == FMT_CURL) {
		sink = tt_sink_curl_new(stdout);
	} else if (opts.format == FMT_HAR) {
		sink = tt_sink_har_new(stdout);
	} else if (opts.format == FMT_OTLP) {
		sink = tt_sink_otlp_new(stdout);
	} else if (opts.format == FMT_PCAPNG) {
		struct tt_sink_pcapng_opts pco = {.in_fd = fd,
						  .in_name = name,
						  .out = stdout,
						  .all = tt_filter_empty(opts.filter),
						  .stop = &stop};
		sink = tt_sink_pcapng_new(&pco);
	} else {
		sink = opts.json ? tt_sink_json_new(stdout, &out) : tt_sink_line_new(stdout, &out);
	}
	size_t body_cap = 0;
	if (opts.verbose >= 2 && !opts.write_out)
		body_cap = opts.body_show * 4 > 65536 ? opts.body_show * 4 : 65536;
	if (opts.format == FMT_CURL || opts.format == FMT_HAR) /* whole bodies, up to a cap */
		body_cap = opts.body_max_set ? opts.body_show : EXPORT_BODY_CAP;
	if (opts.serve) /* the page shows bodies */
		body_cap = TT_SERVE_BODY_CAP;
	if (tt_filter_needs_bodies(opts.filter) && body_cap < 65536)
		body_cap = 65536;
	/* headers: only for the views that show, match or export them (chains read the trace id
	 * headers: they run for JSON, --trace and OTLP, which keep them) */
	int few_headers = !opts.verbose && !opts.json && !opts.trace && !opts.format &&
			  !opts.serve && !tt_filter_needs_headers(opts.filter);
	struct tt_pipeline_opts po = {.live = live,
				      .body_cap = body_cap,
				      .few_headers = few_headers,
				      .redact = opts.redact,
				      /* --trace filters traces, not spans: its sink applies the filter */
				      .filter = opts.trace ? NULL : opts.filter,
				      /* spans are both ends: OTLP keeps them all */
				      .one_side = (opts.stats || (opts.format && opts.format != FMT_OTLP)) &&
						  !opts.side_set,
				      /* the views that show trace ids or trees */
				      .chains = opts.json || opts.trace || opts.format == FMT_OTLP ||
						opts.serve};
	if (!sink || !(pl = tt_pipeline_new(&po, sink))) {
		fprintf(stderr, PROG ": out of memory\n");
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	if (opts.serve)
		tt_serve_set_pipeline(sink, pl);

	if (!in && !(rd = tt_reader_open_fd(fd, name))) {
		fprintf(stderr, PROG ": %s\n", tt_reader_open_error());
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	if (rd && !live && threads_available() > 1)
		tt_reader_set_prefetch(rd, PREFETCH_BLOCKS); /* a pipe says no: read in this thread */
	const struct tt_file_info *fi = in ? tt_input_info(in) : tt_reader_info(rd);
	tt_filter_set_host(opts.filter, fi->hostname);
	tt_pipeline_begin(pl, fi);
	int64_t sw = 0, uw = 0; /* --since/--until, wall ns (0: not given) */
	if (opts.since.set || opts.until.set) {
		uint64_t s = 0, u = 0;
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
			s = tt_pipeline_boot_ns(pl, sw);
		if (opts.until.set)
			u = tt_pipeline_boot_ns(pl, uw);
		if (opts.since.set && !s)
			s = 1;
		if (opts.until.set && !u)
			u = 1;
		tt_filter_set_time(opts.filter, s, u);
	}

	if (in) {
		/* only the files the window needs are read (and, of a rotated set, opened) */
		char err[1024];
		if (tt_input_scan(in, opts.since.set ? sw : 0, opts.until.set ? uw : 0, err,
				  sizeof(err)) < 0) {
			fprintf(stderr, PROG ": %s\n", err);
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
		errors = tt_pipeline_read_input(pl, in, &stop, print_error, NULL);
	} else
		errors = tt_pipeline_read(pl, rd, fd, &stop, print_error, NULL);
	/* -w: the sink's end() makes the copy; its report follows the summary of what matched */
	tt_pipeline_finish(pl);
	fflush(stdout);
	if (!opts.quiet)
		summary(pl, rd, in, errors);
	if (errors)
		ret = EXIT_RUNTIME;
	if (opts.serve && !stop) {
		if (!opts.quiet)
			fprintf(stderr, PROG ": the input is read; still serving %s (Ctrl-C stops)\n",
				tt_serve_url(sink));
		serve_until_stopped();
	}
	if (opts.write_out && !stop) {
		int wret = write_report(sink);
		if (wret != EXIT_OK)
			ret = wret;
	}
	if (opts.format == FMT_PCAPNG && !stop) {
		struct tt_sink_pcapng_report pr;
		tt_sink_pcapng_report(sink, &pr);
		if (pr.err[0]) {
			fprintf(stderr, PROG ": --format pcapng: %s\n", pr.err);
			ret = EXIT_RUNTIME;
		} else if (!opts.quiet) {
			fprintf(stderr,
				PROG ": pcapng: %" PRIu64 " packets of %" PRIu64
				     " connections (synthesized from the socket calls)",
				pr.packets, pr.connections);
			if (pr.unix_skipped)
				fprintf(stderr, ", %" PRIu64 " unix sockets left out", pr.unix_skipped);
			fputc('\n', stderr);
		}
	}

cleanup:
	if (opts.serve && sink)
		tt_serve_stop(sink); /* its threads read transactions that borrow from pl */
	tt_pipeline_free(pl);
	tt_sink_free(sink);
	tt_reader_free(rd);
	tt_input_free(in);
	if (fd > STDIN_FILENO)
		close(fd);
	tt_filter_free(opts.filter);
	serve_argv_free(sargv, argc, argv);
	return ret;
}
