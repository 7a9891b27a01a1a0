// SPDX-License-Identifier: GPL-2.0
/*
 * bpf/tinytap.bpf.c - copy the payload of socket reads and writes to a ring buffer.
 *
 * Syscall tracepoints only: enter stashes the arguments (and the socket facts, so file I/O costs
 * one fdtable check), exit copies min(ret, snaplen) bytes in TT_CHUNK pieces through a per-CPU
 * scratch buffer with bpf_ringbuf_output() of the exact size. Nothing is formatted here; every
 * event the ring cannot take is counted per CPU.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "bpf/tinytap.h"

#define AF_UNIX	     1
#define AF_INET	     2
#define AF_INET6     10
#define SOCK_STREAM  1
#define SOCK_DGRAM   2
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17
#define S_IFMT	     00170000
#define S_IFSOCK     0140000
#define MSG_PEEK     2
#define MSG_ERRQUEUE 0x2000
#define EINPROGRESS  115

/* format/record.h values */
enum {
	SYS_READ = 1,
	SYS_WRITE,
	SYS_READV,
	SYS_WRITEV,
	SYS_SENDTO,
	SYS_RECVFROM,
	SYS_SENDMSG,
	SYS_RECVMSG,
	SYS_SENDMMSG,
	SYS_RECVMMSG,
	SYS_SENDFILE,
	SYS_SPLICE,
	SYS_CONNECT = 100
};
enum { DIR_EGRESS = 0, DIR_INGRESS = 1 };
enum { ROLE_UNKNOWN = 0, ROLE_CLIENT = 1, ROLE_SERVER = 2 };
enum { ORIGIN_CONNECT = 1, ORIGIN_ACCEPT = 2, ORIGIN_FIRST_DATA = 3 };

const volatile __u32 self_tgid = 0;
const volatile __u32 filter_mode = TT_FILTER_ALL;
const volatile __u32 filter_cgroups = 0; /* 1: only cgroup ids in the cgroups map */
const volatile __u16 filter_port = 0;	 /* 0: any */
const volatile __u32 capture_udp = 0;
const volatile __u64 snaplen = 256 * 1024;
const volatile char filter_comm[16] = {};
const volatile __u64 wake_bytes = 8 * 1024 * 1024; /* ring/8: wake the consumer past this */

/*
 * Events lost with nothing in the ring to say where (all CPUs; only grows). Every event carries
 * the value it saw (hdr.lost_before, low 32 bits), so user space learns of such a loss at the
 * first event reserved after it, in ring order, right after the hole, and writes its LOSS record
 * there; the per-second counter check would place it up to a second late, after records that
 * followed the hole, and the viewer would join the stream across it. A payload piece that is
 * lost but followed by its header-only DROPPED piece does not count: that piece marks the hole.
 */
__u64 lost_seq = 0;

static __always_inline __u32 lost_seq_now(void)
{
	return (__u32) * (volatile __u64 *)&lost_seq;
}

static __always_inline void lost_unmarked(void)
{
	__sync_fetch_and_add(&lost_seq, 1);
}

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024 * 1024);
} rb SEC(".maps");

struct scratch {
	__u16 base_flags;  /* flags of every piece of the current call */
	__u16 chunk_flags; /* flags of the piece being filled (COPY_FAULT) */
	__u16 pad[2];
	struct tt_ev_data hdr;
	/* A piece fills at most TT_CHUNK bytes; the second half only lets the verifier bound
	 * `offset + n` without relating the two. */
	__u8 data[2 * TT_CHUNK];
};

/* One per CPU, indexed by CPU id: a PERCPU_ARRAY value cannot exceed 32 KiB. User space sets
 * max_entries to the number of possible CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static __always_inline struct scratch *get_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch, &cpu);
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tt_counters);
} counters SEC(".maps");

/*
 * What enter learnt, for exit. One per thread that did socket I/O, rewritten in place call after
 * call: a map update at enter and a delete at exit cost more than the rest of enter. sys == 0: no
 * call pending. The entry goes when its thread exits (or, past 64k threads, by LRU eviction).
 */
