// SPDX-License-Identifier: GPL-2.0
/*
 * bpf/tinytap.bpf.c - copy the payload of socket reads and writes to a ring buffer.
 *
 * Syscall entry and exit: enter stashes the arguments (and the socket facts, so file I/O costs
 * one fdtable check), exit copies min(ret, snaplen) bytes in TT_CHUNK pieces through a per-CPU
 * scratch buffer with bpf_ringbuf_output() of the exact size. Nothing is formatted here; every
 * event the ring cannot take is counted per CPU.
 *
 * Two ways in, chosen at load time by user space (capture/attach.c), the same work behind them:
 * one raw_tp/sys_enter + raw_tp/sys_exit pair dispatching on the syscall number (no perf trace
 * buffer: the fast path), or one tracepoint/syscalls/sys_{enter,exit}_NAME program per syscall
 * (the fallback). Likewise fork: tp_btf, or raw_tp where BTF-typed programs cannot load; and the
 * clock: the boot-time helper, or CLOCK_MONOTONIC plus the offset user space keeps in
 * mono_to_boot_ns.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "bpf/tinytap.h"

#define S_IFMT	     00170000
#define S_IFSOCK     0140000
#define MSG_PEEK     2
#define MSG_ERRQUEUE 0x2000
#define EINPROGRESS  115

/* The stash's sys for a pending connect(): not a DATA syscall, above enum tt_ev_sys. */
#define SYS_CONNECT 100
_Static_assert(SYS_CONNECT > TT_EV_SYS_SPLICE, "SYS_CONNECT is not a DATA syscall");

const volatile __u32 self_tgid = 0;
const volatile __u32 filter_mode = TT_FILTER_ALL;
const volatile __u32 filter_cgroups = 0; /* 1: only cgroup ids in the cgroups map */
/* --container: cgroups created after the start (larger ids) pass until user space decides */
const volatile __u64 cgroup_new_above = 0;
/* --port: the ports, 0 after the last one; all 0: any port. */
const volatile __u16 filter_ports[TT_MAX_PORTS] = {};
const volatile __u32 capture_udp = 0;
const volatile __u64 snaplen = 256 * 1024;
const volatile char filter_comm[16] = {};
const volatile __u64 wake_bytes = 8 * 1024 * 1024; /* ring/8: wake the consumer past this */
const volatile __u32 tls_enabled = 0; /* the OpenSSL uprobes are attached (not --no-tls) */
/* 0: no bpf_ktime_get_boot_ns (a kernel before 5.8 with the ring buffer backported, or forced):
 * CLOCK_MONOTONIC plus mono_to_boot_ns, which user space sets at load and refreshes every second
 * (the two clocks part only while the machine is suspended). Known at load, so the verifier
 * removes the branch not taken and never sees the helper this kernel lacks. */
const volatile __u32 use_boot_ns = 1;
__u64 mono_to_boot_ns = 0;

static __always_inline __u64 now_ns(void)
{
	if (use_boot_ns)
		return bpf_ktime_get_boot_ns();
	return bpf_ktime_get_ns() + *(volatile __u64 *)&mono_to_boot_ns;
}

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

/*
 * An event the ring had no room for: the per-CPU counters (atomic adds: a uprobe program can be
 * preempted by a syscall program on its CPU; this path is rare, so they cost nothing that
 * matters) and, when nothing in the ring marks the hole, lost_seq -- first: user space reads the
 * counters, then lost_seq, so an unmarked loss it sees in the counters is always in the lost_seq
 * it reads next, and it never takes an unmarked loss for a marked one (capture/loop.c).
 */
