/* SPDX-License-Identifier: MIT */
/*
 * bench/httprate.c - a constant-rate (open-loop, wrk2-style) HTTP/1.1 load generator for the
 * fixed-rate benchmark, because `wrk -R` is not in Debian and h2load --rps reports no percentiles.
 *
 * Usage: httprate HOST:PORT PATH RATE SECONDS [CONNS]
 *   Sends "GET PATH HTTP/1.1" on CONNS (default 16) keep-alive connections to HOST:PORT (an IPv4
 *   address, meant for 127.0.0.1) at RATE requests per second for SECONDS, then waits up to 2 s
 *   for the last responses and prints one line:
 *   "rate=R sent=N done=N errors=E unanswered=U seconds=T achieved=X p50_ms=.. p90_ms=..
 *    p99_ms=.. p999_ms=.. max_ms=.. cpu_s=C"
 *   (cpu_s: this process's own user+system CPU seconds). Exits 1 if requests are left unanswered.
 *
 * Request i is due at t0 + i/RATE. It goes on a connection with no request outstanding; if none
 * is free it waits for one, and its latency is still counted from its due time (no coordinated
 * omission). Latencies go to a log-linear histogram (128 buckets per power of two: < 0.8 % error).
 * Responses are parsed only to find their end: Content-Length is required (nginx sends it),
 * chunked responses are refused. A non-2xx status, or a connection lost with a request
 * outstanding, counts as an error; "Connection: close" (nginx's keepalive_requests) and an idle
 * connection closed by the server are followed by a new connection. No busy-waiting: the loop
 * sleeps in epoll_pwait2() until the next due time or a response, so its CPU use stays small and
 * does not distort that of the processes being measured.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define USAGE	 "usage: httprate HOST:PORT PATH RATE SECONDS [CONNS]"
#define DRAIN_NS 2000000000ll /* how long to wait for the last responses */
#define BUF_SIZE 16384	      /* per connection: a response header must fit */

#define SUB_BITS 7
#define SUB	 (1 << SUB_BITS)
#define NBUCKETS ((64 - SUB_BITS + 1) * SUB)

enum { C_DEAD, C_CONNECTING, C_IDLE, C_BUSY };

struct conn {
	int fd;
	int state;
	int in_free;	   /* on the free list (state may have changed since) */
	int close_after;   /* the response being read said "Connection: close" */
	int status;	   /* of the response being read */
	int pollout;	   /* EPOLLOUT asked for: the request did not fit in one send() */
	uint32_t gen;	   /* bumped on every (re)connect: events of a closed socket are stale */
	int64_t due;	   /* due time of the outstanding request (ns) */
	size_t woff;	   /* bytes of the request written */
	size_t len;	   /* bytes in buf */
	int64_t body_left; /* body bytes still to come; -1: reading the header */
	char buf[BUF_SIZE];
};

static struct sockaddr_in sa;
static struct conn *conns;
static int nconns, ep, *freel, nfree, ndead;
static char req[4096];
static size_t reqlen;
static uint64_t hist[NBUCKETS];
static int64_t max_lat, last_done;
static long done, errors, failed;
static int timeout_ms_only; /* epoll_pwait2() missing (kernel < 5.11): millisecond sleeps */

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static unsigned bucket(uint64_t v)
{
	if (v < 2 * SUB)
		return (unsigned)v;
	int e = 63 - __builtin_clzll(v) - SUB_BITS;
	return (unsigned)((e + 1) * SUB + (int)((v >> e) - SUB));
}

/* the middle of bucket b */
static uint64_t bucket_value(unsigned b)
{
	if (b < 2 * SUB)
		return b;
	int e = (int)(b / SUB) - 1;
	uint64_t low = (uint64_t)(b % SUB + SUB) << e;
	return low + ((1ull << e) - 1) / 2;
}

static double percentile_ms(double q)
{
	uint64_t rank = (uint64_t)(q * (double)done + 0.999999), seen = 0;
	if (!done)
		return 0;
	if (rank < 1)
		rank = 1;
	for (unsigned b = 0; b < NBUCKETS; b++) {
		seen += hist[b];
		if (seen >= rank) {
			uint64_t v = bucket_value(b);
			return (double)(v > (uint64_t)max_lat ? (uint64_t)max_lat : v) / 1e6;
		}
	}
	return (double)max_lat / 1e6;
}