struct stash {
	__u64 ts_enter;
	__u64 buf;   /* user buffer, iovec array, msghdr or mmsghdr array */
	__u64 count; /* buffer size, iovec count or mmsg vlen */
	__u64 ino;
	__s32 fd;
	__u8 sys;
	__u8 dir;
	__u16 family;
	__u16 type;
	__u16 flags; /* TT_EVF_* known at enter (PEEK) */
	__u16 protocol;
	__u16 pad;
	__u64 sk;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct stash);
} active_io SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 131072);
	__type(key, __u64);
	__type(value, __u8);
} known_socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} traced_tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} cgroups SEC(".maps");

struct sockfacts {
	__u64 ino;
	struct sock *sk;
	__u16 family;
	__u16 type;
	__u16 protocol;
};

static __always_inline struct tt_counters *get_counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline bool want_task(__u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32;

	if (tgid == self_tgid)
		return false;
	if (filter_mode == TT_FILTER_TGIDS && !bpf_map_lookup_elem(&traced_tgids, &tgid))
		return false;
	if (filter_cgroups) {
		__u64 cg = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroups, &cg))
			return false;
	}
	return true;
}

/* The fdtable walk: is fd a socket we record? Fills f and returns true if so. */
static __always_inline bool sock_of_fd(int fd, struct sockfacts *f)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt;
	struct file *file = NULL;
	struct file **fds;
	struct socket *sock;
	struct sock *sk;
	struct inode *inode;
	unsigned int max_fds;
	umode_t mode;

	if (fd < 0)
		return false;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt)
		return false;
	max_fds = BPF_CORE_READ(fdt, max_fds);
	if ((unsigned int)fd >= max_fds)
		return false;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), fds + fd) || !file)
		return false;
	inode = BPF_CORE_READ(file, f_inode);
	mode = BPF_CORE_READ(inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return false;
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return false;
	f->sk = sk;
	f->ino = BPF_CORE_READ(inode, i_ino);
	f->type = BPF_CORE_READ(sock, type);
	f->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	f->protocol = BPF_CORE_READ(sk, sk_protocol);

	if (f->family == AF_UNIX) {
		if (f->type != SOCK_STREAM || filter_port)
			return false;
	} else if (f->family == AF_INET || f->family == AF_INET6) {
		if (f->type == SOCK_STREAM) {
			if (f->protocol != IPPROTO_TCP)
				return false;
		} else if (f->type == SOCK_DGRAM) {
			if (!capture_udp || f->protocol != IPPROTO_UDP)
				return false;
		} else {
			return false;
		}
		if (filter_port) {
			__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
			__u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));

			if (lport != filter_port && rport != filter_port)
				return false;
		}
	} else {
		return false;
	}
	return true;
}

/*
 * Wakeups cost more than the copy for small events (each one is an irq_work, a self-IPI: a VM exit
 * on virtual machines), and the consumer polls every few ms anyway. So only the event that takes
 * the ring past wake_bytes wakes it: edge-triggered, once per crossing, not once per event while
 * the ring stays above. `queued` is AVAIL_DATA before this event (output) or with it (reserve).
 * A crossing missed by two CPUs racing is caught by the consumer's poll timeout.
 */
static __always_inline __u64 wake_flags(__u64 size, bool reserved)
{
	__u64 queued = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	__u64 before = reserved ? (queued > size ? queued - size : 0) : queued;

	return before <= wake_bytes && before + size > wake_bytes ? BPF_RB_FORCE_WAKEUP
								  : BPF_RB_NO_WAKEUP;
}

static __always_inline int out(void *ev, __u64 size, __u64 payload, struct tt_counters *c)
{
	struct tt_ev_hdr *h = ev;

	h->lost_before = lost_seq_now();
	if (bpf_ringbuf_output(&rb, ev, size, wake_flags(size + 8, false))) {
		if (c) {
			c->lost_events++;
			c->lost_bytes += payload;
		}
		if (!payload) /* a payload piece is followed by its DROPPED piece */
			lost_unmarked();
		return -1;
	}
	if (c) {
		c->events++;
		c->bytes += payload;
	}
	return 0;
}

