/* SPDX-License-Identifier: MIT */
/*
 * bench/loadgen.c - a loopback TCP load generator for the capture-capacity benchmark.
 *
 * Usage: loadgen PORT SIZE RATE SECONDS
 *   Starts a reader on 127.0.0.1:PORT, connects to it and write()s SIZE-byte payloads at RATE
 *   writes per second (0 = as fast as possible) for SECONDS, then prints one line:
 *   "size=S rate=R writes=N bytes=B seconds=T mbps=X wps=Y"
 * Both ends are this process (a thread reads), so a recorder filtered on PORT sees both.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *reader(void *arg)
{
	int fd = *(int *)arg;
	static char buf[1 << 20];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: loadgen PORT SIZE RATE SECONDS\n");
		return 2;
	}
	int port = atoi(argv[1]);
	long size = atol(argv[2]), rate = atol(argv[3]);
	double secs = atof(argv[4]);
	if (port <= 0 || port > 65535 || size <= 0 || size > (64l << 20) || rate < 0 || secs <= 0 ||
	    secs > 600) {
		fprintf(stderr, "loadgen: bad arguments\n");
		return 2;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1)) {
		perror("loadgen: bind");
		return 1;
	}
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("loadgen: connect");
		return 1;
	}
	int s = accept(ls, NULL, NULL);
	pthread_t th;
	pthread_create(&th, NULL, reader, &s);
	char *buf = malloc((size_t)size);
	for (long i = 0; i < size; i++)
		buf[i] = (char)("GET /abcdefghijklmnopqrstuvwxyz0123456789\r\n"[i % 42]);
	double t0 = now(), end = t0 + secs;
	long writes = 0;
	long long bytes = 0;
	while (now() < end) {
		/* batches of up to 1 ms worth of writes, then sleep until the schedule catches up */
		long batch = rate ? (rate / 1000 > 0 ? rate / 1000 : 1) : 64;
		for (long b = 0; b < batch; b++) {
			ssize_t off = 0;
			while (off < size) {
				ssize_t n = write(c, buf + off, (size_t)(size - off));
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					perror("loadgen: write");
					return 1;
				}
				off += n;
			}
			writes++;
			bytes += size;
		}
		if (rate) {
			double due = t0 + (double)writes / (double)rate;
			double d = due - now();
			if (d > 0) {
				struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
				nanosleep(&ts, NULL);
			}
		}
	}
	double t = now() - t0;
	shutdown(c, SHUT_WR);
	pthread_join(th, NULL);
	printf("size=%ld rate=%ld writes=%ld bytes=%lld seconds=%.3f mbps=%.1f wps=%.0f\n", size, rate,
	       writes, bytes, t, (double)bytes / t / 1e6, (double)writes / t);
	return 0;
}
