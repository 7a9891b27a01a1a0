/* SPDX-License-Identifier: MIT */
/*
 * tests/lib/ttgen.h - write synthetic .tinytap recordings of any traffic, for test and benchmark
 * generators (tests/helpers/gen_*.c, bench/gen_http.c).
 *
 * A generator (struct tt_gen) is a writer and a clock. Every record it writes is stamped with the
 * clock's "now" (boot ns). Single records (tt_gen_process, tt_gen_data, tt_gen_sock_conn...) leave
 * the clock where it is; the connection helpers (tt_gen_pair_connect, tt_gen_send*,
 * tt_gen_to_*, tt_gen_pair_close) move it on by the pacing of struct tt_gen_pace, as the syscalls
 * of a real loopback connection would. The caller moves it with tt_gen_tick() (gaps) or
 * tt_gen_set_now().
 *
 * Sockets are described by plain structs (struct tt_gen_sock: the socket's CONN record plus the
 * syscalls it uses); a pair is both ends of one loopback connection, so one send is a write by
 * one end and the matching read by the other. An end whose sock_id is 0 is not recorded: nothing
 * is written for it (a recording started mid-connection, a peer on another host) and the clock
 * moves as if it were. Payloads are byte strings of any content and length.
 *
 * Errors: functions that write return 0 or the generator's first error (-errno): the first
 * failure of any record (a write error, a refused record, a byte string that ran out of memory)
 * is kept, later records are not written, and tt_gen_close() returns it. Nothing here prints or
 * exits; the program's main reports the error.
 *
 * Ownership: a generator owns its writer, and the fd it opened itself (never stdout or a fd
 * given to tt_gen_open_fd()); it copies every record and payload before returning (a sink gets
 * them borrowed for the call). Sockets, pairs and calls are the caller's plain data. A struct
 * tt_gen_buf owns its bytes until tt_gen_buf_free().
 */
#ifndef TINYTAP_TTGEN_H
#define TINYTAP_TTGEN_H

#include <stddef.h>
#include <stdint.h>

#include "format/fileinfo.h"
#include "format/record.h"
#include "format/writer.h"

/* The test recordings' clocks: boot 1000 s <-> wall 2026-11-25T10:00:00Z. */
#define TT_GEN_BOOT_NS 1000000000000ull
#define TT_GEN_WALL_NS (1795564800000000000ll + 36000000000000ll)

struct tt_gen;

/* How far the connection helpers move the clock, in microseconds. */
struct tt_gen_pace {
	uint32_t call_us;    /* a DATA record's ts_ns - ts_enter_ns (2) */
	uint32_t conn_us;    /* after each CONN of tt_gen_pair_connect (5) */
	uint32_t transit_us; /* tt_gen_send*: from a write to the matching read (30) */
	uint32_t settle_us;  /* tt_gen_send*: after that read (40) */
	uint32_t close_us;   /* after each CLOSE of tt_gen_pair_close (10) */
	uint32_t max_call;   /* tt_gen_send: bytes per write (and read) call at most; 0 = no limit
				(65536) */
};

/* One end of a connection. */
struct tt_gen_sock {
	struct tt_rec_conn conn; /* what its CONN record says (ts_ns is ignored); its sock_id, pid,
				    tid and fd are those of its DATA and CLOSE records too.
				    sock_id 0: this end is not recorded */
	uint8_t wr_sys;		 /* syscall of its plain writes (TT_SYS_WRITE) */
	uint8_t rd_sys;		 /* syscall of its plain reads (TT_SYS_READ) */
	uint16_t data_flags;	 /* TT_DATA_* bits of every DATA record (TT_DATA_UNIX on AF_UNIX) */
};

/* Both ends of one loopback connection. */
struct tt_gen_pair {
	struct tt_gen_sock client; /* connect()ed */
	struct tt_gen_sock server; /* accept()ed */
};

enum tt_gen_to {
	TT_GEN_TO_SERVER, /* the client writes, the server reads */
	TT_GEN_TO_CLIENT, /* the server writes, the client reads */
};