static __always_inline void fill_hdr(struct tt_ev_hdr *h, __u16 type, __u64 pid_tgid)
{
	h->type = type;
	h->flags = 0;
	h->lost_before = 0;
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->tgid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
}

static __always_inline void read_addr(struct tt_ev_addr *a, struct sock *sk, __u16 family,
				      bool remote)
{
	a->family = family;
	if (family == AF_INET) {
		__u32 ip = remote ? BPF_CORE_READ(sk, __sk_common.skc_daddr)
				  : BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__builtin_memcpy(a->addr, &ip, 4);
	} else if (family == AF_INET6) {
		/* 16 bytes: BPF_CORE_READ_INTO would copy sizeof(*a->addr), one byte. */
		if (remote)
			bpf_core_read(a->addr, 16, &sk->__sk_common.skc_v6_daddr);
		else
			bpf_core_read(a->addr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
	}
	if (remote)
		a->port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	else
		a->port = BPF_CORE_READ(sk, __sk_common.skc_num);
}

static __always_inline __u64 sk_ino(struct sock *sk)
{
	return BPF_CORE_READ(sk, sk_socket, file, f_inode, i_ino);
}

static __always_inline void read_unix_path(char *dst, struct unix_sock *u)
{
	struct unix_address *addr = BPF_CORE_READ(u, addr);
	int len;

	if (!addr)
		return;
	len = BPF_CORE_READ(addr, len);
	if (len <= 2) /* unnamed: sa_family only */
		return;
	bpf_probe_read_kernel(dst, TT_UNIX_PATH, &addr->name[0].sun_path);
	if (dst[0] == 0)
		dst[0] = '@';
}

static __always_inline void emit_conn(__u64 pid_tgid, int fd, struct sockfacts *f, __u8 role,
				      __u8 origin)
{
	struct tt_counters *c = get_counters();
	struct tt_ev_conn *e;
	__u8 one = 1;

	bpf_map_update_elem(&known_socks, &f->ino, &one, BPF_ANY);
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		if (c)
			c->lost_events++;
		lost_unmarked();
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	fill_hdr(&e->h, TT_EV_CONN, pid_tgid);
	e->h.lost_before = lost_seq_now();
	e->sock_ino = f->ino;
	e->fd = fd;
	e->sock_type = f->type;
	e->protocol = f->family == AF_UNIX ? 0 : f->protocol;
	e->family = f->family;
	e->role = role;
	e->origin = origin;
	if (f->family == AF_UNIX) {
		struct unix_sock *u = (struct unix_sock *)f->sk;
		struct unix_sock *peer = (struct unix_sock *)BPF_CORE_READ(u, peer);

		e->local.family = AF_UNIX;
		e->remote.family = AF_UNIX;
		read_unix_path(e->unix_path, u);
		if (peer) {
			e->unix_peer_ino = sk_ino(&peer->sk);
			if (!e->unix_path[0])
				read_unix_path(e->unix_path, peer);
		}
	} else {
		read_addr(&e->local, f->sk, f->family, false);
		read_addr(&e->remote, f->sk, f->family, true);
	}
	if (c)
		c->events++;
	bpf_ringbuf_submit(e, wake_flags(sizeof(*e) + 8, true));
}

/*
 * First data on a socket not seen at connect/accept: describe it once. Called at syscall exit,
 * so a UDP socket autobound by this very send already has its local port.
 */
static __always_inline void ensure_conn(__u64 pid_tgid, struct stash *st)
{
	struct sockfacts f = {};

	if (bpf_map_lookup_elem(&known_socks, &st->ino))
		return;
	f.ino = st->ino;
	f.sk = (struct sock *)st->sk;
	f.family = st->family;
	f.type = st->type;
	f.protocol = st->protocol;
	emit_conn(pid_tgid, st->fd, &f, ROLE_UNKNOWN, ORIGIN_FIRST_DATA);
}

/* ---- payload copy ------------------------------------------------------------------------- */

/*
 * Copies n bytes at user address base to offset `at` of the scratch payload (at + n <= TT_CHUNK).
 * Global and noinline, like send_chunk() and emit_payload(): the verifier checks each once.
 */
__noinline int copy_piece(__u64 base, __u64 n, __u64 at)
{
	__u32 zero = 0;
	struct scratch *s = get_scratch();
	struct tt_counters *c;

	if (!s)
		return -1;
	at &= TT_CHUNK - 1;
	if (n > TT_CHUNK)
		n = TT_CHUNK;
	barrier_var(n);
	if (n > TT_CHUNK)
		n = TT_CHUNK;
	if (n && bpf_probe_read_user(s->data + at, n, (void *)base)) {
		s->chunk_flags |= TT_EVF_COPY_FAULT;
		c = bpf_map_lookup_elem(&counters, &zero);
		if (c)
			c->copy_faults++;
	}
	return 0;
}

/*
 * Hands the scratch header and its n (<= TT_CHUNK) payload bytes, the call's bytes at offset off,
 * to the ring. Returns 0, or -1 when the ring was full (the call is then closed with a
 * header-only DROPPED piece).
 */
__noinline int send_chunk(__u64 n, __u64 off, __u64 want)
{
	__u32 zero = 0;
	struct scratch *s = get_scratch();
	struct tt_counters *c = bpf_map_lookup_elem(&counters, &zero);
	__u16 fl;

	if (!s)
		return -1;
	fl = s->base_flags | s->chunk_flags;
	s->chunk_flags = 0;
	if (n > TT_CHUNK)
		n = TT_CHUNK;
	barrier_var(n);
	if (n > TT_CHUNK)
		n = TT_CHUNK;
	if (off + n >= want)
		fl |= TT_EVF_LAST | (s->hdr.call_bytes > want ? TT_EVF_TRUNCATED : 0);
	s->hdr.h.flags = fl;
	s->hdr.seg_off = off;
	s->hdr.cap_len = n;
	if (out(&s->hdr, sizeof(s->hdr) + n, n, c) == 0)
		return 0;
	/* No room: try the header alone so the reader knows which call lost bytes. */
	s->hdr.h.flags = fl | TT_EVF_DROPPED | TT_EVF_LAST;
	s->hdr.cap_len = 0;
	if (c && want > off + n)
		c->lost_bytes += want - off - n;
	out(&s->hdr, sizeof(s->hdr), 0, c);
	return -1;
}

/*
 * Emits `want` bytes starting at user address `ptr` (niov == 0) or walking the iovec array at
 * `ptr` (niov entries), in pieces of TT_CHUNK bytes (the last one shorter). Consecutive iovecs
 * share a piece: a writev of headers + body is one ring event, not one per iovec. The per-CPU
 * scratch header is filled by the caller. Global and noinline: the verifier checks the loop once.
 */
__noinline int emit_payload(__u64 ptr, __u64 niov, __u64 want)
{
	__u32 zero = 0;
	struct scratch *s;
	struct tt_counters *c;
	__u64 done = 0, base = ptr, rem = niov ? 0 : want, idx = 0, fill = 0;
	int i;

	for (i = 0; i < TT_MAX_EMITS; i++) {
		__u64 n;

		if (done >= want)
			return 0;
		if (rem == 0) {
			struct iovec iv;

			if (!niov || idx >= niov)
				break;
			if (bpf_probe_read_user(&iv, sizeof(iv), (void *)(ptr + idx * sizeof(iv))))
				break;
			idx++;
			base = (__u64)iv.iov_base;
			rem = iv.iov_len;
			if (rem == 0)
				continue;
		}
		n = rem < want - done ? rem : want - done;
		if (n > TT_CHUNK - fill)
			n = TT_CHUNK - fill;
		if (copy_piece(base, n, fill))
			return 0;
		fill += n;
		done += n;
		base += n;
		rem -= n;
		if (fill == TT_CHUNK || done >= want) {
			if (send_chunk(fill, done - fill, want))
				return 0;
			fill = 0;
		}
	}
	if (done >= want)
		return 0;
	/* Loop cap or iovecs ran out before `want`: send what is filled, then close the call with
	 * a header-only piece. */
	if (fill && send_chunk(fill, done - fill, want))
		return 0;
	s = get_scratch();
	c = bpf_map_lookup_elem(&counters, &zero);
	if (!s)
		return 0;
	s->hdr.h.flags = s->base_flags | TT_EVF_LAST | TT_EVF_TRUNCATED;
	s->hdr.seg_off = done;
	s->hdr.cap_len = 0;
	if (c)
		c->truncated_bytes += want - done;
	out(&s->hdr, sizeof(s->hdr), 0, c);
	return 0;
}

static __always_inline struct scratch *prep(__u64 pid_tgid, struct stash *st, __u64 call_bytes,
					    __u16 msg_idx)
{
	struct scratch *s = get_scratch();

	if (!s)
		return NULL;
	fill_hdr(&s->hdr.h, TT_EV_DATA, pid_tgid);
	s->base_flags = st->flags | (st->family == AF_UNIX ? TT_EVF_UNIX : 0);
	s->chunk_flags = 0;
	s->hdr.h.flags = s->base_flags;
	s->hdr.ts_enter_ns = st->ts_enter;
	s->hdr.sock_ino = st->ino;
	s->hdr.call_bytes = call_bytes;
	s->hdr.seg_off = 0;
	s->hdr.cap_len = 0;
	s->hdr.fd = st->fd;
	s->hdr.dir = st->dir;
	s->hdr.syscall = st->sys;
	s->hdr.msg_idx = msg_idx;
	s->hdr.family = st->family;
	s->hdr.sock_type = st->type;
	return s;
}

static __always_inline __u64 capped(__u64 call_bytes, __u64 bufsize)
{
	__u64 want = call_bytes;

	if (want > bufsize) /* MSG_TRUNC can report more than the buffer held */
		want = bufsize;
	if (want > snaplen)
		want = snaplen;
	return want;
}

static __always_inline void note_truncated(__u64 call_bytes, __u64 want)
{
	struct tt_counters *c = get_counters();

	if (c && call_bytes > want)
		c->truncated_bytes += call_bytes - want;
}

/* ---- enter / exit ------------------------------------------------------------------------- */

/* The thread's stash entry, created on its first socket call; NULL if the map refused it. */
static __always_inline struct stash *stash_of(__u64 pid_tgid)
{
	struct stash *st = bpf_map_lookup_elem(&active_io, &pid_tgid);
	struct stash zero = {};

	if (st)
		return st;
	bpf_map_update_elem(&active_io, &pid_tgid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&active_io, &pid_tgid);
}

static __always_inline int do_enter(int fd, __u8 sys, __u8 dir, __u64 buf, __u64 count, __u16 flags)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sockfacts f = {};
	struct stash *st;

	if (!want_task(pid_tgid))
		return 0;
	if (!sock_of_fd(fd, &f))
		return 0;
	st = stash_of(pid_tgid);
	if (!st)
		return 0;
	st->ts_enter = bpf_ktime_get_boot_ns();
	st->buf = buf;
	st->count = count;
	st->ino = f.ino;
	st->fd = fd;
	st->sys = sys;
	st->dir = dir;
	st->family = f.family;
	st->type = f.type;
	st->flags = flags;
	st->protocol = f.protocol;
	st->sk = (__u64)f.sk;
	return 0;
}

