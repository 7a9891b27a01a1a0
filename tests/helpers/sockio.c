// SPDX-License-Identifier: MIT
/*
 * tests/helpers/sockio.c - deterministic socket traffic for the recorder's end-to-end tests.
 *
 * A server (forked child) and a client (this process) talk over TCP on 127.0.0.1 and over a unix
 * stream socket. For each syscall family in turn the client sends a known message and the server
 * answers one: write/read, sendto/recvfrom, sendmsg/recvmsg (3 iovecs), writev/readv (4 iovecs),
 * sendmmsg/recvmmsg (3 messages), sendfile (server reads), then one 1 MiB write. Every byte is
 * a function of (connection, phase, direction, offset).
 *
 * Prints one JSON object on stdout: pids, fds, ports, unix path, both byte streams of every
 * connection in hex, and the client's calls (syscall, bytes). Exit 0, or 1 with a message.
 *
 *   sockio [--port N] [--only tcp|unix] [--no-big] [--wait-stdin]
 *     --port N      TCP server port (default: any free one)
 *     --wait-stdin  connect only after a line arrives on stdin (for -p tests)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

enum fam { F_WRITE, F_SENDTO, F_SENDMSG, F_WRITEV, F_SENDMMSG, F_SENDFILE, F_BIG, F_COUNT };

static const char *send_names[] = {"write",    "sendto",   "sendmsg", "writev",
				   "sendmmsg", "sendfile", "write"};
/* bytes client->server, server->client per phase */
static const size_t c2s_len[] = {1000, 20000, 40000, 700, 600, 5000, 1024 * 1024};
static const size_t s2c_len[] = {3000, 50, 300, 33000, 400, 10, 2};

static struct {
	uint16_t port;
	int only; /* 0 both, 1 tcp, 2 unix */
	int no_big;
	int wait_stdin;
} opt;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sockio: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s)\n", strerror(errno));
	exit(1);
}

static void fill(uint8_t *b, size_t n, int conn, int phase, int dir)
{
	uint32_t x = 0x9e3779b9u * (uint32_t)(conn * 64 + phase * 2 + dir + 1);
	size_t i;

	/* Printable-ish pseudo-random bytes, so a failing test's dump is readable. */
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = 'a' + ((x >> 16) % 26);
	}
}

/* The calls the client made, for the JSON. */
struct call {
	const char *name;
	size_t bytes;
};
static struct call calls[2][256];
static int ncalls[2];

static void note(int conn, const char *name, size_t n)
{
	if (ncalls[conn] < 256)
		calls[conn][ncalls[conn]++] = (struct call){name, n};
}

static void split_iov(struct iovec *iov, int n, uint8_t *b, size_t len)
{
	size_t off = 0;
	int i;

	for (i = 0; i < n; i++) {
		size_t part = i == n - 1 ? len - off : len / (size_t)n + (size_t)i * 7;

		if (off + part > len)
			part = len - off;
		iov[i].iov_base = b + off;
		iov[i].iov_len = part;
		off += part;
	}
}

static void send_all(int fd, enum fam f, uint8_t *b, size_t len, int conn, int record)
{
	size_t off = 0;

	while (off < len) {
		ssize_t r = -1;
		size_t left = len - off;

		switch (f) {
		case F_WRITE:
		case F_BIG:
			r = write(fd, b + off, left);
			break;
		case F_SENDTO:
			r = sendto(fd, b + off, left, 0, NULL, 0);
			break;
		case F_SENDMSG: {
			struct iovec iov[3];
			struct msghdr m = {.msg_iov = iov, .msg_iovlen = 3};

			split_iov(iov, 3, b + off, left);
			r = sendmsg(fd, &m, 0);
			break;
		}
		case F_WRITEV: {
			struct iovec iov[4];

			split_iov(iov, 4, b + off, left);
			r = writev(fd, iov, 4);
			break;
		}
		case F_SENDMMSG: {
			struct iovec iov[3];
			struct mmsghdr mm[3] = {};
			int i, n;

			split_iov(iov, 3, b + off, left);
			for (i = 0; i < 3; i++) {
				mm[i].msg_hdr.msg_iov = &iov[i];
				mm[i].msg_hdr.msg_iovlen = 1;
			}
			n = sendmmsg(fd, mm, 3, 0);
			if (n < 0)
				break;
			r = 0;
			for (i = 0; i < n; i++) {
				r += mm[i].msg_len;
				if (record)
					note(conn, "sendmmsg", mm[i].msg_len);
			}
			off += (size_t)r;
			continue;
		}
		case F_SENDFILE: {
			char path[] = "/tmp/sockio.XXXXXX";
			int tfd = mkstemp(path);
			off_t o = 0;

			if (tfd < 0)
				die("mkstemp");
			unlink(path);
			if (write(tfd, b + off, left) != (ssize_t)left)
				die("write temp");
			r = sendfile(fd, tfd, &o, left);
			close(tfd);
			break;
		}
		default:
			break;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("%s", send_names[f]);
		}
		if (record)
			note(conn, send_names[f], (size_t)r);
		off += (size_t)r;
	}
}

