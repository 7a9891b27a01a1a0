// SPDX-License-Identifier: MIT
/*
 * gen_chain - write testdata/chain.tinytap: request chains for the chain stage's golden tests
 * (analyze/chains.h), every rule and every case it must not guess.
 *
 *   1. thread per request: curl (pid 100) -> api (pid 200, worker thread 201) -> users (pid 300),
 *      then api -> cache (pid 310) on the same thread, then api answers: connection links
 *      (client -> server of each request) and thread links (api's two calls -> api's request).
 *   2. an event loop (pid 400, one thread) serving two requests at once, each making one call
 *      with the X-Request-Id it received: linked by request-id, not by thread.
 *   3. the same event loop, two requests at once without ids: their calls stay roots.
 *   4. two hosts: a client (pid 600) calls 10.0.0.2:7000 with a traceparent; on "the other host"
 *      a server (pid 500) receives the very same traceparent from 10.0.0.1: linked by
 *      traceparent (the two ends are different sockets of different machines).
 *   5. a request whose thread hands it to another thread to answer: no thread link for calls.
 *   6. the event loop again: a call made while two requests are open that ends after one of them
 *      is answered (only the other one contains it in time, but a loop may make it for either):
 *      a root, not a thread link.
 *
 *   gen_chain FILE|-
 *   gen_chain --hosts DIR   two recordings of one exchange, one per host: DIR/web1.tinytap (host
 *                           "web1": a client, pid 600) and DIR/web2.tinytap (host "web2", booted
 *                           an hour later: the server, pid 600 too, its sockets numbered like
 *                           web1's), for merging; the server's view lies 40 us into the
 *                           client's in wall time, and the same traceparent links them.
 * Exit status: 0 ok, 1 write error, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tests/lib/ttgen.h"

static struct tt_gen *g;

static void send(const struct tt_gen_pair *p, enum tt_gen_to to, const char *s)
{
	tt_gen_send(g, p, to, s, strlen(s));
}

/* A pair whose client end is thread ctid of cpid and server end thread stid of spid. */
static struct tt_gen_pair pair(uint64_t id, uint32_t cpid, uint32_t ctid, uint16_t cport,
			       uint32_t spid, uint32_t stid, uint16_t sport)
{
	struct tt_gen_pair p;
	tt_gen_pair_tcp(&p, 1000 + id * 2, cpid, cport, 1001 + id * 2, spid, sport);
	p.client.conn.tid = ctid;
	p.server.conn.tid = stid;
	tt_gen_pair_connect(g, &p);
	return p;
}

static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

static void thread_per_request(void)
{
	struct tt_gen_pair a = pair(1, 100, 100, 40001, 200, 201, 8080);
	send(&a, TT_GEN_TO_SERVER, "GET /orders HTTP/1.1\r\nHost: api\r\n\r\n");
	tt_gen_tick(g, 200);
	struct tt_gen_pair b = pair(2, 200, 201, 41001, 300, 300, 9000);
	send(&b, TT_GEN_TO_SERVER, "GET /users/7 HTTP/1.1\r\nHost: users\r\n\r\n");
	tt_gen_tick(g, 300);
	send(&b, TT_GEN_TO_CLIENT, ok);
	struct tt_gen_pair c = pair(3, 200, 201, 41002, 310, 310, 9100);
	send(&c, TT_GEN_TO_SERVER, "GET /cache/orders HTTP/1.1\r\nHost: cache\r\n\r\n");
	send(&c, TT_GEN_TO_CLIENT, ok);
	tt_gen_tick(g, 100);
	send(&a, TT_GEN_TO_CLIENT, ok);
	tt_gen_pair_close(g, &b);
	tt_gen_pair_close(g, &c);
	tt_gen_pair_close(g, &a);
}

