// SPDX-License-Identifier: MIT
/*
 * capture/loop.c - ring buffer events to .tinytap records: DATA pieces through the merger, CONN,
 * CLOSE, PROCESS and PROCESS_EXIT copied field by field; every second CLOCK_SYNC, LOSS (what the
 * per-CPU counters say was lost and no LOSS record told yet), STATS and a block tick; END at the
 * end.
 */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "analyze/redact.h"
#include "bpf/tinytap.h"
#include "capture/log.h"
#include "capture/cgroups.h"
#include "capture/loop.h"
#include "capture/merge.h"
#include "capture/tls.h"
#include "capture/opened.h"
#include "capture/rotate.h"
#include "format/wire.h"
#include "format/writer.h"

/* ---- what bpf/tinytap.h and format/record.h share ------------------------------------------
 * The events are copied into records field by field (here and in merge.c), and their values
 * stored as they are: every size, width and value the two headers both spell is checked here,
 * so a change to one side alone fails the build. */
#define SIZE_OF(type, field) sizeof(((type *)0)->field)
#define SAME_FIELD(ev, evf, rec, recf)                                                             \
	_Static_assert(SIZE_OF(ev, evf) == SIZE_OF(rec, recf), #ev "." #evf " vs " #rec "." #recf)
#define SAME_VALUE(a, b) _Static_assert((long long)(a) == (long long)(b), #a " != " #b)

/* Event layouts, as tinytap.bpf.c writes them. */
_Static_assert(sizeof(struct tt_ev_hdr) == 24, "tt_ev_hdr layout");
_Static_assert(sizeof(struct tt_ev_data) == 72, "tt_ev_data layout");
_Static_assert(sizeof(struct tt_ev_conn) == 216, "tt_ev_conn layout");
_Static_assert(sizeof(struct tt_ev_close) == 40, "tt_ev_close layout");
_Static_assert(sizeof(struct tt_ev_proc) == 320, "tt_ev_proc layout");
_Static_assert(sizeof(struct tt_ev_exit) == 40, "tt_ev_exit layout");
_Static_assert(sizeof(struct tt_counters) == 64, "tt_counters layout");

/* CONN addresses are copied whole: struct tt_ev_addr is struct tt_addr. */
_Static_assert(sizeof(struct tt_ev_addr) == sizeof(struct tt_addr), "tt_ev_addr layout");
_Static_assert(offsetof(struct tt_ev_addr, family) == offsetof(struct tt_addr, family), "family");
_Static_assert(offsetof(struct tt_ev_addr, port) == offsetof(struct tt_addr, port), "port");
_Static_assert(offsetof(struct tt_ev_addr, scope_id) == offsetof(struct tt_addr, scope_id),
	       "scope_id");
_Static_assert(offsetof(struct tt_ev_addr, addr) == offsetof(struct tt_addr, addr), "addr");
SAME_FIELD(struct tt_ev_addr, family, struct tt_addr, family);
SAME_FIELD(struct tt_ev_addr, port, struct tt_addr, port);
SAME_FIELD(struct tt_ev_addr, scope_id, struct tt_addr, scope_id);
SAME_FIELD(struct tt_ev_addr, addr, struct tt_addr, addr);

/* Field widths: nothing is cut on the way from an event to its record. */
SAME_FIELD(struct tt_ev_hdr, ts_ns, struct tt_rec_data, ts_ns);
SAME_FIELD(struct tt_ev_hdr, tgid, struct tt_rec_data, pid);
SAME_FIELD(struct tt_ev_hdr, tid, struct tt_rec_data, tid);
SAME_FIELD(struct tt_ev_hdr, flags, struct tt_rec_data, flags);
SAME_FIELD(struct tt_ev_data, ts_enter_ns, struct tt_rec_data, ts_enter_ns);
SAME_FIELD(struct tt_ev_data, sock_ino, struct tt_rec_data, sock_id);
SAME_FIELD(struct tt_ev_data, call_bytes, struct tt_rec_data, call_bytes);
SAME_FIELD(struct tt_ev_data, seg_off, struct tt_rec_data, seg_off);
SAME_FIELD(struct tt_ev_data, cap_len, struct tt_rec_data, cap_len);
SAME_FIELD(struct tt_ev_data, fd, struct tt_rec_data, fd);
SAME_FIELD(struct tt_ev_data, dir, struct tt_rec_data, dir);
SAME_FIELD(struct tt_ev_data, syscall, struct tt_rec_data, syscall);
SAME_FIELD(struct tt_ev_data, msg_idx, struct tt_rec_data, msg_idx);
SAME_FIELD(struct tt_ev_conn, sock_ino, struct tt_rec_conn, sock_id);
SAME_FIELD(struct tt_ev_conn, fd, struct tt_rec_conn, fd);
SAME_FIELD(struct tt_ev_conn, sock_type, struct tt_rec_conn, sock_type);
SAME_FIELD(struct tt_ev_conn, role, struct tt_rec_conn, role);
SAME_FIELD(struct tt_ev_conn, origin, struct tt_rec_conn, origin);
SAME_FIELD(struct tt_ev_conn, protocol, struct tt_rec_conn, protocol);
SAME_FIELD(struct tt_ev_conn, unix_peer_ino, struct tt_rec_conn, unix_peer_id);
SAME_FIELD(struct tt_ev_conn, unix_path, struct tt_rec_conn, unix_path);
SAME_VALUE(TT_UNIX_PATH, SIZE_OF(struct tt_rec_conn, unix_path));
SAME_FIELD(struct tt_ev_close, sock_ino, struct tt_rec_close, sock_id);
SAME_FIELD(struct tt_ev_close, fd, struct tt_rec_close, fd);
SAME_FIELD(struct tt_ev_proc, ppid, struct tt_rec_process, ppid);
SAME_FIELD(struct tt_ev_proc, uid, struct tt_rec_process, uid);
SAME_FIELD(struct tt_ev_proc, cgroup_id, struct tt_rec_process, cgroup_id);
SAME_FIELD(struct tt_ev_proc, start_ns, struct tt_rec_process, start_ns);
SAME_FIELD(struct tt_ev_proc, comm, struct tt_rec_process, comm);
SAME_FIELD(struct tt_ev_proc, filename, struct tt_rec_process, exe);
SAME_FIELD(struct tt_ev_exit, exit_code, struct tt_rec_process_exit, exit_code);

/* DATA syscalls, directions, flags. */
SAME_VALUE(TT_EV_SYS_READ, TT_SYS_READ);
SAME_VALUE(TT_EV_SYS_WRITE, TT_SYS_WRITE);
SAME_VALUE(TT_EV_SYS_READV, TT_SYS_READV);
SAME_VALUE(TT_EV_SYS_WRITEV, TT_SYS_WRITEV);
SAME_VALUE(TT_EV_SYS_SENDTO, TT_SYS_SENDTO);
SAME_VALUE(TT_EV_SYS_RECVFROM, TT_SYS_RECVFROM);
SAME_VALUE(TT_EV_SYS_SENDMSG, TT_SYS_SENDMSG);
SAME_VALUE(TT_EV_SYS_RECVMSG, TT_SYS_RECVMSG);
SAME_VALUE(TT_EV_SYS_SENDMMSG, TT_SYS_SENDMMSG);
SAME_VALUE(TT_EV_SYS_RECVMMSG, TT_SYS_RECVMMSG);
SAME_VALUE(TT_EV_SYS_SENDFILE, TT_SYS_SENDFILE);
SAME_VALUE(TT_EV_SYS_SPLICE, TT_SYS_SPLICE);
SAME_VALUE(TT_EV_SYS_SSL_READ, TT_SYS_SSL_READ);
SAME_VALUE(TT_EV_SYS_SSL_WRITE, TT_SYS_SSL_WRITE);
SAME_VALUE(TT_EV_SYS_SSL_READ_EX, TT_SYS_SSL_READ_EX);
SAME_VALUE(TT_EV_SYS_SSL_WRITE_EX, TT_SYS_SSL_WRITE_EX);
SAME_VALUE(TT_EV_SYS_SSL_WRITE_EX, TT_SYS_MAX);
SAME_VALUE(TT_EVF_TLS, TT_DATA_TLS);
SAME_VALUE(TT_EV_DIR_EGRESS, TT_DIR_EGRESS);
SAME_VALUE(TT_EV_DIR_INGRESS, TT_DIR_INGRESS);
SAME_VALUE(TT_EVF_TRUNCATED, TT_DATA_TRUNCATED);
SAME_VALUE(TT_EVF_NO_PAYLOAD, TT_DATA_NO_PAYLOAD);
SAME_VALUE(TT_EVF_COPY_FAULT, TT_DATA_COPY_FAULT);
SAME_VALUE(TT_EVF_DROPPED, TT_DATA_DROPPED);
SAME_VALUE(TT_EVF_PEEK, TT_DATA_PEEK);
SAME_VALUE(TT_EVF_UNIX, TT_DATA_UNIX);
/* TT_EVF_LAST is the kernel's own: merge.c strips it, so it must be no DATA flag. */
_Static_assert((TT_EVF_LAST & (TT_DATA_TRUNCATED | TT_DATA_NO_PAYLOAD | TT_DATA_COPY_FAULT |
			       TT_DATA_DROPPED | TT_DATA_PEEK | TT_DATA_UNIX | TT_DATA_TLS)) == 0,
	       "TT_EVF_LAST collides with a TT_DATA_* flag");

/* CONN roles and origins; families, socket types and protocols (Linux values: the C library's
 * must agree with what tinytap.bpf.c compares the kernel's with). */
SAME_VALUE(TT_EV_ROLE_UNKNOWN, TT_ROLE_UNKNOWN);
SAME_VALUE(TT_EV_ROLE_CLIENT, TT_ROLE_CLIENT);
SAME_VALUE(TT_EV_ROLE_SERVER, TT_ROLE_SERVER);
SAME_VALUE(TT_EV_ORIGIN_CONNECT, TT_ORIGIN_CONNECT);
SAME_VALUE(TT_EV_ORIGIN_ACCEPT, TT_ORIGIN_ACCEPT);
SAME_VALUE(TT_EV_ORIGIN_FIRST_DATA, TT_ORIGIN_FIRST_DATA);
SAME_VALUE(TT_EV_AF_UNIX, TT_AF_UNIX);
SAME_VALUE(TT_EV_AF_INET, TT_AF_INET);
SAME_VALUE(TT_EV_AF_INET6, TT_AF_INET6);
SAME_VALUE(TT_EV_AF_UNIX, AF_UNIX);
SAME_VALUE(TT_EV_AF_INET, AF_INET);
SAME_VALUE(TT_EV_AF_INET6, AF_INET6);
SAME_VALUE(TT_EV_SOCK_STREAM, SOCK_STREAM);
SAME_VALUE(TT_EV_SOCK_DGRAM, SOCK_DGRAM);
SAME_VALUE(TT_EV_IPPROTO_TCP, IPPROTO_TCP);
SAME_VALUE(TT_EV_IPPROTO_UDP, IPPROTO_UDP);

/* The biggest call the BPF side can send (its snaplen cap) is one DATA record in one block. */
_Static_assert((uint64_t)TT_MAX_EMITS *TT_CHUNK + sizeof(struct tt_rec_data) + TT_WIRE_REC_HDR <=
		   TT_WIRE_MAX_BLOCK_RAW,
	       "a full-snaplen DATA record does not fit in a block");

/*
 * How long the consumer sleeps on the ring: its work comes in bursts, and a burst on a busy
 * machine is time the traced processes wait for a CPU (BENCHMARKS.md section 1: p99 of nginx
 * under wrk rose from 0.3 to 2 ms on 2 cores with 20 ms polls). So at high event rates it polls
 * every POLL_BUSY_MS, taking a few hundred events at a time; below POLL_BUSY_RATE, every POLL_MS
 * (2 ms polls at 10k requests/s cost 1 % of a CPU more for no latency gain: BENCHMARKS.md 1a).
 * And a poll takes at most CONSUME_SLICE events (about 0.4 ms of work) before the thread yields
 * the CPU to whoever waits for it and goes on: after a 20 ms sleep a poll found 2,400 events at
 * 30k requests/s and ran 4 ms in one stretch, nginx waiting (perf sched).
 */
#define CONSUME_SLICE 256
#define POLL_MS	       20
#define POLL_BUSY_MS   2
#define POLL_BUSY_RATE 100000 /* events per second (about 25k HTTP requests/s, both ends) */
/* The recorder's blocks: compressing one is a burst of CPU (about 1 ms per MiB here), which the
 * traced processes wait through like the poll's; 4 MiB blocks kept the p99 at 1.7-1.9 ms even
 * with 2 ms polls, 256 KiB blocks brought it to 0.5-0.6 ms (tcpdump's), for files about 9 %
 * larger. */
#define REC_BLOCK_BYTES (256u << 10)
#define PRUNE_MS	 10000 /* with rotation: forget sockets of exited processes this often */
#define SNAPSHOT_BACK_NS 1000000000ull

struct tt_loop {
	struct tt_writer *w;
	struct ring_buffer *rb;
	struct tt_merge *merge;
	int counters_fd;
	const volatile uint64_t *lost_seq_p; /* the BPF side's lost_seq (mapped memory) */
	int ncpus;
	struct tt_counters *percpu; /* ncpus entries: one counters lookup */
	struct tt_cgroups *cg;	    /* borrowed, or NULL */
	struct tt_tls *tls;	    /* borrowed, or NULL */
	size_t tls_told;	    /* its TLS_UNHOOKED records in this file so far */
	bool status_line;
	int err; /* first write error */
	uint64_t start_ms;
	uint64_t data_records;
	uint64_t payload_bytes;
	uint64_t call_bytes;
	struct tt_counters total;
	/* Lost events are told in LOSS records exactly once: those no ring event marks (numbered
	 * by the BPF side's lost_seq) at the hole by loss_seen(), or at the end of a file; those a
	 * DROPPED piece marks (the counters less lost_seq), and all lost bytes, once a second. */
	uint64_t unmarked_told;	  /* lost_seq up to which unmarked losses are told */
	uint64_t marked_told;	  /* marked lost events told */
	uint64_t loss_rec_events; /* lost events and bytes told in LOSS records, all in all */
	uint64_t loss_rec_bytes;
	/* a set of files: the next one's header and options, what is open, this file's start */
	struct tt_rotate *rot; /* borrowed, or NULL */
	struct tt_opened *opened;
	struct tt_file_info info;
	struct tt_writer_opts wopts;
	const char *out_name;
	uint64_t file_start_ms;
	uint64_t last_prune_ms;
	uint64_t max_ev_ts; /* the newest kernel event's time so far */
	uint64_t consumed;  /* ring events taken so far */
	int slice_left;	    /* events this slice may still take (0: no limit) */
	struct {
		uint64_t data_records, payload_bytes, call_bytes;
		uint64_t lost_events, lost_bytes, truncated_bytes;
	} base; /* the counters when this file started: its STATS and END count from there */
	struct tt_loop_rotation_stats rs;
	/* --redact at record time */
	struct tt_redactor *redactor;
	uint8_t *scratch;
	size_t scratch_cap;
};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void fail(struct tt_loop *l, int err)
{
	if (!l->err)
		l->err = err;
}

int tt_loop_add(struct tt_loop *l, uint32_t type, const void *body, uint32_t len)
{
	int err = tt_writer_add(l->w, type, body, len, NULL, 0);

	if (err < 0) {
		fail(l, err);
		return err;
	}
	if (l->opened)
		tt_opened_note(l->opened, type, body, len, NULL, 0);
	if (type == TT_REC_CLOSE && l->redactor)
		tt_redactor_forget(l->redactor, ((const struct tt_rec_close *)body)->sock_id);
	if (type == TT_REC_PROCESS && l->cg)
		tt_cgroups_note(l->cg, ((const struct tt_rec_process *)body)->cgroup_id,
				((const struct tt_rec_process *)body)->pid);
	return err;
}

/* ---- CGROUP records: what the look-up worker (capture/cgroups.c) has finished -------------- */

static int add_cgroup(void *ctx, const struct tt_rec_cgroup *rec, const uint8_t *attrs)
{
	struct tt_loop *l = ctx;
	int err = tt_writer_add(l->w, TT_REC_CGROUP, rec, sizeof(*rec), attrs, rec->attrs_len);

	if (err < 0)
		fail(l, err);
	else if (l->opened)
		tt_opened_note(l->opened, TT_REC_CGROUP, rec, sizeof(*rec), attrs, rec->attrs_len);
	return err;
}

static void write_cgroups(struct tt_loop *l)
{
	if (l->cg && !l->err)
		tt_cgroups_drain(l->cg, add_cgroup, l);
}

/* ---- TLS_UNHOOKED records: executables whose TLS code capture/tls.c found it cannot hook ---- */

static void write_tls_notes(struct tt_loop *l)
{
	const struct tt_rec_tls_unhooked *r;
	size_t n;

	if (!l->tls || l->err)
		return;
	n = tt_tls_reports(l->tls, &r);
	for (; l->tls_told < n; l->tls_told++) {
		int err = tt_writer_add(l->w, TT_REC_TLS_UNHOOKED, &r[l->tls_told], sizeof(*r), NULL, 0);

		if (err < 0) {
			fail(l, err);
			return;
		}
	}
}

/* ---- events to records -------------------------------------------------------------------- */

static int emit_data(void *ctx, const struct tt_rec_data *rec, const void *payload)
{
	struct tt_loop *l = ctx;
	int err;

	if (l->redactor && payload && rec->cap_len) {
		/* masked in a copy (the merger owns payload), at the same length, before zstd */
		if (rec->cap_len > l->scratch_cap) {
			uint8_t *p = realloc(l->scratch, rec->cap_len);

			if (!p) {
				fail(l, -ENOMEM);
				return -ENOMEM;
			}
			l->scratch = p;
			l->scratch_cap = rec->cap_len;
		}
		memcpy(l->scratch, payload, rec->cap_len);
		tt_redactor_stream(l->redactor, rec->sock_id, rec->dir, l->scratch, rec->cap_len,
				   !!(rec->flags & TT_DATA_PEEK));
		payload = l->scratch;
	}
	err = tt_writer_add_data(l->w, rec, payload);
	if (err < 0) {
		fail(l, err);
		return err;
	}
	l->data_records++;
	l->payload_bytes += rec->cap_len;
	l->call_bytes += rec->call_bytes;
	return 0;
}

static void on_conn(struct tt_loop *l, const struct tt_ev_conn *e)
{
	struct tt_rec_conn r = {};

	r.ts_ns = e->h.ts_ns;
	r.sock_id = e->sock_ino;
	r.pid = e->h.tgid;
	r.tid = e->h.tid;
	r.fd = e->fd;
	r.sock_type = e->sock_type;
	r.role = e->role;
	r.origin = e->origin;
	r.protocol = e->protocol;
	memcpy(&r.local, &e->local, sizeof(r.local));
	memcpy(&r.remote, &e->remote, sizeof(r.remote));
	r.unix_peer_id = e->unix_peer_ino;
	memcpy(r.unix_path, e->unix_path, sizeof(r.unix_path));
	tt_loop_add(l, TT_REC_CONN, &r, sizeof(r));
}

static void on_close(struct tt_loop *l, const struct tt_ev_close *e)
{
	struct tt_rec_close r = {};

	r.ts_ns = e->h.ts_ns;
	r.sock_id = e->sock_ino;
	r.pid = e->h.tgid;
	r.tid = e->h.tid;
	r.fd = e->fd;
	tt_loop_add(l, TT_REC_CLOSE, &r, sizeof(r));
}

static void on_proc(struct tt_loop *l, const struct tt_ev_proc *e)
{
	struct tt_rec_process r = {};

	r.ts_ns = e->h.ts_ns;
	r.pid = e->h.tgid;
	r.ppid = e->ppid;
	r.cgroup_id = e->cgroup_id;
	r.start_ns = e->start_ns;
	r.uid = e->uid;
	memcpy(r.comm, e->comm, sizeof(r.comm));
	r.comm[sizeof(r.comm) - 1] = 0;
	if (e->h.type == TT_EV_EXEC) {
		r.origin = TT_PROC_EXEC;
		if (l->tls) /* its libssl, once the loader has mapped it */
			tt_tls_note_exec(l->tls, e->h.tgid, now_ns(CLOCK_MONOTONIC) / 1000000);
		memcpy(r.exe, e->filename, sizeof(r.exe));
		r.exe[sizeof(r.exe) - 1] = 0;
	} else {
		char path[64];
		ssize_t n;

		r.origin = TT_PROC_FORK;
		snprintf(path, sizeof(path), "/proc/%u/exe", e->h.tgid);
		n = readlink(path, r.exe, sizeof(r.exe) - 1);
		if (n < 0)
			r.exe[0] = 0;
	}
	tt_loop_add(l, TT_REC_PROCESS, &r, sizeof(r));
}

static void on_exit_ev(struct tt_loop *l, const struct tt_ev_exit *e)
{
	struct tt_rec_process_exit r = {};

	r.ts_ns = e->h.ts_ns;
	r.pid = e->h.tgid;
	r.exit_code = e->exit_code;
	tt_loop_add(l, TT_REC_PROCESS_EXIT, &r, sizeof(r));
}

/*
 * The event was reserved after events were lost with nothing in the ring to say where (lost_seq in
 * tinytap.bpf.c): the LOSS record goes here, just before it in time and in the file, so the viewer
 * gaps the streams at the hole instead of joining them across it.
 */
static void loss_seen(struct tt_loop *l, const struct tt_ev_hdr *h)
{
	int32_t d = (int32_t)(h->lost_before - (uint32_t)l->unmarked_told);

	if (d <= 0) /* reserved before a loss already told (by an earlier event, or a file end) */
		return;
	l->unmarked_told += (uint64_t)d;

	struct tt_rec_loss r = {
	    .ts_ns = h->ts_ns ? h->ts_ns - 1 : 0,
	    .events = (uint64_t)d,
	    .cpu = UINT32_MAX,
	    .reason = 1,
	};

	tt_loop_add(l, TT_REC_LOSS, &r, sizeof(r));
	l->loss_rec_events += (uint64_t)d;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct tt_loop *l = ctx;
	const struct tt_ev_hdr *h = data;

	if (size < sizeof(*h) || l->err)
		return 0;
	if (h->ts_ns > l->max_ev_ts)
		l->max_ev_ts = h->ts_ns;
	if (h->lost_before != (uint32_t)l->unmarked_told)
		loss_seen(l, h);
	l->consumed++;
	switch (h->type) {
	case TT_EV_DATA: {
		const struct tt_ev_data *e = data;

		if (size < sizeof(*e) || e->cap_len > size - sizeof(*e))
			return 0;
		if (tt_merge_piece(l->merge, e, (const uint8_t *)data + sizeof(*e)) < 0 && !l->err)
			fail(l, -ENOMEM);
		break;
	}
	case TT_EV_CONN:
		if (size >= sizeof(struct tt_ev_conn))
			on_conn(l, data);
		break;
	case TT_EV_CLOSE:
		if (size >= sizeof(struct tt_ev_close))
			on_close(l, data);
		break;
	case TT_EV_EXEC:
	case TT_EV_FORK:
		if (size >= sizeof(struct tt_ev_proc))
			on_proc(l, data);
		break;
	case TT_EV_EXIT:
		if (size >= sizeof(struct tt_ev_exit))
			on_exit_ev(l, data);
		break;
	}
	/* a full slice: libbpf stops here, this event taken (tt_loop_run goes on after a yield) */
	if (l->slice_left && --l->slice_left == 0)
		return -EAGAIN;
	return 0;
}

/* ---- clock, counters, stats ---------------------------------------------------------------- */

static void clock_sync(struct tt_loop *l)
{
	struct tt_rec_clock_sync best = {};
	uint64_t best_win = UINT64_MAX;
	int i;

	for (i = 0; i < 5; i++) {
		uint64_t b1 = now_ns(CLOCK_BOOTTIME);
		int64_t rt = now_ns(CLOCK_REALTIME);
		uint64_t b2 = now_ns(CLOCK_BOOTTIME);

		if (b2 - b1 < best_win) {
			best_win = b2 - b1;
			best.boot_ns = b1 + (b2 - b1) / 2;
			best.realtime_ns = rt;
			best.error_ns = (b2 - b1) / 2;
		}
	}
	tt_loop_add(l, TT_REC_CLOCK_SYNC, &best, sizeof(best));
}

/*
 * Sums the per-CPU counters into l->total, and writes one LOSS record for the lost events and
 * bytes no LOSS record has told yet: the marked losses (the counters less lost_seq, read after
 * them: the BPF side counts an unmarked loss in lost_seq first, so this never takes one for a
 * marked one), all lost bytes (loss_seen() tells none), and at the end of a file (file_end) the
 * unmarked losses no ring event has told yet. The ring may still hold events that tell of
 * unmarked losses the counters already show: those wait for loss_seen(), which places them
 * at the hole, and are never told twice.
 */
static void poll_counters(struct tt_loop *l, bool file_end)
{
	struct tt_counters sum = {};
	uint32_t zero = 0;
	int i;

	if (bpf_map_lookup_elem(l->counters_fd, &zero, l->percpu))
		return;
	for (i = 0; i < l->ncpus; i++) {
		const struct tt_counters *c = &l->percpu[i];

		sum.events += c->events;
		sum.bytes += c->bytes;
		sum.lost_events += c->lost_events;
		sum.lost_bytes += c->lost_bytes;
		sum.truncated_bytes += c->truncated_bytes;
		sum.copy_faults += c->copy_faults;
		sum.stash_miss += c->stash_miss;
	}
	l->total = sum;

	uint64_t unmarked = __atomic_load_n(l->lost_seq_p, __ATOMIC_ACQUIRE);
	uint64_t marked = sum.lost_events > unmarked ? sum.lost_events - unmarked : 0;
	uint64_t ev = 0, by = sum.lost_bytes - l->loss_rec_bytes;

	if (marked > l->marked_told) {
		ev += marked - l->marked_told;
		l->marked_told = marked;
	}
	if (file_end && unmarked > l->unmarked_told) {
		ev += unmarked - l->unmarked_told;
		l->unmarked_told = unmarked;
	}

	if (ev || by) {
		struct tt_rec_loss r = {
		    .ts_ns = now_ns(CLOCK_BOOTTIME),
		    .events = ev,
		    .bytes = by,
		    .cpu = UINT32_MAX,
		    .reason = 1,
		};

		tt_loop_add(l, TT_REC_LOSS, &r, sizeof(r));
		l->loss_rec_events += ev;
		l->loss_rec_bytes += by;
	}
}

static void write_stats(struct tt_loop *l, uint32_t type, uint32_t exit_reason)
{
	struct tt_writer_stats ws;
	struct tt_rec_stats r = {};

	tt_writer_get_stats(l->w, &ws);
	r.ts_ns = now_ns(CLOCK_BOOTTIME);
	/* this file's share (a file of a set counts from its own start) */
	r.events = l->data_records - l->base.data_records;
	r.payload_bytes = l->payload_bytes - l->base.payload_bytes;
	r.call_bytes = l->call_bytes - l->base.call_bytes;
	/* what this file's LOSS records have told so far */
	r.lost_events = l->loss_rec_events - l->base.lost_events;
	r.lost_bytes = l->loss_rec_bytes - l->base.lost_bytes;
	r.truncated_bytes = l->total.truncated_bytes - l->base.truncated_bytes;
	r.records = ws.records;
	r.blocks = ws.blocks;
	r.exit_reason = exit_reason;
	tt_loop_add(l, type, &r, sizeof(r));
}

static const char *human(uint64_t b, char *buf, size_t size)
{
	if (b >= 10ull << 30)
		snprintf(buf, size, "%.1f GB", b / 1e9);
	else if (b >= 10ull << 20)
		snprintf(buf, size, "%.1f MB", b / 1e6);
	else if (b >= 10ull << 10)
		snprintf(buf, size, "%.1f kB", b / 1e3);
	else
		snprintf(buf, size, "%llu B", (unsigned long long)b);
	return buf;
}

static void status_line(const struct tt_loop *l, double elapsed)
{
	struct tt_writer_stats ws;
	char b1[32];
	double ratio;

	tt_writer_get_stats(l->w, &ws);
	ratio = ws.file_bytes ? (double)ws.raw_bytes / ws.file_bytes : 1.0;
	fprintf(stderr,
		"\r%.1fs  %llu events  %s captured  ratio %.1fx  lost %llu events (%llu bytes)"
		"\033[K",
		elapsed, (unsigned long long)l->data_records,
		human(l->payload_bytes, b1, sizeof(b1)), ratio,
		(unsigned long long)l->total.lost_events, (unsigned long long)l->total.lost_bytes);
}

static void join_args(char *dst, size_t size, int argc, char **argv)
{
	size_t used = 0;
	int i;

	dst[0] = 0;
	for (i = 0; i < argc && used + 1 < size; i++) {
		int n = snprintf(dst + used, size - used, "%s%s", i ? " " : "", argv[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* ---- files: one, or a set ------------------------------------------------------------------ */

static int snapshot_add(void *ctx, uint32_t type, const void *body, uint32_t len,
			const void *payload, uint32_t payload_len)
{
	struct tt_loop *l = ctx;
	int err = tt_writer_add(l->w, type, body, len, payload, payload_len);

	if (err < 0)
		fail(l, err);
	return err;
}

/* A writer on fd: the file header (its own start clocks), the first CLOCK_SYNC, and for a file
 * after the first of a set the snapshot of what is open. 0, or -errno after one line. */
static int start_file(struct tt_loop *l, int fd, const char *name)
{
	tt_file_info_fill_host(&l->info);
	l->w = tt_writer_open(fd, &l->info, &l->wopts);
	if (!l->w) {
		int err = -errno;

		tt_log_warn("cannot write '%s': %s", name, strerror(errno));
		fail(l, err);
		return err;
	}
	l->file_start_ms = now_ns(CLOCK_MONOTONIC) / 1000000;
	l->base.data_records = l->data_records;
	l->base.payload_bytes = l->payload_bytes;
	l->base.call_bytes = l->call_bytes;
	l->base.lost_events = l->loss_rec_events;
	l->base.lost_bytes = l->loss_rec_bytes;
	l->base.truncated_bytes = l->total.truncated_bytes;
	l->rs.files++;
	l->tls_told = 0; /* a file of a set names them all again: it may be read alone */
	clock_sync(l);
	if (l->opened && l->rs.files > 1) {
		/* Dated a second before the newest event so far: before every event the ring still
		 * holds, which the reader then orders after what names their sockets and processes
		 * (a file's time range starts that much earlier). */
		uint64_t ts = l->max_ev_ts ? l->max_ev_ts : now_ns(CLOCK_BOOTTIME);
		int n = tt_opened_replay(
		    l->opened, ts > SNAPSHOT_BACK_NS ? ts - SNAPSHOT_BACK_NS : 1, snapshot_add, l);

		if (n < 0)
			return n;
		l->rs.snapshot_records = (uint64_t)n;
	}
	return 0;
}

/* A socket closed without a close() the recording saw (its process exited): its redaction state
 * goes too. */
static void forget_sock(void *ctx, uint64_t sock_id)
{
	struct tt_loop *l = ctx;

	if (l->redactor)
		tt_redactor_forget(l->redactor, sock_id);
}

/*
 * The current file of a set ends (END with reason "rotated", then the index) and the next one
 * starts. Nothing is consumed from the ring meanwhile, and a call whose pieces are still in the
 * merger is written whole into the next file: every event is in exactly one file.
 */
static void rotate(struct tt_loop *l, uint64_t now_ms)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	int fd, err;

	poll_counters(l, true);
	clock_sync(l);
	write_stats(l, TT_REC_END, TT_END_ROTATED);
	err = tt_writer_close(l->w);
	l->w = NULL;
	if (err < 0) {
		fail(l, err);
		return;
	}
	tt_opened_prune(l->opened, forget_sock, l);
	l->last_prune_ms = now_ms;
	fd = tt_rotate_next(l->rot, (int64_t)(now_ns(CLOCK_REALTIME) / 1000000000ull), NULL);
	if (fd < 0) {
		tt_log_warn("cannot start the next file after '%s': %s", l->out_name,
			    strerror(-fd));
		fail(l, fd);
		return;
	}
	l->out_name = tt_rotate_path(l->rot);
	if (start_file(l, fd, l->out_name) < 0)
		return;
	uint64_t us = (now_ns(CLOCK_MONOTONIC) - t0) / 1000;
	l->rs.rotate_us_sum += us;
	if (us > l->rs.rotate_us_max)
		l->rs.rotate_us_max = us;
}

static void maybe_rotate(struct tt_loop *l, uint64_t now_ms)
{
	struct tt_writer_stats ws;

	if (!l->rot || l->err)
		return;
	tt_writer_get_stats(l->w, &ws);
	if (tt_rotate_due(tt_rotate_policy_of(l->rot), ws.file_bytes, now_ms - l->file_start_ms)) {
		rotate(l, now_ms);
		return;
	}
	if (now_ms - l->last_prune_ms >= PRUNE_MS) {
		/* bounded between rotations too; --max-age ages files out even when quiet */
		l->last_prune_ms = now_ms;
		tt_opened_prune(l->opened, forget_sock, l);
		tt_rotate_prune(l->rot, (int64_t)(now_ns(CLOCK_REALTIME) / 1000000000ull));
	}
}

void tt_loop_get_rotation_stats(const struct tt_loop *l, struct tt_loop_rotation_stats *st)
{
	struct tt_opened_stats os = {};

	*st = l->rs;
	if (l->opened)
		tt_opened_get_stats(l->opened, &os);
	st->socks = os.socks;
	st->procs = os.procs;
	st->cgroups = os.cgroups;
	st->refused = os.refused;
}

/* ---- the loop ------------------------------------------------------------------------------ */

struct tt_loop *tt_loop_new(const struct tt_loop_config *cfg)
{
	struct tt_loop *l = calloc(1, sizeof(*l));
	struct stat sb;
	int fd = cfg->out_fd;

	if (!l || !(l->percpu = calloc(cfg->ncpus, sizeof(*l->percpu)))) {
		tt_log_warn("out of memory");
		goto fail;
	}
	l->counters_fd = cfg->counters_fd;
	l->lost_seq_p = cfg->lost_seq;
	l->cg = cfg->cgroups;
	l->tls = cfg->tls;
	l->ncpus = cfg->ncpus;
	l->status_line = cfg->status_line;
	l->rb = ring_buffer__new(cfg->ring_fd, on_event, l, NULL);
	if (!l->rb) {
		tt_log_warn("cannot open the ring buffer: %s", strerror(errno));
		goto fail;
	}
	l->merge = tt_merge_new(cfg->snaplen, emit_data, l);
	if (!l->merge) {
		tt_log_warn("out of memory");
		goto fail;
	}

	if (cfg->redact && !(l->redactor = tt_redactor_new())) {
		tt_log_warn("out of memory");
		goto fail;
	}
	l->out_name = cfg->out_name;
	l->info.snaplen = cfg->snaplen;
	snprintf(l->info.recorder, sizeof(l->info.recorder), "tinytap-record %s", TT_VERSION);
	join_args(l->info.options, sizeof(l->info.options), cfg->argc, cfg->argv);
	l->wopts.block_bytes = REC_BLOCK_BYTES;
	if (cfg->rotate) {
		l->rot = cfg->rotate;
		if (!(l->opened = tt_opened_new())) {
			tt_log_warn("out of memory");
			goto fail;
		}
		fd =
		    tt_rotate_next(l->rot, (int64_t)(now_ns(CLOCK_REALTIME) / 1000000000ull), NULL);
		if (fd < 0) {
			tt_log_warn("cannot create '%s': %s", tt_rotate_path(l->rot),
				    strerror(-fd));
			goto fail;
		}
		l->out_name = tt_rotate_path(l->rot);
		l->last_prune_ms = now_ns(CLOCK_MONOTONIC) / 1000000;
		/* -C is checked against what is on disk, which grows a block at a time: blocks of
		 * at most -C/8 keep a file within about 1/8 of its size (incompressible payload) */
		uint64_t c = tt_rotate_policy_of(l->rot)->file_bytes;
		if (c && c / 8 < REC_BLOCK_BYTES)
			l->wopts.block_bytes = c / 8 < 65536 ? 65536 : (uint32_t)(c / 8);
	}
	if (fstat(fd, &sb) == 0 && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode)))
		l->wopts.block_ms = 200; /* live viewing: hand blocks over quickly */
	if (start_file(l, fd, l->out_name) < 0)
		goto fail;
	return l;
fail:
	tt_loop_free(l);
	return NULL;
}

int tt_loop_run(struct tt_loop *l, volatile sig_atomic_t *stop, tt_loop_stop_fn stop_fn, void *ctx)
{
	uint64_t last_sec_ms, last_poll_ms, last_consumed = 0;
	int end = TT_END_SIGNAL, err, timeout = POLL_MS;
	bool sliced = false;

	l->start_ms = last_sec_ms = last_poll_ms = now_ns(CLOCK_MONOTONIC) / 1000000;
	while (!*stop && !l->err) {
		uint64_t ms;

		/* The BPF side wakes us only when the ring crosses 1/8 full (BPF_RB_NO_WAKEUP
		 * otherwise), so a poll that times out still has data to consume. */
		l->slice_left = CONSUME_SLICE;
		err = ring_buffer__poll(l->rb, sliced ? 0 : timeout);
		if (err >= 0)
			err = ring_buffer__consume(l->rb);
		ms = now_ns(CLOCK_MONOTONIC) / 1000000;
		sliced = err == -EAGAIN;
		if (sliced) {
			err = 0;
		} else if (err >= 0) {
			timeout = (l->consumed - last_consumed) * 1000 >=
					  POLL_BUSY_RATE * (ms - last_poll_ms + 1)
				      ? POLL_BUSY_MS
				      : POLL_MS;
			last_poll_ms = ms;
			last_consumed = l->consumed;
		}
		if (err < 0 && err != -EINTR) {
			tt_log_warn("ring buffer: %s", strerror(-err));
			fail(l, err);
			break;
		}
		write_cgroups(l);
		write_tls_notes(l);
		if (l->tls)
			tt_tls_tick(l->tls, ms);
		end = stop_fn(ctx, ms - l->start_ms);
		if (end >= 0)
			break;
		end = TT_END_SIGNAL;
		if (ms - last_sec_ms >= 1000) {
			last_sec_ms = ms;
			poll_counters(l, false);
			clock_sync(l);
			write_stats(l, TT_REC_STATS, 0);
			if (l->status_line)
				status_line(l, (ms - l->start_ms) / 1e3);
		}
		err = tt_writer_tick(l->w, ms);
		if (err < 0)
			fail(l, err);
		maybe_rotate(l, ms);
		if (sliced)
			sched_yield();
	}
	l->slice_left = 0;
	return l->err ? TT_END_ERROR : end;
}

int tt_loop_finish(struct tt_loop *l, int end)
{
	int err;

	/* Drain what the kernel already holds, then finish the file. */
	if (!l->err) {
		ring_buffer__consume(l->rb);
		tt_merge_flush(l->merge);
		/* the last cgroups seen get their names before END (a look-up takes milliseconds;
		 * a daemon socket that does not answer, a second) */
		tt_cgroups_wait(l->cg, 3000);
		write_cgroups(l);
		write_tls_notes(l);
		poll_counters(l, true);
		clock_sync(l);
		write_stats(l, TT_REC_END, end);
	}
	err = tt_writer_close(l->w);
	l->w = NULL;
	if (err < 0)
		fail(l, err);
	return l->err;
}

void tt_loop_print_summary(const struct tt_loop *l, const char *tail)
{
	double el = (now_ns(CLOCK_MONOTONIC) / 1000000 - l->start_ms) / 1e3;
	char buf[32];

	if (l->status_line)
		fputs("\r\033[K", stderr);
	fprintf(
	    stderr,
	    "tinytap-record: %llu events, %s captured in %.1fs, lost %llu events (%llu bytes)%s\n",
	    (unsigned long long)l->data_records, human(l->payload_bytes, buf, sizeof(buf)), el,
	    (unsigned long long)l->loss_rec_events, (unsigned long long)l->loss_rec_bytes,
	    tail);
}

void tt_loop_free(struct tt_loop *l)
{
	if (!l)
		return;
	tt_writer_close(l->w);
	ring_buffer__free(l->rb);
	tt_merge_free(l->merge);
	tt_opened_free(l->opened);
	tt_redactor_free(l->redactor);
	free(l->scratch);
	free(l->percpu);
	free(l);
}