static void put_free(struct conn *c)
{
	if (!c->in_free) {
		c->in_free = 1;
		freel[nfree++] = (int)(c - conns);
	}
}

static struct conn *get_free(void)
{
	while (nfree > 0) {
		struct conn *c = &conns[freel[--nfree]];
		c->in_free = 0;
		if (c->state == C_IDLE)
			return c;
	}
	return NULL;
}

static struct epoll_event conn_ev(struct conn *c, uint32_t events)
{
	struct epoll_event ev = {.events = events,
				 .data.u64 = (uint64_t)c->gen << 32 | (uint32_t)(c - conns)};
	return ev;
}

static void want(struct conn *c, uint32_t events)
{
	struct epoll_event ev = conn_ev(c, events);
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	c->pollout = !!(events & EPOLLOUT);
}

/* (re)connects c; initial: blocking, and a failure is fatal */
static int conn_open(struct conn *c, int initial)
{
	int one = 1;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (initial ? 0 : SOCK_NONBLOCK), 0);
	c->len = 0;
	c->body_left = -1;
	c->close_after = 0;
	c->pollout = 0;
	c->gen++;
	if (c->fd < 0)
		goto fail;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->state = C_IDLE;
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (initial || errno != EINPROGRESS)
			goto fail;
		c->state = C_CONNECTING;
	}
	if (initial && fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK))
		goto fail;
	struct epoll_event ev = conn_ev(c, EPOLLIN | (c->state == C_CONNECTING ? EPOLLOUT : 0));
	if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev))
		goto fail;
	if (c->state == C_IDLE)
		put_free(c);
	return 0;
fail:
	if (initial) {
		char a[INET_ADDRSTRLEN];
		fprintf(stderr, "httprate: connect %s:%d: %s\n",
			inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a)), ntohs(sa.sin_port),
			strerror(errno));
		exit(1);
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = C_DEAD;
	ndead++;
	errors++;
	return -1;
}

/* c is lost (error, or closed by the server): a request outstanding on it failed; reconnect */
static void conn_lost(struct conn *c)
{
	if (c->state == C_BUSY) {
		failed++;
		errors++;
	}
	close(c->fd);
	conn_open(c, 0);
}

/* writes the rest of the request; EPOLLOUT only while it does not fit */
static void conn_write(struct conn *c)
{
	while (c->woff < reqlen) {
		ssize_t n = send(c->fd, req + c->woff, reqlen - c->woff, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (!c->pollout)
				want(c, EPOLLIN | EPOLLOUT);
			return;
		}
		if (n <= 0) {
			conn_lost(c);
			return;
		}
		c->woff += (size_t)n;
	}
	if (c->pollout)
		want(c, EPOLLIN);
}

static void send_req(struct conn *c, int64_t due)
{
	c->state = C_BUSY;
	c->due = due;
	c->woff = 0;
	conn_write(c);
}

/* a response is complete; 1 if c was reconnected ("Connection: close") */
static int response_done(struct conn *c)
{
	int64_t t = now_ns(), lat = t - c->due;
	if (lat < 0)
		lat = 0;
	hist[bucket((uint64_t)lat)]++;
	if (lat > max_lat)
		max_lat = lat;
	last_done = t;
	done++;
	if (c->status < 200 || c->status > 299)
		errors++;
	c->state = C_IDLE;
	c->body_left = -1;
	if (c->close_after) {
		close(c->fd);
		conn_open(c, 0);
		return 1;
	}
	put_free(c);
	return 0;
}