/* Two requests read by one thread before either is answered, each making one call. */
static void event_loop(uint64_t base, const char *id1, const char *id2)
{
	char r1[256], r2[256], o1[256], o2[256];
	snprintf(r1, sizeof(r1), "GET /a HTTP/1.1\r\nHost: loop\r\n%s%s%s\r\n", id1 ? "X-Request-Id: " : "",
		 id1 ? id1 : "", id1 ? "\r\n" : "");
	snprintf(r2, sizeof(r2), "GET /b HTTP/1.1\r\nHost: loop\r\n%s%s%s\r\n", id2 ? "X-Request-Id: " : "",
		 id2 ? id2 : "", id2 ? "\r\n" : "");
	snprintf(o1, sizeof(o1), "GET /users/1 HTTP/1.1\r\nHost: users\r\n%s%s%s\r\n",
		 id1 ? "X-Request-Id: " : "", id1 ? id1 : "", id1 ? "\r\n" : "");
	snprintf(o2, sizeof(o2), "GET /users/2 HTTP/1.1\r\nHost: users\r\n%s%s%s\r\n",
		 id2 ? "X-Request-Id: " : "", id2 ? id2 : "", id2 ? "\r\n" : "");
	struct tt_gen_pair a = pair(base, 110, 110, (uint16_t)(42000 + base), 400, 400, 8200);
	struct tt_gen_pair b = pair(base + 1, 111, 111, (uint16_t)(42001 + base), 400, 400, 8200);
	send(&a, TT_GEN_TO_SERVER, r1);
	send(&b, TT_GEN_TO_SERVER, r2);
	struct tt_gen_pair c = pair(base + 2, 400, 400, (uint16_t)(43000 + base), 300, 300, 9000);
	struct tt_gen_pair d = pair(base + 3, 400, 400, (uint16_t)(43001 + base), 300, 300, 9000);
	send(&c, TT_GEN_TO_SERVER, o1);
	send(&d, TT_GEN_TO_SERVER, o2);
	send(&d, TT_GEN_TO_CLIENT, ok);
	send(&c, TT_GEN_TO_CLIENT, ok);
	send(&b, TT_GEN_TO_CLIENT, ok);
	send(&a, TT_GEN_TO_CLIENT, ok);
	tt_gen_pair_close(g, &c);
	tt_gen_pair_close(g, &d);
	tt_gen_pair_close(g, &a);
	tt_gen_pair_close(g, &b);
}

static void loop_straddle(void)
{
	struct tt_gen_pair a = pair(30, 110, 110, 42100, 400, 400, 8200);
	send(&a, TT_GEN_TO_SERVER, "GET /p HTTP/1.1\r\nHost: loop\r\n\r\n");
	tt_gen_tick(g, 100);
	struct tt_gen_pair b = pair(31, 111, 111, 42101, 400, 400, 8200);
	send(&b, TT_GEN_TO_SERVER, "GET /q HTTP/1.1\r\nHost: loop\r\n\r\n");
	tt_gen_tick(g, 100);
	struct tt_gen_pair c = pair(32, 400, 400, 43100, 300, 300, 9000);
	send(&c, TT_GEN_TO_SERVER, "GET /users/3 HTTP/1.1\r\nHost: users\r\n\r\n");
	tt_gen_tick(g, 100);
	send(&a, TT_GEN_TO_CLIENT, ok);
	tt_gen_tick(g, 100);
	send(&c, TT_GEN_TO_CLIENT, ok);
	send(&b, TT_GEN_TO_CLIENT, ok);
	tt_gen_pair_close(g, &c);
	tt_gen_pair_close(g, &a);
	tt_gen_pair_close(g, &b);
}

static void two_hosts(void)
{
	static const char tp[] = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n";
	char req[256];
	snprintf(req, sizeof(req), "POST /pay HTTP/1.1\r\nHost: pay\r\n%sContent-Length: 0\r\n\r\n", tp);
	/* this host's client, the remote server not recorded */
	struct tt_gen_pair out;
	tt_gen_pair_tcp(&out, 2001, 600, 45000, 0, 0, 7000);
	memcpy(out.client.conn.local.addr, "\x0a\0\0\x01", 4);
	memcpy(out.client.conn.remote.addr, "\x0a\0\0\x02", 4);
	/* the other host's server, its client not recorded */
	struct tt_gen_pair in;
	tt_gen_pair_tcp(&in, 0, 0, 45000, 3001, 500, 7000);
	memcpy(in.server.conn.local.addr, "\x0a\0\0\x02", 4);
	memcpy(in.server.conn.remote.addr, "\x0a\0\0\x03", 4); /* behind a NAT: not mirrored */
	tt_gen_pair_connect(g, &out);
	tt_gen_pair_connect(g, &in);
	send(&out, TT_GEN_TO_SERVER, req);
	send(&in, TT_GEN_TO_SERVER, req);
	send(&in, TT_GEN_TO_CLIENT, ok);
	send(&out, TT_GEN_TO_CLIENT, ok);
	tt_gen_pair_close(g, &out);
	tt_gen_pair_close(g, &in);
}

static void handed_over(void)
{
	/* read by thread 701, answered by thread 702: which thread worked for it is not known */
	struct tt_gen_pair a = pair(40, 120, 120, 44001, 700, 701, 8300);
	send(&a, TT_GEN_TO_SERVER, "GET /queued HTTP/1.1\r\nHost: q\r\n\r\n");
	struct tt_gen_pair b = pair(41, 700, 701, 44002, 300, 300, 9000);
	send(&b, TT_GEN_TO_SERVER, "GET /users/9 HTTP/1.1\r\nHost: users\r\n\r\n");
	send(&b, TT_GEN_TO_CLIENT, ok);
	a.server.conn.tid = 702;
	send(&a, TT_GEN_TO_CLIENT, ok);
	tt_gen_pair_close(g, &b);
	tt_gen_pair_close(g, &a);
}

