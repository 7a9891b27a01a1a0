/* SPDX-License-Identifier: MIT */
/*
 * bpf/tinytap.h - events the BPF side hands to tinytap-record through the ring buffer.
 *
 * Shared by bpf/tinytap.bpf.c and capture/: fixed-width fields, explicit padding, no includes
 * (the includer provides __u8..__u64). Values that end up in the file are spelled here again
 * rather than taken from format/record.h, which has no place in a BPF object: capture/loop.c
 * _Static_asserts every size and every such value against format/record.h (and the Linux ones
 * against the C library's), so the two cannot drift apart.
 */
#ifndef TINYTAP_BPF_H
#define TINYTAP_BPF_H

#define TT_CHUNK     16384 /* payload bytes per DATA event (per-CPU scratch limit) */
#define TT_MAX_EMITS 160   /* DATA events per call at most: 2.5 MiB of payload */
#define TT_MAX_MMSG  8	   /* messages of one sendmmsg/recvmmsg walked */
#define TT_UNIX_PATH 108
#define TT_MAX_PORTS 16 /* --port: ports in filter_ports at most */

enum tt_ev_type {
	TT_EV_DATA = 1,
	TT_EV_CONN = 2,
	TT_EV_CLOSE = 3,
	TT_EV_EXEC = 4,
	TT_EV_EXIT = 5,
	TT_EV_FORK = 6,
};

/* DATA: enum tt_syscall of format/record.h (connect is not a DATA syscall: tinytap.bpf.c
 * numbers it privately, above these). */
enum tt_ev_sys {
	TT_EV_SYS_READ = 1,
	TT_EV_SYS_WRITE = 2,
	TT_EV_SYS_READV = 3,
	TT_EV_SYS_WRITEV = 4,
	TT_EV_SYS_SENDTO = 5,
	TT_EV_SYS_RECVFROM = 6,
	TT_EV_SYS_SENDMSG = 7,
	TT_EV_SYS_RECVMSG = 8,
	TT_EV_SYS_SENDMMSG = 9,
	TT_EV_SYS_RECVMMSG = 10,
	TT_EV_SYS_SENDFILE = 11,
	TT_EV_SYS_SPLICE = 12,
	/* TLS plaintext (DATA with TT_EVF_TLS): the OpenSSL function that returned the bytes */
	TT_EV_SYS_SSL_READ = 13,
	TT_EV_SYS_SSL_WRITE = 14,
	TT_EV_SYS_SSL_READ_EX = 15,
	TT_EV_SYS_SSL_WRITE_EX = 16,
};

/* DATA: enum tt_dir. */
enum tt_ev_dir {
	TT_EV_DIR_EGRESS = 0,
	TT_EV_DIR_INGRESS = 1,
};

/* CONN: enum tt_role and enum tt_conn_origin. */
enum tt_ev_role {
	TT_EV_ROLE_UNKNOWN = 0,
	TT_EV_ROLE_CLIENT = 1,
	TT_EV_ROLE_SERVER = 2,
};
enum tt_ev_origin {
	TT_EV_ORIGIN_CONNECT = 1,
	TT_EV_ORIGIN_ACCEPT = 2,
	TT_EV_ORIGIN_FIRST_DATA = 3,
};

/* Linux values, compared with and copied from the kernel's socket as they are: address
 * families (TT_AF_* in the file), socket types and protocols (CONN sock_type, protocol). */
#define TT_EV_AF_UNIX	  1
#define TT_EV_AF_INET	  2
#define TT_EV_AF_INET6	  10
#define TT_EV_SOCK_STREAM 1
#define TT_EV_SOCK_DGRAM  2
#define TT_EV_IPPROTO_TCP 6
#define TT_EV_IPPROTO_UDP 17

/* Event header flags (DATA): values of format/record.h TT_DATA_* in the low bits. */
#define TT_EVF_TRUNCATED  (1u << 0)
#define TT_EVF_NO_PAYLOAD (1u << 1)
#define TT_EVF_COPY_FAULT (1u << 2)
#define TT_EVF_DROPPED	  (1u << 3)
#define TT_EVF_PEEK	  (1u << 4)
#define TT_EVF_UNIX	  (1u << 5)
#define TT_EVF_TLS	  (1u << 6) /* TLS plaintext from an OpenSSL uprobe, not wire bytes */
#define TT_EVF_LAST	  (1u << 15) /* last event of this call (or mmsg message) */

/* Filter modes (rodata). */
#define TT_FILTER_ALL	0
#define TT_FILTER_TGIDS 1 /* only tgids in the traced_tgids map (and their children) */

struct tt_ev_hdr {
	__u16 type;
	__u16 flags;
	__u32 lost_before; /* lost_seq (tinytap.bpf.c) when this event was reserved, low 32 bits */
	__u64 ts_ns;	   /* bpf_ktime_get_boot_ns() */
	__u32 tgid;
	__u32 tid;
};

/* One piece (at most TT_CHUNK bytes) of a read/write call; user space merges the pieces. */
struct tt_ev_data {
	struct tt_ev_hdr h;
	__u64 ts_enter_ns;
	__u64 sock_ino;
	__u64 call_bytes; /* the call's true byte count */
	__u64 seg_off;	  /* offset of these bytes within the call */
	__u32 cap_len;	  /* payload bytes that follow */
	__s32 fd;
	__u8 dir;     /* 0 egress, 1 ingress */
	__u8 syscall; /* format/record.h enum tt_syscall */
	__u16 msg_idx;
	__u16 family;
	__u16 sock_type;
	/* followed by cap_len bytes */
};

struct tt_ev_addr {
	__u16 family;
	__u16 port; /* host order */
	__u32 scope_id;
	__u8 addr[16];
};

struct tt_ev_conn {
	struct tt_ev_hdr h;
	__u64 sock_ino;
	__s32 fd;
	__u16 sock_type;
	__u8 role;
	__u8 origin;
	__u16 protocol;
	__u16 family;
	__u32 pad;
	struct tt_ev_addr local;
	struct tt_ev_addr remote;
	__u64 unix_peer_ino;
	char unix_path[TT_UNIX_PATH];
	__u32 pad2;
};

struct tt_ev_close {
	struct tt_ev_hdr h;
	__u64 sock_ino;
	__s32 fd;
	__u32 pad;
};

/* EXEC and FORK (a new process, not a thread) share this layout. */
struct tt_ev_proc {
	struct tt_ev_hdr h;
	__u32 ppid;
	__u32 uid;
	__u64 cgroup_id;
	__u64 start_ns;
	char comm[16];
	char filename[256]; /* EXEC only */
};

struct tt_ev_exit {
	struct tt_ev_hdr h;
	__u64 start_ns;
	__s32 exit_code;
	__u32 pad;
};

/* Per-CPU counters (map "counters", one entry). */
struct tt_counters {
	__u64 events;	       /* events handed to the ring */
	__u64 bytes;	       /* payload bytes handed to the ring */
	__u64 lost_events;     /* events the ring had no room for */
	__u64 lost_bytes;      /* payload bytes of those events */
	__u64 truncated_bytes; /* bytes not captured because of the snaplen or the emit cap */
	__u64 copy_faults;
	__u64 stash_miss; /* syscall exits without a matching enter */
	__u64 tls_no_fd;  /* SSL calls with bytes whose socket was never seen (not recorded) */
};

#endif