/* How one read/write call is recorded. All zero: a plain call, every byte captured. */
struct tt_gen_call {
	uint8_t syscall;     /* TT_SYS_*; 0 = the socket's wr_sys or rd_sys */
	uint16_t flags;	     /* TT_DATA_* besides the socket's data_flags. With TT_DATA_DROPPED or
				TT_DATA_NO_PAYLOAD no payload is stored, whatever bytes are given */
	uint64_t call_bytes; /* the call's true byte count; 0 = the bytes given (less than them
				with TT_DATA_TRUNCATED, the given bytes being the captured start) */
	uint64_t seg_off;    /* offset of the first given byte within the call */
	uint32_t seg_max;    /* store the bytes in DATA records (segments) of at most this many
				bytes, seg_off advancing, all at the same instant; 0 = one record */
	uint16_t msg_idx;    /* sendmmsg/recvmmsg message index */
};

/* A growable byte string, for building messages: zero it (setting max if wanted), append, send,
 * free. An append returns 0 or err: the first that fails leaves the string as it was and sets
 * err, and every later one fails with it. */
struct tt_gen_buf {
	uint8_t *p;   /* owned; NULL while empty */
	size_t len;   /* bytes in p */
	size_t alloc; /* bytes allocated */
	size_t max;   /* cap on len; 0 = TT_GEN_BUF_MAX */
	int err;      /* first error: -ENOMEM, or -EMSGSIZE past max */
};
#define TT_GEN_BUF_MAX (256u << 20)

/* --- the generator ----------------------------------------------------------------------- */

/* Fills fi as the test recordings' header: host "testhost", kernel "6.1.0-test", snaplen 65536,
 * clocks TT_GEN_BOOT_NS / TT_GEN_WALL_NS, and recorder and options (NULL: empty). */
void tt_gen_file_info(struct tt_file_info *fi, const char *recorder, const char *options);

/* Creates or truncates path (mode 0644; "-": stdout) and writes the file header fi (NULL:
 * tt_gen_file_info(fi, "ttgen", NULL)) with the writer options wo (NULL: defaults). The clock
 * starts at fi->start_boot_ns, the pacing at its defaults. NULL + errno on failure. */
struct tt_gen *tt_gen_open(const char *path, const struct tt_file_info *fi,
			   const struct tt_writer_opts *wo);
/* The same on an open fd, which the caller closes after tt_gen_close(). */
struct tt_gen *tt_gen_open_fd(int fd, const struct tt_file_info *fi,
			      const struct tt_writer_opts *wo);

/* Records handed to fn instead of a file (e.g. straight into an analysis pipeline): fn gets each
 * record as tt_gen_record() would write it, body and payload borrowed for the call, and returns
 * 0 or -errno (an error is kept as g's). The clock starts at start_boot_ns. NULL on ENOMEM. */
typedef int (*tt_gen_sink_fn)(void *ctx, uint32_t type, const void *body, uint32_t body_len,
			      const void *payload, uint32_t payload_len);
struct tt_gen *tt_gen_open_sink(tt_gen_sink_fn fn, void *ctx, uint64_t start_boot_ns);

/* The first error so far, or 0. */
int tt_gen_error(const struct tt_gen *g);

/* Finishes the file (last block, index), closes the fd it opened and frees g. Returns the first
 * error of g's life, or 0. NULL is a no-op returning 0. */
int tt_gen_close(struct tt_gen *g);

/* --- the clock --------------------------------------------------------------------------- */

void tt_gen_tick(struct tt_gen *g, uint64_t us);	 /* now += us microseconds */
uint64_t tt_gen_now(const struct tt_gen *g);		 /* boot ns */
void tt_gen_set_now(struct tt_gen *g, uint64_t boot_ns); /* may go back: any record order */
/* The pacing, to read or change at any time; g's own, valid until tt_gen_close(). */
struct tt_gen_pace *tt_gen_pace(struct tt_gen *g);
/* Lets the writer close a block older than its block_ms, the clock being now (no-op on a sink). */
int tt_gen_writer_tick(struct tt_gen *g);

/* --- records at now (the clock does not move) -------------------------------------------- */

/* Any record as it is (a record of another type, a STATS, a malformed body...). */
int tt_gen_record(struct tt_gen *g, uint32_t type, const void *body, uint32_t body_len,
		  const void *payload, uint32_t payload_len);
/* A process already running when recording started (origin TT_PROC_SCAN). */
int tt_gen_process(struct tt_gen *g, uint32_t pid, uint32_t ppid, const char *comm,
		   const char *exe);