/* One host's side of a call to the other host. */
static int host_file(const char *dir, const char *host, uint64_t boot, int server)
{
	char path[4096];
	struct tt_file_info fi;
	snprintf(path, sizeof(path), "%s/%s.tinytap", dir, host);
	tt_gen_file_info(&fi, "ttgen", NULL);
	snprintf(fi.hostname, sizeof(fi.hostname), "%s", host);
	fi.start_boot_ns = boot;
	struct tt_gen *h = tt_gen_open(path, &fi, NULL);
	if (!h)
		return -1;
	static const char req[] = "POST /pay HTTP/1.1\r\nHost: pay\r\ntraceparent: "
				  "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
				  "Content-Length: 0\r\n\r\n";
	struct tt_gen_sock s = {.wr_sys = TT_SYS_WRITE, .rd_sys = TT_SYS_READ};
	struct tt_rec_conn *c = &s.conn;
	c->sock_id = 4242;
	c->pid = c->tid = 600;
	c->fd = 7;
	c->sock_type = 1;
	c->protocol = 6;
	c->role = server ? TT_ROLE_SERVER : TT_ROLE_CLIENT;
	c->origin = server ? TT_ORIGIN_ACCEPT : TT_ORIGIN_CONNECT;
	c->local.family = c->remote.family = TT_AF_INET;
	memcpy(c->local.addr, server ? "\x0a\0\0\x02" : "\x0a\0\0\x01", 4);
	memcpy(c->remote.addr, server ? "\x0a\0\0\x01" : "\x0a\0\0\x02", 4);
	c->local.port = server ? 7000 : 45000;
	c->remote.port = server ? 45000 : 7000;
	tt_gen_process(h, 600, 1, server ? "pay" : "shop", server ? "/srv/pay" : "/srv/shop");
	uint64_t t0 = boot + 100000000; /* 100 ms in */
	tt_gen_set_now(h, t0);
	tt_gen_sock_conn(h, &s);
	/* the client writes at +0, the server reads at +40 us, answers at +200 us, the client
	 * reads at +260 us */
	tt_gen_set_now(h, t0 + (server ? 40000 : 10000));
	if (server)
		tt_gen_read(h, &s, req, strlen(req));
	else
		tt_gen_write(h, &s, req, strlen(req));
	tt_gen_set_now(h, t0 + (server ? 200000 : 260000));
	if (server)
		tt_gen_write(h, &s, ok, strlen(ok));
	else
		tt_gen_read(h, &s, ok, strlen(ok));
	tt_gen_tick(h, 100);
	tt_gen_sock_close(h, &s);
	tt_gen_end(h, NULL);
	return tt_gen_close(h);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--hosts")) {
		int rc = host_file(argv[2], "web1", TT_GEN_BOOT_NS, 0);
		if (!rc) /* web2 booted an hour after web1: the same wall clock, another boot clock */
			rc = host_file(argv[2], "web2", TT_GEN_BOOT_NS - 3600000000000ull, 1);
		if (rc) {
			fprintf(stderr, "gen_chain: %s: %s\n", argv[2], strerror(rc < 0 ? -rc : errno));
			return 1;
		}
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: gen_chain FILE|- | --hosts DIR\n");
		return 2;
	}
	if (!(g = tt_gen_open(argv[1], NULL, NULL))) {
		perror("gen_chain");
		return 1;
	}
	tt_gen_process(g, 100, 1, "curl", "/usr/bin/curl");
	tt_gen_process(g, 110, 1, "curl", "/usr/bin/curl");
	tt_gen_process(g, 111, 1, "curl", "/usr/bin/curl");
	tt_gen_process(g, 120, 1, "curl", "/usr/bin/curl");
	tt_gen_process(g, 200, 1, "api", "/srv/api");
	tt_gen_process(g, 300, 1, "users", "/srv/users");
	tt_gen_process(g, 310, 1, "cache", "/srv/cache");
	tt_gen_process(g, 400, 1, "loop", "/srv/loop");
	tt_gen_process(g, 500, 1, "pay", "/srv/pay");
	tt_gen_process(g, 600, 1, "shop", "/srv/shop");
	tt_gen_process(g, 700, 1, "queue", "/srv/queue");
	tt_gen_tick(g, 1000);
	thread_per_request();
	tt_gen_tick(g, 10000);
	event_loop(10, "req-aaa", "req-bbb");
	tt_gen_tick(g, 10000);
	event_loop(20, NULL, NULL);
	tt_gen_tick(g, 10000);
	two_hosts();
	tt_gen_tick(g, 10000);
	handed_over();
	tt_gen_tick(g, 10000);
	loop_straddle();
	tt_gen_tick(g, 1000);
	tt_gen_end(g, NULL);
	int rc = tt_gen_close(g);
	if (rc < 0) {
		fprintf(stderr, "gen_chain: %s: %s\n", argv[1], strerror(-rc));
		return 1;
	}
	return 0;
}
