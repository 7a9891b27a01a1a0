/* SPDX-License-Identifier: MIT */
/*
 * bench/gen_http.c - writes N realistic HTTP/1.1 transactions as a .tinytap recording and,
 * optionally, the same traffic as a classic pcap (LINKTYPE_RAW, IPv4/TCP with ACKs), so that
 * tinytap-show, zstd -d and tshark can be timed on identical traffic.
 *
 * Usage: gen_http N OUT.tinytap [OUT.pcap]
 *
 * Both ends of every connection are on this machine, as the recorder sees loopback traffic: each
 * transaction is four DATA records (client write, server read, server write, client read).
 * Deterministic (fixed seed), so runs are comparable.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/ttgen.h"

#define CLIENT_PID 4242
#define SERVER_PID 777
#define PER_CONN 50 /* requests per keep-alive connection */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static FILE *pcap;
static uint32_t seq[2];

static void pcap_put(uint64_t ts_ns, int from_client, uint16_t cport, const void *data, uint32_t len,
		     uint32_t ackno)
{
	uint8_t pkt[20 + 20];
	uint32_t rec[4];
	uint32_t total = sizeof(pkt) + len;

	rec[0] = (uint32_t)(ts_ns / 1000000000ull);
	rec[1] = (uint32_t)(ts_ns % 1000000000ull / 1000);
	rec[2] = total;
	rec[3] = total;
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)(total >> 8);
	pkt[3] = (uint8_t)total;
	pkt[8] = 64;
	pkt[9] = 6;
	pkt[12] = 127, pkt[15] = 1, pkt[16] = 127, pkt[19] = 1;
	uint16_t sp = from_client ? cport : 8080, dp = from_client ? 8080 : cport;
	pkt[20] = (uint8_t)(sp >> 8), pkt[21] = (uint8_t)sp;
	pkt[22] = (uint8_t)(dp >> 8), pkt[23] = (uint8_t)dp;
	uint32_t s = htonl(seq[!from_client]), a = htonl(ackno);
	memcpy(pkt + 24, &s, 4);
	memcpy(pkt + 28, &a, 4);
	pkt[32] = 5 << 4;
	pkt[33] = len ? 0x18 : 0x10; /* PSH|ACK or ACK */
	pkt[34] = 0xff, pkt[35] = 0xff;
	seq[!from_client] += len;
	fwrite(rec, sizeof(rec), 1, pcap);
	fwrite(pkt, sizeof(pkt), 1, pcap);
	if (len)
		fwrite(data, len, 1, pcap);
}

/* Loopback segments are at most 64 KiB; our messages are smaller, so one segment plus an ACK. */
static void pcap_msg(uint64_t ts, int from_client, uint16_t cport, const char *m, uint32_t len)
{
	if (!pcap)
		return;
	pcap_put(ts, from_client, cport, m, len, seq[from_client ? 1 : 0]);
	pcap_put(ts + 20000, !from_client, cport, NULL, 0, seq[from_client ? 0 : 1]);
}

static const char *paths[] = {"/api/v1/users", "/api/v1/orders", "/static/app.js", "/healthz",
			      "/api/v1/cart/items", "/index.html", "/api/v1/search"};