static void recv_all(int fd, enum fam f, uint8_t *b, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t r = -1;
		size_t left = len - off;

		switch (f) {
		case F_WRITE:
		case F_SENDFILE:
			r = read(fd, b + off, left);
			break;
		case F_BIG:
			r = read(fd, b + off, left < 65536 ? left : 65536);
			break;
		case F_SENDTO:
			r = recvfrom(fd, b + off, left, 0, NULL, NULL);
			break;
		case F_SENDMSG: {
			struct iovec iov[3];
			struct msghdr m = {.msg_iov = iov, .msg_iovlen = 3};

			split_iov(iov, 3, b + off, left);
			r = recvmsg(fd, &m, 0);
			break;
		}
		case F_WRITEV: {
			struct iovec iov[4];

			split_iov(iov, 4, b + off, left);
			r = readv(fd, iov, 4);
			break;
		}
		case F_SENDMMSG: {
			struct iovec iov[3];
			struct mmsghdr mm[3] = {};
			size_t got = 0;
			int i, n;

			/* On a stream a message takes what is there, so receive one message at a
			 * time into the rest of the buffer: the stream stays contiguous. */
			iov[0].iov_base = b + off;
			iov[0].iov_len = left;
			mm[0].msg_hdr.msg_iov = &iov[0];
			mm[0].msg_hdr.msg_iovlen = 1;
			n = recvmmsg(fd, mm, 1, 0, NULL);
			if (n < 0)
				break;
			for (i = 0; i < n; i++)
				got += mm[i].msg_len;
			r = (ssize_t)got;
			break;
		}
		default:
			break;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("recv for %s", send_names[f]);
		}
		if (r == 0)
			die("unexpected EOF in phase %s", send_names[f]);
		off += (size_t)r;
	}
}

static void run_side(int fd, int conn, int is_client)
{
	static uint8_t want[1024 * 1024], got[1024 * 1024];
	int p;

	for (p = 0; p < F_COUNT; p++) {
		if (p == F_BIG && opt.no_big)
			continue;
		if (is_client) {
			fill(want, c2s_len[p], conn, p, 0);
			send_all(fd, p, want, c2s_len[p], conn, 1);
			recv_all(fd, p == F_SENDFILE ? F_WRITE : p, got, s2c_len[p]);
			fill(want, s2c_len[p], conn, p, 1);
			if (memcmp(got, want, s2c_len[p]))
				die("client: phase %d: wrong bytes from server", p);
		} else {
			recv_all(fd, p, got, c2s_len[p]);
			fill(want, c2s_len[p], conn, p, 0);
			if (memcmp(got, want, c2s_len[p]))
				die("server: phase %d: wrong bytes from client", p);
			fill(want, s2c_len[p], conn, p, 1);
			/* The server answers a sendfile with a plain write. */
			send_all(fd, p == F_SENDFILE ? F_WRITE : p, want, s2c_len[p], conn, 0);
		}
	}
}