/* The call pending on this thread, if its enter was recorded. Pair with done(). */
static __always_inline struct stash *take(__u64 pid_tgid)
{
	struct stash *st = bpf_map_lookup_elem(&active_io, &pid_tgid);

	return st && st->sys ? st : NULL;
}

static __always_inline void done(struct stash *st)
{
	st->sys = 0;
}

static __always_inline int do_exit_buf(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct stash *st = take(pid_tgid);
	struct scratch *s;
	__u64 want;

	if (!st)
		return 0;
	if (ret > 0) {
		ensure_conn(pid_tgid, st);
		want = capped(ret, st->count);
		s = prep(pid_tgid, st, ret, 0);
		if (s) {
			note_truncated(ret, want);
			emit_payload(st->buf, 0, want);
		}
	}
	done(st);
	return 0;
}

static __always_inline int do_exit_iov(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct stash *st = take(pid_tgid);
	struct scratch *s;
	__u64 want;

	if (!st)
		return 0;
	if (ret > 0) {
		ensure_conn(pid_tgid, st);
		want = capped(ret, ret);
		s = prep(pid_tgid, st, ret, 0);
		if (s) {
			note_truncated(ret, want);
			emit_payload(st->buf, st->count, want);
		}
	}
	done(st);
	return 0;
}