/* the header in c->buf[0..hlen): status, Content-Length, Connection; returns the body length */
static int64_t parse_header(struct conn *c, size_t hlen)
{
	char *p = c->buf, *end = c->buf + hlen;
	int64_t clen = -1;
	if (hlen < 12 || strncmp(p, "HTTP/1.", 7)) {
		fprintf(stderr, "httprate: not an HTTP/1.x response: %.20s\n", p);
		exit(1);
	}
	c->status = atoi(p + 9);
	c->close_after = p[7] == '0'; /* HTTP/1.0: closes unless it says keep-alive */
	while ((p = memchr(p, '\n', (size_t)(end - p))) && ++p < end) {
		if (!strncasecmp(p, "Content-Length:", 15)) {
			clen = strtoll(p + 15, NULL, 10);
		} else if (!strncasecmp(p, "Transfer-Encoding:", 18)) {
			fprintf(stderr,
				"httprate: chunked responses are not supported (the server must "
				"send Content-Length)\n");
			exit(1);
		} else if (!strncasecmp(p, "Connection:", 11)) {
			char *v = p + 11;
			while (*v == ' ')
				v++;
			if (!strncasecmp(v, "close", 5))
				c->close_after = 1;
			else if (!strncasecmp(v, "keep-alive", 10))
				c->close_after = 0;
		}
	}
	if (c->status == 204 || c->status == 304 || (c->status >= 100 && c->status < 200))
		return 0;
	if (clen < 0) {
		fprintf(stderr,
			"httprate: a response without Content-Length (status %d): not supported\n",
			c->status);
		exit(1);
	}
	return clen;
}

/* consumes what c->buf holds; 0, or -1 if c was closed (and reconnected) */
static int conn_parse(struct conn *c)
{
	while (c->len) {
		if (c->state != C_BUSY) {
			/* bytes with no request outstanding */
			errors++;
			conn_lost(c);
			return -1;
		}
		if (c->body_left < 0) {
			char *e = memmem(c->buf, c->len, "\r\n\r\n", 4);
			if (!e) {
				if (c->len == sizeof(c->buf)) {
					fprintf(stderr,
						"httprate: a response header over %d bytes\n",
						BUF_SIZE);
					exit(1);
				}
				return 0;
			}
			size_t hlen = (size_t)(e - c->buf) + 4;
			c->body_left = parse_header(c, hlen);
			memmove(c->buf, c->buf + hlen, c->len - hlen);
			c->len -= hlen;
		}
		if ((uint64_t)c->body_left >= c->len) {
			c->body_left -= (int64_t)c->len;
			c->len = 0;
		} else {
			memmove(c->buf, c->buf + c->body_left, c->len - (size_t)c->body_left);
			c->len -= (size_t)c->body_left;
			c->body_left = 0;
		}
		if (c->body_left > 0)
			return 0;
		if (response_done(c))
			return -1;
	}
	return 0;
}

static void conn_event(struct conn *c, uint32_t events)
{
	if (c->state == C_DEAD)
		return;
	if (c->state == C_CONNECTING) {
		int err = 0;
		socklen_t l = sizeof(err);
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err) {
			close(c->fd);
			c->fd = -1;
			c->state = C_DEAD;
			ndead++;
			errors++;
			return;
		}
		c->state = C_IDLE;
		want(c, EPOLLIN);
		put_free(c);
		return;
	}
	if ((events & EPOLLOUT) && c->state == C_BUSY && c->woff < reqlen) {
		conn_write(c);
		if (c->state != C_BUSY)
			return;
	}
	if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		return;
	for (;;) {
		ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n > 0) {
			c->len += (size_t)n;
			if (conn_parse(c))
				return;
			if (c->state == C_IDLE && !c->len)
				return; /* answered: no read() just to hear EAGAIN */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		conn_lost(c); /* EOF or error */
		return;
	}
}