static void print_hex_stream(int conn, int dir)
{
	static uint8_t b[1024 * 1024];
	int p;
	size_t i;

	putchar('"');
	for (p = 0; p < F_COUNT; p++) {
		size_t n = dir ? s2c_len[p] : c2s_len[p];

		if (p == F_BIG && opt.no_big)
			continue;
		fill(b, n, conn, p, dir);
		for (i = 0; i < n; i++)
			printf("%02x", b[i]);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	int i, tcp_l = -1, unix_l = -1, cfd[2] = {-1, -1}, sfd[2] = {-1, -1}, st_pipe[2];
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	socklen_t sl = sizeof(sin);
	uint16_t sport = 0, cport = 0;
	pid_t server;
	int status;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--port") && i + 1 < argc)
			opt.port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			opt.only = !strcmp(argv[++i], "tcp") ? 1 : 2;
		else if (!strcmp(argv[i], "--no-big"))
			opt.no_big = 1;
		else if (!strcmp(argv[i], "--wait-stdin"))
			opt.wait_stdin = 1;
		else {
			fprintf(stderr, "usage: sockio [--port N] [--only tcp|unix] [--no-big] "
					"[--wait-stdin]\n");
			return 2;
		}
	}
	alarm(30);
	signal(SIGPIPE, SIG_IGN);

	if (opt.only != 2) {
		int one = 1;

		tcp_l = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(tcp_l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons(opt.port);
		if (tcp_l < 0 || bind(tcp_l, (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(tcp_l, 4) || getsockname(tcp_l, (struct sockaddr *)&sin, &sl))
			die("tcp listen");
		sport = ntohs(sin.sin_port);
	}
	if (opt.only != 1) {
		snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/sockio.%d.sock", (int)getpid());
		unlink(sun.sun_path);
		unix_l = socket(AF_UNIX, SOCK_STREAM, 0);
		if (unix_l < 0 || bind(unix_l, (struct sockaddr *)&sun, sizeof(sun)) ||
		    listen(unix_l, 4))
			die("unix listen");
	}
	if (pipe(st_pipe))
		die("pipe");
	fflush(stdout);
	server = fork();
	if (server < 0)
		die("fork");
	if (server == 0) {
		char line[64];

		close(st_pipe[0]);
		for (i = 0; i < 2; i++) {
			int l = i == 0 ? tcp_l : unix_l;

			if (l < 0)
				continue;
			sfd[i] = accept(l, NULL, NULL);
			if (sfd[i] < 0)
				die("accept");
			run_side(sfd[i], i, 0);
		}
		snprintf(line, sizeof(line), "%d %d\n", sfd[0], sfd[1]);
		if (write(st_pipe[1], line, strlen(line)) < 0)
			die("status pipe");
		/* Wait for the client's close before closing, so both ends close cleanly. */
		for (i = 0; i < 2; i++) {
			char c;

			if (sfd[i] >= 0) {
				while (read(sfd[i], &c, 1) > 0)
					;
				close(sfd[i]);
			}
		}
		_exit(0);
	}
	close(st_pipe[1]);
	if (opt.wait_stdin) {
		char line[16];

		if (!fgets(line, sizeof(line), stdin))
			die("stdin closed before the go line");
	}
	for (i = 0; i < 2; i++) {
		if ((i == 0 && tcp_l < 0) || (i == 1 && unix_l < 0))
			continue;
		cfd[i] = socket(i == 0 ? AF_INET : AF_UNIX, SOCK_STREAM, 0);
		if (cfd[i] < 0)
			die("socket");
		if (i == 0) {
			struct sockaddr_in me;
			socklen_t ml = sizeof(me);

			if (connect(cfd[i], (struct sockaddr *)&sin, sizeof(sin)) ||
			    getsockname(cfd[i], (struct sockaddr *)&me, &ml))
				die("tcp connect");
			cport = ntohs(me.sin_port);
		} else if (connect(cfd[i], (struct sockaddr *)&sun, sizeof(sun))) {
			die("unix connect");
		}
		run_side(cfd[i], i, 1);
	}
	{
		char line[64] = "";
		FILE *f = fdopen(st_pipe[0], "r");

		if (!f || !fgets(line, sizeof(line), f) ||
		    sscanf(line, "%d %d", &sfd[0], &sfd[1]) != 2)
			die("server status");
		fclose(f);
	}
	for (i = 0; i < 2; i++)
		if (cfd[i] >= 0)
			close(cfd[i]);
	if (waitpid(server, &status, 0) != server || !WIFEXITED(status) || WEXITSTATUS(status))
		die("server failed");
	if (unix_l >= 0)
		unlink(sun.sun_path);

	printf("{\"client_pid\":%d,\"server_pid\":%d,\"conns\":[", (int)getpid(), (int)server);
	for (i = 0; i < 2; i++) {
		int j, first = 1;

		if (cfd[i] < 0)
			continue;
		if (i == 1 && cfd[0] >= 0)
			printf(",");
		printf("{\"kind\":\"%s\",\"client_fd\":%d,\"server_fd\":%d,", i ? "unix" : "tcp",
		       cfd[i], sfd[i]);
		if (i == 0)
			printf("\"client_port\":%u,\"server_port\":%u,", cport, sport);
		else
			printf("\"path\":\"%s\",", sun.sun_path);
		printf("\"c2s\":");
		print_hex_stream(i, 0);
		printf(",\"s2c\":");
		print_hex_stream(i, 1);
		printf(",\"client_calls\":[");
		for (j = 0; j < ncalls[i]; j++) {
			printf("%s[\"%s\",%zu]", first ? "" : ",", calls[i][j].name,
			       calls[i][j].bytes);
			first = 0;
		}
		printf("]}");
	}
	printf("]}\n");
	return 0;
}