static __always_inline void count_lost(struct tt_counters *c, __u64 payload, bool marked)
{
	if (!marked)
		__sync_fetch_and_add(&lost_seq, 1);
	if (c) {
		__sync_fetch_and_add(&c->lost_events, 1);
		if (payload)
			__sync_fetch_and_add(&c->lost_bytes, payload);
	}
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
	__u16 in_ssl; /* an OpenSSL read/write of this thread is under way (ssl_calls) */
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

/*
 * --cgroup / --container: the cgroups map says 1 (record) or 0 (not). A cgroup with no entry is
 * left out, unless cgroup_new_above is set and its id is larger (ids only grow): one created
 * after the start, that user space has not decided yet (a container started later is recorded
 * from its first process; user space writes the entry within milliseconds).
 */
static __always_inline bool cgroup_wanted(void)
{
	__u64 cg = bpf_get_current_cgroup_id();
	__u8 *v = bpf_map_lookup_elem(&cgroups, &cg);

	if (v)
		return *v;
	return cgroup_new_above && cg > cgroup_new_above;
}

static __always_inline bool want_task(__u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32;

	if (tgid == self_tgid)
		return false;
	if (filter_mode == TT_FILTER_TGIDS && !bpf_map_lookup_elem(&traced_tgids, &tgid))
		return false;
	if (filter_cgroups && !cgroup_wanted())
		return false;
	return true;
}

/*
 * --port: is the socket's local or remote port one of filter_ports? Unrolled (no loop for the
 * verifier of older kernels), and it stops at the first empty slot. filter_ports is read-only
 * data, so the verifier knows every slot's value and checks only the paths of the used ones.
 */
static __always_inline bool port_wanted(struct sock *sk)
{
	__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	int i;

#pragma unroll
	for (i = 0; i < TT_MAX_PORTS; i++) {
		__u16 port = filter_ports[i];

		if (!port)
			break;
		if (port == lport || port == rport)
			return true;
	}
	return false;
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

	if (f->family == TT_EV_AF_UNIX) {
		if (f->type != TT_EV_SOCK_STREAM || filter_ports[0])
			return false;
	} else if (f->family == TT_EV_AF_INET || f->family == TT_EV_AF_INET6) {
		if (f->type == TT_EV_SOCK_STREAM) {
			if (f->protocol != TT_EV_IPPROTO_TCP)
				return false;
		} else if (f->type == TT_EV_SOCK_DGRAM) {
			if (!capture_udp || f->protocol != TT_EV_IPPROTO_UDP)
				return false;
		} else {
			return false;
		}
		if (filter_ports[0] && !port_wanted(sk))
			return false;
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
		/* a payload piece is followed by its DROPPED piece, which marks the hole */
		count_lost(c, payload, payload != 0);
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
	h->ts_ns = now_ns();
	h->tgid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
}

static __always_inline void read_addr(struct tt_ev_addr *a, struct sock *sk, __u16 family,
				      bool remote)
{
	a->family = family;
	if (family == TT_EV_AF_INET) {
		__u32 ip = remote ? BPF_CORE_READ(sk, __sk_common.skc_daddr)
				  : BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__builtin_memcpy(a->addr, &ip, 4);
	} else if (family == TT_EV_AF_INET6) {
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
		count_lost(c, 0, false);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	fill_hdr(&e->h, TT_EV_CONN, pid_tgid);
	e->h.lost_before = lost_seq_now();
	e->sock_ino = f->ino;
	e->fd = fd;
	e->sock_type = f->type;
	e->protocol = f->family == TT_EV_AF_UNIX ? 0 : f->protocol;
	e->family = f->family;
	e->role = role;
	e->origin = origin;
	if (f->family == TT_EV_AF_UNIX) {
		struct unix_sock *u = (struct unix_sock *)f->sk;
		struct unix_sock *peer = (struct unix_sock *)BPF_CORE_READ(u, peer);

		e->local.family = TT_EV_AF_UNIX;
		e->remote.family = TT_EV_AF_UNIX;
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
	emit_conn(pid_tgid, st->fd, &f, TT_EV_ROLE_UNKNOWN, TT_EV_ORIGIN_FIRST_DATA);
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
		__sync_fetch_and_add(&c->lost_bytes, want - off - n);
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
	s->base_flags = st->flags | (st->family == TT_EV_AF_UNIX ? TT_EVF_UNIX : 0);
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

/* ---- TLS plaintext: OpenSSL uprobes ------------------------------------------------------- */

/*
 * An SSL_read/SSL_write (or _ex) in flight on a thread: its arguments, and the socket of the
 * first socket read/write the same thread made inside it (the nested-syscall rule: no per-version
 * struct offsets). `st` is shaped like a syscall stash so the payload path is the same.
 */
struct ssl_call {
	struct stash st; /* st.fd < 0: no socket syscall seen inside the call yet */
	__u64 ssl;	 /* the SSL * */
	__u64 len_ptr;	 /* _ex: the size_t * that receives the byte count, else 0 */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* pid_tgid */
	__type(value, struct ssl_call);
} ssl_calls SEC(".maps");

/* The last socket seen for an SSL *: SSL_read may return buffered plaintext with no syscall. */
struct ssl_key {
	__u32 tgid;
	__u32 pad;
	__u64 ssl;
};

struct ssl_sock {
	__u64 ino;
	__u64 sk;
	__s32 fd;
	__u16 family;
	__u16 type;
	__u16 protocol;
	__u16 pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ssl_key);
	__type(value, struct ssl_sock);
} ssl_socks SEC(".maps");

/* Called by do_enter() for a socket call of a thread inside an SSL call. */
static __always_inline void ssl_note_sock(__u64 pid_tgid, struct stash *st)
{
	struct ssl_call *sc = bpf_map_lookup_elem(&ssl_calls, &pid_tgid);

	if (!sc || sc->st.fd >= 0)
		return;
	sc->st.fd = st->fd;
	sc->st.ino = st->ino;
	sc->st.sk = st->sk;
	sc->st.family = st->family;
	sc->st.type = st->type;
	sc->st.protocol = st->protocol;
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

/*
 * Enter, in two halves so that the raw_tp path reads a call's other arguments only once fd is
 * known to be a recorded socket: enter_sock() checks the task and the fd and returns the
 * thread's stash (NULL: not recorded), enter_fill() completes it.
 */
static __always_inline struct stash *enter_sock(int fd, struct sockfacts *f)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!want_task(pid_tgid))
		return NULL;
	if (!sock_of_fd(fd, f))
		return NULL;
	return stash_of(pid_tgid);
}

static __always_inline int enter_fill(struct stash *st, struct sockfacts *f, int fd, __u8 sys,
				      __u8 dir, __u64 buf, __u64 count, __u16 flags)
{
	st->ts_enter = now_ns();
	st->buf = buf;
	st->count = count;
	st->ino = f->ino;
	st->fd = fd;
	st->sys = sys;
	st->dir = dir;
	st->family = f->family;
	st->type = f->type;
	st->flags = flags;
	st->protocol = f->protocol;
	st->sk = (__u64)f->sk;
	if (tls_enabled && st->in_ssl)
		ssl_note_sock(bpf_get_current_pid_tgid(), st);
	return 0;
}

static __always_inline int do_enter(int fd, __u8 sys, __u8 dir, __u64 buf, __u64 count, __u16 flags)
{
	struct sockfacts f = {};
	struct stash *st = enter_sock(fd, &f);

	if (!st)
		return 0;
	return enter_fill(st, &f, fd, sys, dir, buf, count, flags);
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
	return do_enter(ctx->args[0], TT_EV_SYS_READ, TT_EV_DIR_INGRESS, ctx->args[1], ctx->args[2],
			0);
}

SEC("tracepoint/syscalls/sys_exit_read")
int tp_exit_read(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_buf(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_write")
int tp_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], TT_EV_SYS_WRITE, TT_EV_DIR_EGRESS, ctx->args[1], ctx->args[2],
			0);
}

SEC("tracepoint/syscalls/sys_exit_write")
int tp_exit_write(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_buf(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_readv")
int tp_enter_readv(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], TT_EV_SYS_READV, TT_EV_DIR_INGRESS, ctx->args[1],
			ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_readv")
int tp_exit_readv(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_iov(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_writev")
int tp_enter_writev(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], TT_EV_SYS_WRITEV, TT_EV_DIR_EGRESS, ctx->args[1],
			ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_writev")
int tp_exit_writev(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_iov(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_sendto")
int tp_enter_sendto(struct trace_event_raw_sys_enter *ctx)
{
	return do_enter(ctx->args[0], TT_EV_SYS_SENDTO, TT_EV_DIR_EGRESS, ctx->args[1],
			ctx->args[2], 0);
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
	return do_enter(ctx->args[0], TT_EV_SYS_RECVFROM, TT_EV_DIR_INGRESS, ctx->args[1],
			ctx->args[2], (fl & MSG_PEEK) ? TT_EVF_PEEK : 0);
}

SEC("tracepoint/syscalls/sys_exit_recvfrom")
int tp_exit_recvfrom(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_buf(ctx->ret);
}

/* sendmsg/recvmsg: the iovec array and count come from the user_msghdr. */
static __always_inline int enter_msg(int fd, __u64 msg, __u64 fl, __u8 sys, __u8 dir)
{
	struct user_msghdr *m = (struct user_msghdr *)msg;
	struct sockfacts f = {};
	struct stash *st;
	void *iov = NULL;
	__u64 iovlen = 0;

	if (fl & MSG_ERRQUEUE)
		return 0;
	st = enter_sock(fd, &f);
	if (!st)
		return 0;
	bpf_probe_read_user(&iov, sizeof(iov), &m->msg_iov);
	bpf_probe_read_user(&iovlen, sizeof(iovlen), &m->msg_iovlen);
	return enter_fill(st, &f, fd, sys, dir, (__u64)iov, iovlen,
			  (dir == TT_EV_DIR_INGRESS && (fl & MSG_PEEK)) ? TT_EVF_PEEK : 0);
}

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int tp_enter_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	return enter_msg(ctx->args[0], ctx->args[1], ctx->args[2], TT_EV_SYS_SENDMSG,
			 TT_EV_DIR_EGRESS);
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int tp_exit_sendmsg(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_iov(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int tp_enter_recvmsg(struct trace_event_raw_sys_enter *ctx)
{
	return enter_msg(ctx->args[0], ctx->args[1], ctx->args[2], TT_EV_SYS_RECVMSG,
			 TT_EV_DIR_INGRESS);
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
	return do_enter(ctx->args[0], TT_EV_SYS_SENDMMSG, TT_EV_DIR_EGRESS, ctx->args[1],
			ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_enter_recvmmsg")
int tp_enter_recvmmsg(struct trace_event_raw_sys_enter *ctx)
{
	__u64 fl = ctx->args[3];

	if (fl & MSG_ERRQUEUE)
		return 0;
	return do_enter(ctx->args[0], TT_EV_SYS_RECVMMSG, TT_EV_DIR_INGRESS, ctx->args[1],
			ctx->args[2], (fl & MSG_PEEK) ? TT_EVF_PEEK : 0);
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
	return do_enter(ctx->args[0], TT_EV_SYS_SENDFILE, TT_EV_DIR_EGRESS, 0, ctx->args[3], 0);
}

SEC("tracepoint/syscalls/sys_exit_sendfile64")
int tp_exit_sendfile64(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_nopayload(ctx->ret);
}

/* fd_out a socket: egress; else fd_in a socket: ingress. */
static __always_inline int enter_splice(int fd_in, int fd_out, __u64 len)
{
	struct sockfacts f = {};
	struct stash *st = enter_sock(fd_out, &f);

	if (st)
		return enter_fill(st, &f, fd_out, TT_EV_SYS_SPLICE, TT_EV_DIR_EGRESS, 0, len, 0);
	return do_enter(fd_in, TT_EV_SYS_SPLICE, TT_EV_DIR_INGRESS, 0, len, 0);
}

SEC("tracepoint/syscalls/sys_enter_splice")
int tp_enter_splice(struct trace_event_raw_sys_enter *ctx)
{
	return enter_splice(ctx->args[0], ctx->args[2], ctx->args[4]);
}

SEC("tracepoint/syscalls/sys_exit_splice")
int tp_exit_splice(struct trace_event_raw_sys_exit *ctx)
{
	return do_exit_nopayload(ctx->ret);
}

/* ---- OpenSSL uprobes ---------------------------------------------------------------------- */

static __always_inline int ssl_enter(void *ssl, const void *buf, __u64 num, void *len_ptr, __u8 sys,
				     __u8 dir)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ssl_call *sc, zero = {};
	struct stash *st;

	if (!want_task(pid_tgid))
		return 0;
	st = stash_of(pid_tgid);
	if (!st)
		return 0;
	zero.st.fd = -1;
	if (bpf_map_update_elem(&ssl_calls, &pid_tgid, &zero, BPF_ANY))
		return 0;
	sc = bpf_map_lookup_elem(&ssl_calls, &pid_tgid);
	if (!sc)
		return 0;
	sc->st.ts_enter = now_ns();
	sc->st.buf = (__u64)buf;
	sc->st.count = num;
	sc->st.sys = sys;
	sc->st.dir = dir;
	sc->st.flags = TT_EVF_TLS;
	sc->ssl = (__u64)ssl;
	sc->len_ptr = (__u64)len_ptr;
	st->in_ssl = 1;
	return 0;
}

static __always_inline int ssl_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ssl_call *sc = bpf_map_lookup_elem(&ssl_calls, &pid_tgid);
	struct stash *st = bpf_map_lookup_elem(&active_io, &pid_tgid);
	struct ssl_key key = {};
	struct ssl_sock *ss;
	struct tt_counters *c;
	struct scratch *s;
	__u64 bytes = 0, want;

	if (st)
		st->in_ssl = 0;
	if (!sc || !sc->st.sys)
		return 0;
	key.tgid = pid_tgid >> 32;
	key.ssl = sc->ssl;
	if (sc->len_ptr) {
		/* SSL_read_ex/SSL_write_ex: 1 on success, the count in *len_ptr */
		if (ret == 1)
			bpf_probe_read_user(&bytes, sizeof(bytes), (void *)sc->len_ptr);
	} else if (ret > 0) {
		bytes = ret;
	}
	if (sc->st.fd >= 0) {
		struct ssl_sock v = {
		    .ino = sc->st.ino,
		    .sk = sc->st.sk,
		    .fd = sc->st.fd,
		    .family = sc->st.family,
		    .type = sc->st.type,
		    .protocol = sc->st.protocol,
		};

		bpf_map_update_elem(&ssl_socks, &key, &v, BPF_ANY);
	} else if (bytes) {
		ss = bpf_map_lookup_elem(&ssl_socks, &key);
		if (!ss) {
			c = get_counters();
			if (c)
				c->tls_no_fd++;
			sc->st.sys = 0;
			return 0;
		}
		sc->st.fd = ss->fd;
		sc->st.ino = ss->ino;
		sc->st.sk = ss->sk;
		sc->st.family = ss->family;
		sc->st.type = ss->type;
		sc->st.protocol = ss->protocol;
	}
	if (bytes) {
		ensure_conn(pid_tgid, &sc->st);
		want = capped(bytes, sc->st.count);
		s = prep(pid_tgid, &sc->st, bytes, 0);
		if (s) {
			note_truncated(bytes, want);
			emit_payload(sc->st.buf, 0, want);
		}
	}
	sc->st.sys = 0;
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(up_ssl_write, void *ssl, const void *buf, int num)
{
	return ssl_enter(ssl, buf, num > 0 ? num : 0, NULL, TT_EV_SYS_SSL_WRITE, TT_EV_DIR_EGRESS);
}

SEC("uprobe")
int BPF_KPROBE(up_ssl_read, void *ssl, void *buf, int num)
{
	return ssl_enter(ssl, buf, num > 0 ? num : 0, NULL, TT_EV_SYS_SSL_READ, TT_EV_DIR_INGRESS);
}

SEC("uprobe")
int BPF_KPROBE(up_ssl_write_ex, void *ssl, const void *buf, __u64 num, void *written)
{
	return ssl_enter(ssl, buf, num, written, TT_EV_SYS_SSL_WRITE_EX, TT_EV_DIR_EGRESS);
}

SEC("uprobe")
int BPF_KPROBE(up_ssl_read_ex, void *ssl, void *buf, __u64 num, void *readbytes)
{
	return ssl_enter(ssl, buf, num, readbytes, TT_EV_SYS_SSL_READ_EX, TT_EV_DIR_INGRESS);
}

/* One return probe for the four functions: the call's entry noted which one it was (and, for the
 * _ex ones, where the count goes), and three programs fewer to verify at load. */
SEC("uretprobe")
int BPF_KRETPROBE(urp_ssl, int ret)
{
	return ssl_exit(ret);
}

/* ---- connection lifecycle ----------------------------------------------------------------- */

static __always_inline int enter_connect(int fd)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct stash *st;

	if (!want_task(pid_tgid))
		return 0;
	st = stash_of(pid_tgid);
	if (!st)
		return 0;
	st->fd = fd;
	st->sys = SYS_CONNECT;
	return 0;
}

static __always_inline int exit_connect(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct stash *st = take(pid_tgid);
	struct sockfacts f = {};
	int fd;

	if (!st)
		return 0;
	fd = st->fd;
	done(st);
	if (ret != 0 && ret != -EINPROGRESS)
		return 0;
	if (!sock_of_fd(fd, &f))
		return 0;
	emit_conn(pid_tgid, fd, &f, TT_EV_ROLE_CLIENT, TT_EV_ORIGIN_CONNECT);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int tp_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	return enter_connect(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int tp_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	return exit_connect(ctx->ret);
}

static __always_inline int exit_accept(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sockfacts f = {};

	if (ret < 0 || !want_task(pid_tgid))
		return 0;
	if (!sock_of_fd(ret, &f))
		return 0;
	emit_conn(pid_tgid, ret, &f, TT_EV_ROLE_SERVER, TT_EV_ORIGIN_ACCEPT);
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

static __always_inline int enter_close(int fd)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct tt_counters *c;
	struct sockfacts f = {};
	struct tt_ev_close *e;

	if (!want_task(pid_tgid))
		return 0;
	if (!sock_of_fd(fd, &f))
		return 0;
	if (!bpf_map_lookup_elem(&known_socks, &f.ino))
		return 0;
	c = get_counters();
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		count_lost(c, 0, false);
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

SEC("tracepoint/syscalls/sys_enter_close")
int tp_enter_close(struct trace_event_raw_sys_enter *ctx)
{
	return enter_close(ctx->args[0]);
}

/* ---- raw_tp: one program at every syscall's entry, one at its exit -------------------------- */

/*
 * The fast path: the raw sys_enter/sys_exit tracepoints hand over the registers and the syscall
 * number without the perf trace buffer the per-syscall tracepoints fill for every call, at the
 * price of running for every syscall of the machine; a switch on the number sends ours to the
 * same work as the programs above and returns at once for the rest.
 *
 * Numbers: x86_64's own table, and arm64's generic one (include/uapi/asm-generic/unistd.h).
 * 32-bit compat syscalls (ia32 on x86_64, AArch32 on arm64) have other numbers and are skipped,
 * as the per-syscall tracepoints skip them.
 */
#if defined(__TARGET_ARCH_x86)
#define NR_READ	    0
#define NR_WRITE    1
#define NR_CLOSE    3
#define NR_READV    19
#define NR_WRITEV   20
#define NR_SENDFILE 40
#define NR_CONNECT  42
#define NR_ACCEPT   43
#define NR_SENDTO   44
#define NR_RECVFROM 45
#define NR_SENDMSG  46
#define NR_RECVMSG  47
#define NR_SPLICE   275
#define NR_ACCEPT4  288
#define NR_RECVMMSG 299
#define NR_SENDMMSG 307
#elif defined(__TARGET_ARCH_arm64)
#define NR_CLOSE    57
#define NR_READ	    63
#define NR_WRITE    64
#define NR_READV    65
#define NR_WRITEV   66
#define NR_SENDFILE 71
#define NR_SPLICE   76
#define NR_ACCEPT   202
#define NR_CONNECT  203
#define NR_SENDTO   206
#define NR_RECVFROM 207
#define NR_SENDMSG  211
#define NR_RECVMSG  212
#define NR_ACCEPT4  242
#define NR_RECVMMSG 243
#define NR_SENDMMSG 269
#else
#error "syscall numbers: x86 and arm64 only"
#endif

/* Only the fields read here, relocated against the running kernel's types (CO-RE). */
struct pt_regs___tt_x86 {
	unsigned long orig_ax;
} __attribute__((preserve_access_index));

struct pt_regs___tt_arm64 {
	__u64 pstate;
	__s32 syscallno;
} __attribute__((preserve_access_index));

struct thread_info___tt_x86 {
	__u32 status;
} __attribute__((preserve_access_index));

struct task_struct___tt_x86 {
	struct thread_info___tt_x86 thread_info;
} __attribute__((preserve_access_index));

#define TS_COMPAT_X86	   0x0002 /* arch/x86/include/asm/thread_info.h */
#define PSR_MODE32_BIT_ARM 0x10	  /* arch/arm64/include/uapi/asm/ptrace.h */

static __always_inline bool compat_syscall(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	struct task_struct___tt_x86 *t = (void *)bpf_get_current_task();

	(void)regs;
	if (!bpf_core_field_exists(t->thread_info.status))
		return false;
	return BPF_CORE_READ(t, thread_info.status) & TS_COMPAT_X86;
#else
	return BPF_CORE_READ((struct pt_regs___tt_arm64 *)regs, pstate) & PSR_MODE32_BIT_ARM;
#endif
}

static __always_inline long syscall_nr(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return (long)BPF_CORE_READ((struct pt_regs___tt_x86 *)regs, orig_ax);
#else
	return BPF_CORE_READ((struct pt_regs___tt_arm64 *)regs, syscallno);
#endif
}

#define ARG1 ((__u64)PT_REGS_PARM1_CORE_SYSCALL(regs))
#define ARG2 ((__u64)PT_REGS_PARM2_CORE_SYSCALL(regs))
#define ARG3 ((__u64)PT_REGS_PARM3_CORE_SYSCALL(regs))
#define ARG4 ((__u64)PT_REGS_PARM4_CORE_SYSCALL(regs))
#define ARG5 ((__u64)PT_REGS_PARM5_CORE_SYSCALL(regs))

/* A buffer call (read, write, sendto, recvfrom; readv, writev with an iovec array): the buffer
 * and its size are read only for a recorded socket. */
static __always_inline int rtp_enter_buf(struct pt_regs *regs, __u8 sys, __u8 dir, __u16 flags)
{
	struct sockfacts f = {};
	int fd = ARG1;
	struct stash *st = enter_sock(fd, &f);

	if (!st)
		return 0;
	return enter_fill(st, &f, fd, sys, dir, ARG2, ARG3, flags);
}

static __always_inline int rtp_enter_recv(struct pt_regs *regs, __u8 sys)
{
	__u64 fl = ARG4;

	if (fl & MSG_ERRQUEUE)
		return 0;
	return rtp_enter_buf(regs, sys, TT_EV_DIR_INGRESS, (fl & MSG_PEEK) ? TT_EVF_PEEK : 0);
}

/* The syscalls of ours: a 32-bit compat call with the same number is another call, skipped. */
#define NATIVE(call) (compat_syscall(regs) ? 0 : (call))

SEC("raw_tp/sys_enter")
int rtp_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

	switch ((long)ctx->args[1]) {
	case NR_READ:
		return NATIVE(rtp_enter_buf(regs, TT_EV_SYS_READ, TT_EV_DIR_INGRESS, 0));
	case NR_WRITE:
		return NATIVE(rtp_enter_buf(regs, TT_EV_SYS_WRITE, TT_EV_DIR_EGRESS, 0));
	case NR_READV:
		return NATIVE(rtp_enter_buf(regs, TT_EV_SYS_READV, TT_EV_DIR_INGRESS, 0));
	case NR_WRITEV:
		return NATIVE(rtp_enter_buf(regs, TT_EV_SYS_WRITEV, TT_EV_DIR_EGRESS, 0));
	case NR_SENDTO:
		return NATIVE(rtp_enter_buf(regs, TT_EV_SYS_SENDTO, TT_EV_DIR_EGRESS, 0));
	case NR_RECVFROM:
		return NATIVE(rtp_enter_recv(regs, TT_EV_SYS_RECVFROM));
	case NR_SENDMSG:
		return NATIVE(enter_msg(ARG1, ARG2, ARG3, TT_EV_SYS_SENDMSG, TT_EV_DIR_EGRESS));
	case NR_RECVMSG:
		return NATIVE(enter_msg(ARG1, ARG2, ARG3, TT_EV_SYS_RECVMSG, TT_EV_DIR_INGRESS));
	case NR_SENDMMSG:
		return NATIVE(rtp_enter_buf(regs, TT_EV_SYS_SENDMMSG, TT_EV_DIR_EGRESS, 0));
	case NR_RECVMMSG:
		return NATIVE(rtp_enter_recv(regs, TT_EV_SYS_RECVMMSG));
	case NR_SENDFILE:
		return NATIVE(do_enter(ARG1, TT_EV_SYS_SENDFILE, TT_EV_DIR_EGRESS, 0, ARG4, 0));
	case NR_SPLICE:
		return NATIVE(enter_splice(ARG1, ARG3, ARG5));
	case NR_CONNECT:
		return NATIVE(enter_connect(ARG1));
	case NR_CLOSE:
		return NATIVE(enter_close(ARG1));
	}
	return 0;
}

/*
 * Exit: the number comes from the registers (one read for every syscall of the machine; a stash
 * lookup would be a hash lookup for each). The calls above find their stash as the per-syscall
 * exit programs do; a compat call never made one. accept has no entry program: its compat twin
 * is skipped here.
 */
SEC("raw_tp/sys_exit")
int rtp_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	long ret = ctx->args[1];

	switch (syscall_nr(regs)) {
	case NR_READ:
	case NR_WRITE:
	case NR_SENDTO:
	case NR_RECVFROM:
		return do_exit_buf(ret);
	case NR_READV:
	case NR_WRITEV:
	case NR_SENDMSG:
	case NR_RECVMSG:
		return do_exit_iov(ret);
	case NR_SENDMMSG:
	case NR_RECVMMSG:
		return exit_mmsg(ret);
	case NR_SENDFILE:
	case NR_SPLICE:
		return do_exit_nopayload(ret);
	case NR_CONNECT:
		return exit_connect(ret);
	case NR_ACCEPT:
	case NR_ACCEPT4:
		return NATIVE(exit_accept(ret));
	}
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
		count_lost(c, 0, false);
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

/* The child task is at hand, so threads can be told from processes. tp_btf where it loads,
 * else raw_tp (the same task pointers, read with probe reads). */
static __always_inline int on_fork(struct task_struct *parent, struct task_struct *child)
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
	if (filter_cgroups && !cgroup_wanted())
		return 0;
	e = proc_event(TT_EV_FORK, ((__u64)ctgid << 32) | cpid, child);
	if (!e)
		return 0;
	e->ppid = ptgid;
	e->start_ns = BPF_CORE_READ(child, start_boottime);
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_ringbuf_submit(e, wake_flags(sizeof(*e) + 8, true));
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

SEC("raw_tp/sched_process_fork")
int rtp_fork(struct bpf_raw_tracepoint_args *ctx)
{
	return on_fork((struct task_struct *)ctx->args[0], (struct task_struct *)ctx->args[1]);
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
		count_lost(c, 0, false);
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