static int wait_events(struct epoll_event *evs, int max, int64_t ns)
{
	if (!timeout_ms_only) {
		struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
		int n = epoll_pwait2(ep, evs, max, &ts, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n;
		timeout_ms_only = 1;
		fprintf(stderr,
			"httprate: no epoll_pwait2(): sleeping in whole milliseconds, requests may "
			"go out up to 1 ms late\n");
	}
	return epoll_wait(ep, evs, max, (int)((ns + 999999) / 1000000));
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fprintf(stderr, USAGE "\n");
		return 2;
	}
	char host[256], *colon, *e1, *e2;
	long rate = strtol(argv[3], &e1, 10);
	double secs = strtod(argv[4], &e2);
	nconns = argc == 6 ? atoi(argv[5]) : 16;
	snprintf(host, sizeof(host), "%s", argv[1]);
	colon = strrchr(host, ':');
	if (!colon || atoi(colon + 1) <= 0 || atoi(colon + 1) > 65535) {
		fprintf(stderr, "httprate: HOST:PORT expected, got '%s' (" USAGE ")\n", argv[1]);
		return 2;
	}
	*colon = 0;
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	if (!strcmp(host, "localhost"))
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr,
			"httprate: HOST must be an IPv4 address such as 127.0.0.1, got '%s'\n",
			host);
		return 2;
	}
	if (argv[2][0] != '/' || strpbrk(argv[2], " \r\n")) {
		fprintf(stderr, "httprate: PATH must start with / and have no spaces, got '%s'\n",
			argv[2]);
		return 2;
	}
	if (*e1 || rate < 1 || rate > 1000000) {
		fprintf(stderr, "httprate: RATE must be 1..1000000 requests/s, got '%s'\n",
			argv[3]);
		return 2;
	}
	if (*e2 || !(secs > 0 && secs <= 600) || (long)((double)rate * secs) < 1) {
		fprintf(
		    stderr,
		    "httprate: SECONDS must be > 0 and <= 600 (and RATE*SECONDS >= 1), got '%s'\n",
		    argv[4]);
		return 2;
	}
	if (nconns < 1 || nconns > 1024) {
		fprintf(stderr, "httprate: CONNS must be 1..1024, got '%s'\n", argv[5]);
		return 2;
	}
	int rl =
	    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", argv[2], argv[1]);
	if (rl < 0 || rl >= (int)sizeof(req)) {
		fprintf(stderr, "httprate: PATH too long\n");
		return 2;
	}
	reqlen = (size_t)rl;
	signal(SIGPIPE, SIG_IGN);
	/* wake at the due time, not up to 50 us later (the default slack): that would be latency */
	prctl(PR_SET_TIMERSLACK, 1000ul, 0ul, 0ul, 0ul);

	ep = epoll_create1(EPOLL_CLOEXEC);
	conns = calloc((size_t)nconns, sizeof(*conns));
	freel = calloc((size_t)nconns, sizeof(*freel));
	if (ep < 0 || !conns || !freel) {
		perror("httprate");
		return 1;
	}
	for (int i = 0; i < nconns; i++)
		conn_open(&conns[i], 1);

	long total = (long)((double)rate * secs), next = 0, sent = 0;
	int64_t t0 = now_ns(), sched_end = t0 + (int64_t)(secs * 1e9),
		deadline = sched_end + DRAIN_NS;
	struct epoll_event evs[256];
	for (;;) {
		int64_t t = now_ns(), due = 0, wake;
		struct conn *c;
		while (next < total && (due = t0 + (int64_t)(next * 1000000000ll / rate)) <= t &&
		       (c = get_free())) {
			send_req(c, due);
			next++;
			sent++;
		}
		if (next == total && done + failed == sent)
			break;
		if (t >= deadline)
			break;
		if (ndead == nconns) {
			fprintf(stderr, "httprate: every connection to %s was lost\n", argv[1]);
			break;
		}
		wake = deadline;
		if (next < total && nfree > 0 && due < wake)
			wake = due;
		int n = wait_events(evs, 256, wake > t ? wake - t : 0);
		if (n < 0 && errno != EINTR) {
			perror("httprate: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			c = &conns[(uint32_t)evs[i].data.u64];
			if ((uint32_t)(evs[i].data.u64 >> 32) == c->gen)
				conn_event(c, evs[i].events);
		}
	}

	double t = (double)((last_done > sched_end ? last_done : sched_end) - t0) / 1e9;
	long unanswered = total - done - failed;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("rate=%ld sent=%ld done=%ld errors=%ld unanswered=%ld seconds=%.3f achieved=%.1f "
	       "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f cpu_s=%.3f\n",
	       rate, sent, done, errors, unanswered, t, (double)done / t, percentile_ms(0.5),
	       percentile_ms(0.9), percentile_ms(0.99), percentile_ms(0.999), (double)max_lat / 1e6,
	       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	fflush(stdout);
	if (unanswered > 0) {
		fprintf(stderr,
			"httprate: %ld of %ld requests unanswered after %.0f s + 2 s (%ld never "
			"sent)\n",
			unanswered, total, secs, total - sent);
		return 1;
	}
	return 0;
}