static __always_inline int do_exit_nopayload(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct stash *st = take(pid_tgid);
	struct tt_counters *c;
	struct scratch *s;

	if (!st)
		return 0;
	if (ret > 0) {
		ensure_conn(pid_tgid, st);
		s = prep(pid_tgid, st, ret, 0);
		c = get_counters();
		if (s) {
			s->hdr.h.flags |= TT_EVF_NO_PAYLOAD | TT_EVF_LAST;
			out(&s->hdr, sizeof(s->hdr), 0, c);
		}
	}
	done(st);
	return 0;
}

/* read/write family */
SEC("tracepoint/syscalls/sys_enter_read")
int tp_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], SYS_READ, DIR_INGRESS, ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_read")
int tp_exit_read(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_buf(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_write")
int tp_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], SYS_WRITE, DIR_EGRESS, ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_write")
int tp_exit_write(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_buf(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_readv")
int tp_enter_readv(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], SYS_READV, DIR_INGRESS, ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_readv")
int tp_exit_readv(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_iov(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_writev")
int tp_enter_writev(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], SYS_WRITEV, DIR_EGRESS, ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_writev")
int tp_exit_writev(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_iov(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_sendto")
int tp_enter_sendto(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], SYS_SENDTO, DIR_EGRESS, ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_sendto")
int tp_exit_sendto(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_buf(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int tp_enter_recvfrom(struct trace_event_raw_sys_enter *ctx)
{
	__u64 fl = ctx->args[3];

	if (fl & MSG_ERRQUEUE)
		return 0;
	return do_enter(ctx->args[0], SYS_RECVFROM, DIR_INGRESS, ctx->args[1], ctx->args[2],
			(fl & MSG_PEEK) ? TT_EVF_PEEK : 0);
}

SEC("tracepoint/syscalls/sys_exit_recvfrom")
int tp_exit_recvfrom(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_buf(ctx->ret);
}

/* sendmsg/recvmsg: the iovec array and count come from the user_msghdr. */
static __always_inline int enter_msg(struct trace_event_raw_sys_enter *ctx, __u8 sys, __u8 dir)
{
	struct user_msghdr *m = (struct user_msghdr *)ctx->args[1];
	__u64 fl = ctx->args[2];
	void *iov = NULL;
	__u64 iovlen = 0;

	if (fl & MSG_ERRQUEUE)
		return 0;
	bpf_probe_read_user(&iov, sizeof(iov), &m->msg_iov);
	bpf_probe_read_user(&iovlen, sizeof(iovlen), &m->msg_iovlen);
	return do_enter(ctx->args[0], sys, dir, (__u64)iov, iovlen,
			(dir == DIR_INGRESS && (fl & MSG_PEEK)) ? TT_EVF_PEEK : 0);
}

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int tp_enter_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	return enter_msg(ctx, SYS_SENDMSG, DIR_EGRESS);
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int tp_exit_sendmsg(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_iov(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int tp_enter_recvmsg(struct trace_event_raw_sys_enter *ctx)
{
	return enter_msg(ctx, SYS_RECVMSG, DIR_INGRESS);
}

SEC("tracepoint/syscalls/sys_exit_recvmsg")
int tp_exit_recvmsg(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_iov(ctx->ret);
}

/* sendmmsg/recvmmsg: ret is a message count; each message is its own DATA record. */
SEC("tracepoint/syscalls/sys_enter_sendmmsg")
int tp_enter_sendmmsg(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], SYS_SENDMMSG, DIR_EGRESS, ctx->args[1], ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_enter_recvmmsg")
int tp_enter_recvmmsg(struct trace_event_raw_sys_enter *ctx)
{
	__u64 fl = ctx->args[3];

	if (fl & MSG_ERRQUEUE)
		return 0;
	return do_enter(ctx->args[0], SYS_RECVMMSG, DIR_INGRESS, ctx->args[1], ctx->args[2],
			(fl & MSG_PEEK) ? TT_EVF_PEEK : 0);
}

static __always_inline int exit_mmsg(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct stash *st = take(pid_tgid);
	struct mmsghdr *vec;
	int i;

	if (!st)
		return 0;
	if (ret > 0)
		ensure_conn(pid_tgid, st);
	vec = (struct mmsghdr *)st->buf;
	for (i = 0; i < TT_MAX_MMSG && i < ret; i++) {
		void *iov = NULL;
		__u64 iovlen = 0;
		__u32 len = 0;
		struct scratch *s;
		__u64 want;

		bpf_probe_read_user(&len, sizeof(len), &vec[i].msg_len);
		bpf_probe_read_user(&iov, sizeof(iov), &vec[i].msg_hdr.msg_iov);
		bpf_probe_read_user(&iovlen, sizeof(iovlen), &vec[i].msg_hdr.msg_iovlen);
		if (len == 0)
			continue;
		want = capped(len, len);
		s = prep(pid_tgid, st, len, i);
		if (!s)
			break;
		note_truncated(len, want);
		emit_payload((__u64)iov, iovlen, want);
	}
	done(st);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendmmsg")
int tp_exit_sendmmsg(struct trace_event_raw_sys_exit *ctx)
{
	return exit_mmsg(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_recvmmsg")
int tp_exit_recvmmsg(struct trace_event_raw_sys_exit *ctx)
{
	return exit_mmsg(ctx->ret);
}

/* sendfile/splice: a byte count, no user buffer. */
SEC("tracepoint/syscalls/sys_enter_sendfile64")
int tp_enter_sendfile64(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], SYS_SENDFILE, DIR_EGRESS, 0, ctx->args[3], 0);
}

SEC("tracepoint/syscalls/sys_exit_sendfile64")
int tp_exit_sendfile64(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_nopayload(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_splice")
int tp_enter_splice(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sockfacts f = {};

	if (!want_task(pid_tgid))
		return 0;
	/* fd_out a socket: egress; else fd_in a socket: ingress. */
	if (sock_of_fd(ctx->args[2], &f))
		return do_enter(ctx->args[2], SYS_SPLICE, DIR_EGRESS, 0, ctx->args[4], 0);
	return do_enter(ctx->args[0], SYS_SPLICE, DIR_INGRESS, 0, ctx->args[4], 0);
}

SEC("tracepoint/syscalls/sys_exit_splice")
int tp_exit_splice(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_nopayload(ctx->ret);
}

/* ---- connection lifecycle ----------------------------------------------------------------- */

SEC("tracepoint/syscalls/sys_enter_connect")
int tp_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct stash *st;

	if (!want_task(pid_tgid))
		return 0;
	st = stash_of(pid_tgid);
	if (!st)
		return 0;
	st->fd = ctx->args[0];
	st->sys = SYS_CONNECT;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int tp_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct stash *st = take(pid_tgid);
	struct sockfacts f = {};
	int fd;

	if (!st)
		return 0;
	fd = st->fd;
	done(st);
	if (ctx->ret != 0 && ctx->ret != -EINPROGRESS)
		return 0;
	if (!sock_of_fd(fd, &f))
		return 0;
	emit_conn(pid_tgid, fd, &f, ROLE_CLIENT, ORIGIN_CONNECT);
	return 0;
}

static __always_inline int exit_accept(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sockfacts f = {};

	if (ret < 0 || !want_task(pid_tgid))
		return 0;
	if (!sock_of_fd(ret, &f))
		return 0;
	emit_conn(pid_tgid, ret, &f, ROLE_SERVER, ORIGIN_ACCEPT);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tp_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return exit_accept(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tp_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return exit_accept(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_close")
int tp_enter_close(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct tt_counters *c;
	struct sockfacts f = {};
	struct tt_ev_close *e;
	int fd = ctx->args[0];

	if (!want_task(pid_tgid))
		return 0;
	if (!sock_of_fd(fd, &f))
		return 0;
	if (!bpf_map_lookup_elem(&known_socks, &f.ino))
		return 0;
	c = get_counters();
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		if (c)
			c->lost_events++;
		lost_unmarked();
		return 0;
	}
	fill_hdr(&e->h, TT_EV_CLOSE, pid_tgid);
	e->h.lost_before = lost_seq_now();
	e->sock_ino = f.ino;
	e->fd = fd;
	e->pad = 0;
	if (c)
		c->events++;
	bpf_ringbuf_submit(e, wake_flags(sizeof(*e) + 8, true));
	return 0;
}

/* ---- processes ---------------------------------------------------------------------------- */

static __always_inline bool comm_matches(const char *comm)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline struct tt_ev_proc *proc_event(__u16 type, __u64 pid_tgid,
						     struct task_struct *task)
{
	struct tt_counters *c = get_counters();
	struct tt_ev_proc *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e) {
		if (c)
			c->lost_events++;
		lost_unmarked();
		return NULL;
	}
	fill_hdr(&e->h, type, pid_tgid);
	e->h.lost_before = lost_seq_now();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = BPF_CORE_READ(task, cred, uid.val);
	e->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	e->filename[0] = 0;
	if (c)
		c->events++;
	return e;
}

SEC("tracepoint/sched/sched_process_exec")
int tp_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = pid_tgid >> 32;
	struct tt_ev_proc *e;
	unsigned int loc;

	if (tgid == self_tgid)
		return 0;
	if (filter_mode == TT_FILTER_TGIDS && filter_comm[0]) {
		char comm[16] = {};

		bpf_get_current_comm(comm, sizeof(comm));
		if (comm_matches(comm)) {
			__u8 one = 1;

			bpf_map_update_elem(&traced_tgids, &tgid, &one, BPF_ANY);
		}
	}
	if (!want_task(pid_tgid))
		return 0;
	e = proc_event(TT_EV_EXEC, pid_tgid, task);
	if (!e)
		return 0;
	e->cgroup_id = bpf_get_current_cgroup_id();
	loc = ctx->__data_loc_filename;
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (void *)ctx + (loc & 0xffff));
	bpf_ringbuf_submit(e, wake_flags(sizeof(*e) + 8, true));
	return 0;
}

/* tp_btf: the child task is at hand, so threads can be told from processes. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid, ctgid, cpid;
	struct tt_ev_proc *e;

	if (!parent || !child)
		return 0;
	ptgid = BPF_CORE_READ(parent, tgid);
	ctgid = BPF_CORE_READ(child, tgid);
	cpid = BPF_CORE_READ(child, pid);
	if (ctgid != cpid || ptgid == self_tgid)
		return 0; /* a new thread, or our own command-mode child (seeded by user space) */
	if (filter_mode == TT_FILTER_TGIDS) {
		__u8 one = 1;

		if (!bpf_map_lookup_elem(&traced_tgids, &ptgid))
			return 0;
		bpf_map_update_elem(&traced_tgids, &ctgid, &one, BPF_ANY);
	}
	if (filter_cgroups) {
		__u64 cg = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroups, &cg))
			return 0;
	}
	e = proc_event(TT_EV_FORK, ((__u64)ctgid << 32) | cpid, child);
	if (!e)
		return 0;
	e->ppid = ptgid;
	e->start_ns = BPF_CORE_READ(child, start_boottime);
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_ringbuf_submit(e, wake_flags(sizeof(*e) + 8, true));
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int tp_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = pid_tgid >> 32;
	struct tt_counters *c;
	struct tt_ev_exit *e;

	bpf_map_delete_elem(&active_io, &pid_tgid);
	if (tgid != (__u32)pid_tgid)
		return 0; /* a thread */
	if (!want_task(pid_tgid))
		return 0;
	if (filter_mode == TT_FILTER_TGIDS)
		bpf_map_delete_elem(&traced_tgids, &tgid);
	c = get_counters();
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		if (c)
			c->lost_events++;
		lost_unmarked();
		return 0;
	}
	fill_hdr(&e->h, TT_EV_EXIT, pid_tgid);
	e->h.lost_before = lost_seq_now();
	e->start_ns = BPF_CORE_READ(task, start_boottime);
	e->exit_code = BPF_CORE_READ(task, exit_code);
	e->pad = 0;
	if (c)
		c->events++;
	bpf_ringbuf_submit(e, wake_flags(sizeof(*e) + 8, true));
	return 0;
}