static const char *agents[] = {"curl/7.88.1", "python-requests/2.31.0",
			       "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"};

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: gen_http N OUT.tinytap [OUT.pcap]\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
	int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (n <= 0 || fd < 0) {
		fprintf(stderr, "gen_http: bad N or cannot open %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (argc > 3) {
		pcap = fopen(argv[3], "wb");
		if (!pcap) {
			fprintf(stderr, "gen_http: %s: %s\n", argv[3], strerror(errno));
			return 1;
		}
		uint32_t gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 101};
		fwrite(gh, sizeof(gh), 1, pcap);
	}
	struct tt_file_info info = {0};
	snprintf(info.hostname, sizeof(info.hostname), "bench");
	snprintf(info.kernel, sizeof(info.kernel), "6.18");
	snprintf(info.recorder, sizeof(info.recorder), "gen_http");
	info.start_wall_ns = 1764000000000000000ll;
	info.start_boot_ns = 1000;
	struct tt_gen *g = tt_gen_open_fd(fd, &info, NULL);
	if (!g) {
		fprintf(stderr, "gen_http: writer: %s\n", strerror(errno));
		return 1;
	}
	/* the clock is set for each record below; calls take 3 us, the server's CONN 1 us after */
	tt_gen_pace(g)->call_us = 3;
	tt_gen_pace(g)->conn_us = 1;
	tt_gen_clock_sync(g, info.start_wall_ns, 0);
	tt_gen_process(g, CLIENT_PID, 1, "loadgen", "/usr/bin/loadgen");
	tt_gen_process(g, SERVER_PID, 1, "nginx", "/usr/sbin/nginx");

	static char req[2048], resp[8192], body[4096];
	uint64_t ts = 2000000;
	uint64_t sock = 100000;
	uint16_t cport = 40000;
	struct tt_gen_pair p;
	for (long i = 0; i < n && !tt_gen_error(g); i++) {
		if (i % PER_CONN == 0) {
			sock += 2;
			cport = (uint16_t)(40000 + (i / PER_CONN) % 20000);
			tt_gen_pair_tcp(&p, sock, CLIENT_PID, cport, sock + 1, SERVER_PID, 8080);
			p.server.conn.fd = 9;
			p.client.wr_sys = TT_SYS_SENDTO;
			p.server.rd_sys = TT_SYS_RECVFROM;
			p.server.wr_sys = TT_SYS_WRITEV;
			tt_gen_set_now(g, ts);
			tt_gen_pair_connect(g, &p);
		}
		const char *path = paths[rnd() % 7];
		int status = rnd() % 100 == 0 ? 503 : (rnd() % 20 == 0 ? 404 : 200);
		int blen = snprintf(body, sizeof(body),
				    "{\"id\":%ld,\"items\":[{\"sku\":\"A-%u\",\"qty\":%u},"
				    "{\"sku\":\"B-%u\",\"qty\":%u}],\"total\":%u.%02u}\n",
				    i, rnd() % 10000, rnd() % 9, rnd() % 10000, rnd() % 9, rnd() % 500,
				    rnd() % 100);
		int rl = snprintf(req, sizeof(req),
				  "GET %s?page=%u HTTP/1.1\r\nHost: api.internal:8080\r\n"
				  "User-Agent: %s\r\nAccept: application/json\r\n"
				  "X-Request-Id: %08x-%04x\r\n\r\n",
				  path, rnd() % 50, agents[rnd() % 3], rnd(), rnd() & 0xffff);
		int sl = snprintf(resp, sizeof(resp),
				  "HTTP/1.1 %d %s\r\nServer: nginx/1.22.1\r\n"
				  "Date: Wed, 25 Nov 2026 10:00:%02ld GMT\r\n"
				  "Content-Type: application/json\r\nContent-Length: %d\r\n"
				  "Connection: keep-alive\r\n\r\n%s",
				  status, status == 200 ? "OK" : status == 404 ? "Not Found" : "Service Unavailable",
				  i % 60, blen, body);
		uint64_t lat = 80000 + rnd() % 400000;
		tt_gen_set_now(g, ts);
		tt_gen_write(g, &p.client, req, (size_t)rl);
		tt_gen_set_now(g, ts + 15000);
		tt_gen_read(g, &p.server, req, (size_t)rl);
		pcap_msg(ts, 1, cport, req, (uint32_t)rl);
		tt_gen_set_now(g, ts + lat);
		tt_gen_write(g, &p.server, resp, (size_t)sl);
		tt_gen_set_now(g, ts + lat + 12000);
		tt_gen_read(g, &p.client, resp, (size_t)sl);
		pcap_msg(ts + lat, 0, cport, resp, (uint32_t)sl);
		ts += lat + 50000;
		tt_gen_set_now(g, ts);
		if (i % 100000 == 0)
			tt_gen_writer_tick(g);
	}
	tt_gen_end(g, &(struct tt_rec_stats){.events = (uint64_t)n * 4});
	int err = tt_gen_close(g);
	if (err) {
		fprintf(stderr, "gen_http: %s: %s\n", argv[2], strerror(-err));
		return 1;
	}
	if (close(fd) || (pcap && fclose(pcap))) {
		fprintf(stderr, "gen_http: close: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