int tt_gen_clock_sync(struct tt_gen *g, int64_t realtime_ns, uint64_t error_ns);
int tt_gen_loss(struct tt_gen *g, uint64_t events, uint64_t bytes, uint32_t cpu, uint32_t reason);
/* The END record with the totals (NULL: all zero); its ts_ns is now. */
int tt_gen_end(struct tt_gen *g, const struct tt_rec_stats *totals);

/* The CONN record, the CLOSE record of one end (none if it is not recorded). */
int tt_gen_sock_conn(struct tt_gen *g, const struct tt_gen_sock *s);
int tt_gen_sock_close(struct tt_gen *g, const struct tt_gen_sock *s);

/* One read (TT_DIR_INGRESS) or write (TT_DIR_EGRESS) call of n bytes by one end, recorded as c
 * says (NULL: a plain call), or nothing if that end is not recorded. */
int tt_gen_data(struct tt_gen *g, const struct tt_gen_sock *s, int dir, const struct tt_gen_call *c,
		const void *bytes, size_t n);
/* A plain write, a plain read of n bytes by one end. */
int tt_gen_write(struct tt_gen *g, const struct tt_gen_sock *s, const void *bytes, size_t n);
int tt_gen_read(struct tt_gen *g, const struct tt_gen_sock *s, const void *bytes, size_t n);

/* --- connections (the clock moves by the pacing) ----------------------------------------- */

/* Fill p (no record is written): TCP over 127.0.0.1, addresses and ports mirrored, or AF_UNIX
 * on path, each end peer of the other (unix_peer_id, TT_DATA_UNIX), as the recorder writes
 * them. Both ends: fd 5, tid = pid, SOCK_STREAM, role and origin client/connect and
 * server/accept, plain writes and reads TT_SYS_WRITE / TT_SYS_READ. Change any field after. */
void tt_gen_pair_tcp(struct tt_gen_pair *p, uint64_t client_sock, uint32_t client_pid,
		     uint16_t client_port, uint64_t server_sock, uint32_t server_pid,
		     uint16_t server_port);
void tt_gen_pair_unix(struct tt_gen_pair *p, uint64_t client_sock, uint32_t client_pid,
		      uint64_t server_sock, uint32_t server_pid, const char *path);

/* The client's CONN, conn_us, the server's CONN, conn_us. */
int tt_gen_pair_connect(struct tt_gen *g, const struct tt_gen_pair *p);
/* The client's CLOSE, close_us, the server's CLOSE, close_us. */
int tt_gen_pair_close(struct tt_gen *g, const struct tt_gen_pair *p);

/* n bytes from one end to the other, in calls of at most max_call bytes: for each, the write,
 * transit_us, the matching read, settle_us. n = 0 writes nothing. */
int tt_gen_send(struct tt_gen *g, const struct tt_gen_pair *p, enum tt_gen_to to, const void *bytes,
		size_t n);
/* The C string s (without its NUL) from the client to the server, from the server to the client. */
int tt_gen_to_server(struct tt_gen *g, const struct tt_gen_pair *p, const char *s);
int tt_gen_to_client(struct tt_gen *g, const struct tt_gen_pair *p, const char *s);
/* b's bytes; a b that failed fails g with b's error instead. */
int tt_gen_send_buf(struct tt_gen *g, const struct tt_gen_pair *p, enum tt_gen_to to,
		    const struct tt_gen_buf *b);
/* One write call and its matching read, recorded as w and r say (NULL: plain), whatever n:
 * the write, transit_us, the read, settle_us. For snaplen cuts, dropped payloads, sendfile... */
int tt_gen_send_call(struct tt_gen *g, const struct tt_gen_pair *p, enum tt_gen_to to,
		     const struct tt_gen_call *w, const struct tt_gen_call *r, const void *bytes,
		     size_t n);

/* --- byte strings ------------------------------------------------------------------------ */

int tt_gen_buf_put(struct tt_gen_buf *b, const void *bytes, size_t n);
int tt_gen_buf_printf(struct tt_gen_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Frees b's bytes and zeroes it, keeping max. */
void tt_gen_buf_free(struct tt_gen_buf *b);

#endif
