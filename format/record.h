/* SPDX-License-Identifier: MIT */
/*
 * format/record.h - the records of a .tinytap file, as plain structs.
 *
 * These structs are the decoded, host-order view of the on-disk records described field by field
 * in FORMAT.md. On disk every record is little-endian with exactly this layout (the structs have
 * explicit padding and _Static_asserted sizes), so on little-endian hosts decoding is a bounded
 * copy. Fields are only ever appended: a reader given a shorter (older) record zero-fills the
 * missing tail, and a longer (newer) record has its unknown tail ignored.
 *
 * Ownership: plain data; a struct tt_record handed out by the reader borrows its payload pointer
 * from the reader until the next tt_reader_next() call.
 */
#ifndef TINYTAP_RECORD_H
#define TINYTAP_RECORD_H

#include <stdint.h>

#define TT_FORMAT_MAJOR 1
#define TT_FORMAT_MINOR 3

/* Record types. Values are stable forever; new types get new numbers. */
enum tt_rec_type {
	TT_REC_DATA = 1,	 /* payload bytes of one socket read/write call (or a segment of it) */
	TT_REC_CONN = 2,	 /* a socket's identity: family, addresses, role */
	TT_REC_CLOSE = 3,	 /* close() of a socket fd */
	TT_REC_PROCESS = 4,	 /* a process seen (exec, or already running at start) */
	TT_REC_PROCESS_EXIT = 5, /* a process exited */
	TT_REC_LOSS = 6,	 /* events/bytes the kernel could not hand over (ring full) */
	TT_REC_CLOCK_SYNC = 7,	 /* boot clock <-> wall clock pair */
	TT_REC_STATS = 8,	 /* cumulative recorder counters, written periodically */
	TT_REC_END = 9,		 /* last record of a cleanly finished recording, with totals */
	TT_REC_CGROUP = 10,	 /* what a cgroup is: path, container or systemd unit (once per id) */
	/* TLS plaintext (since 1.2): a DATA body whose bytes an OpenSSL read/write returned, not
	 * wire bytes. On disk only: the reader hands it out as TT_REC_DATA with TT_DATA_TLS set,
	 * and the writer stores a TT_REC_DATA with TT_DATA_TLS as this type, so a 1.0/1.1 reader
	 * skips it instead of mistaking plaintext for bytes of the socket. */
	TT_REC_TLS_DATA = 11,
	TT_REC_TLS_UNHOOKED = 12, /* a program whose TLS code the recorder cannot hook (since 1.3) */
};
#define TT_REC_TYPE_MAX 12

/* Directions, from the point of view of the process making the call. */
enum tt_dir {
	TT_DIR_EGRESS = 0,  /* the process wrote/sent these bytes */
	TT_DIR_INGRESS = 1, /* the process read/received these bytes */
};

/* Syscall that produced a DATA record. */
enum tt_syscall {
	TT_SYS_UNKNOWN = 0,
	TT_SYS_READ = 1,
	TT_SYS_WRITE = 2,
	TT_SYS_READV = 3,
	TT_SYS_WRITEV = 4,
	TT_SYS_SENDTO = 5,
	TT_SYS_RECVFROM = 6,
	TT_SYS_SENDMSG = 7,
	TT_SYS_RECVMSG = 8,
	TT_SYS_SENDMMSG = 9,
	TT_SYS_RECVMMSG = 10,
	TT_SYS_SENDFILE = 11,
	TT_SYS_SPLICE = 12,
	/* TLS plaintext (TT_DATA_TLS): the OpenSSL function that returned the bytes */
	TT_SYS_SSL_READ = 13,
	TT_SYS_SSL_WRITE = 14,
	TT_SYS_SSL_READ_EX = 15,
	TT_SYS_SSL_WRITE_EX = 16,
};
#define TT_SYS_MAX 16

/* DATA flags. */
#define TT_DATA_TRUNCATED (1u << 0)  /* capture stopped at the snaplen: cap_len < bytes of the call */
#define TT_DATA_NO_PAYLOAD (1u << 1) /* call carries no user buffer (sendfile/splice): bytes only */
#define TT_DATA_COPY_FAULT (1u << 2) /* the kernel could not copy some user memory (zeros stored) */
#define TT_DATA_DROPPED (1u << 3)    /* payload lost (ring full); only the header survived */
#define TT_DATA_PEEK (1u << 4)	     /* MSG_PEEK: the bytes will be read again */
#define TT_DATA_UNIX (1u << 5)	     /* AF_UNIX socket (also in CONN; here for convenience) */
/* TLS plaintext layer: set in every TLS_DATA record (type 11) and never in a DATA one; the
 * reader sets and clears it from the record type, so it alone tells the layers apart. */
#define TT_DATA_TLS (1u << 6)

/* Address families as stored in the file (Linux values). */
#define TT_AF_UNSPEC 0
#define TT_AF_UNIX 1
#define TT_AF_INET 2
#define TT_AF_INET6 10

struct tt_addr {
	uint16_t family; /* TT_AF_* */
	uint16_t port;	 /* host byte order; 0 for AF_UNIX */
	uint32_t scope_id;
	uint8_t addr[16]; /* IPv4 in the first 4 bytes, network order; IPv6 all 16 */
};
_Static_assert(sizeof(struct tt_addr) == 24, "tt_addr layout");

struct tt_rec_data {
	uint64_t ts_ns;	      /* boot-clock ns at syscall exit */
	uint64_t ts_enter_ns; /* boot-clock ns at syscall entry */
	uint64_t sock_id;     /* socket inode number (as in /proc/PID/fd socket:[N]) */
	uint32_t pid;	      /* tgid */
	uint32_t tid;
	int32_t fd;
	uint8_t dir;	    /* enum tt_dir */
	uint8_t syscall;    /* enum tt_syscall */
	uint16_t flags;	    /* TT_DATA_* */
	uint64_t call_bytes; /* true byte count of the call (its return value, or msg_len for mmsg) */
	uint64_t seg_off;    /* offset of the first captured byte within the call's bytes */
	uint32_t cap_len;    /* payload bytes that follow this fixed part */
	uint16_t msg_idx;    /* index of the message for sendmmsg/recvmmsg, else 0 */
	uint16_t reserved;
	/* followed by cap_len payload bytes */
};
_Static_assert(sizeof(struct tt_rec_data) == 64, "tt_rec_data layout");

enum tt_role {
	TT_ROLE_UNKNOWN = 0,
	TT_ROLE_CLIENT = 1, /* connect()ed */
	TT_ROLE_SERVER = 2, /* accept()ed */
};

enum tt_conn_origin {
	TT_ORIGIN_UNKNOWN = 0,
	TT_ORIGIN_CONNECT = 1,	  /* seen at connect() */
	TT_ORIGIN_ACCEPT = 2,	  /* seen at accept()/accept4() */
	TT_ORIGIN_FIRST_DATA = 3, /* socket existed before; seen at its first read/write */
	TT_ORIGIN_SNAPSHOT = 4,	  /* repeated at the start of a rotated file: still open then */
};

struct tt_rec_conn {
	uint64_t ts_ns;
	uint64_t sock_id;	 /* socket inode */
	uint32_t pid;
	uint32_t tid;
	int32_t fd;
	uint16_t sock_type;	 /* SOCK_STREAM=1, SOCK_DGRAM=2, ... */
	uint8_t role;		 /* enum tt_role */
	uint8_t origin;		 /* enum tt_conn_origin */
	uint16_t protocol;	 /* IPPROTO_TCP=6, IPPROTO_UDP=17, 0 for unix */
	uint16_t reserved;
	uint32_t reserved2;
	struct tt_addr local;
	struct tt_addr remote;
	uint64_t unix_peer_id;	 /* AF_UNIX: the peer socket's inode, 0 if unknown */
	char unix_path[108];	 /* AF_UNIX: bound path of either end, NUL-padded; '@' = abstract */
	uint32_t reserved3;
};
_Static_assert(sizeof(struct tt_rec_conn) == 208, "tt_rec_conn layout");

struct tt_rec_close {
	uint64_t ts_ns;
	uint64_t sock_id;
	uint32_t pid;
	uint32_t tid;
	int32_t fd;
	uint32_t reserved;
};
_Static_assert(sizeof(struct tt_rec_close) == 32, "tt_rec_close layout");

enum tt_proc_origin {
	TT_PROC_EXEC = 1, /* seen at exec */
	TT_PROC_SCAN = 2, /* already running when recording started (/proc scan) */
	TT_PROC_FORK = 3, /* a new process forked from a known one (comm/exe inherited) */
	TT_PROC_SNAPSHOT = 4, /* repeated at the start of a rotated file: still running then */
};

struct tt_rec_process {
	uint64_t ts_ns;
	uint32_t pid;
	uint32_t ppid;
	uint64_t cgroup_id;  /* cgroup v2 id (inode of the cgroup dir), 0 if unknown */
	uint64_t start_ns;   /* process start, boot-clock ns: tells reused pids apart */
	uint32_t uid;
	uint8_t origin;	     /* enum tt_proc_origin */
	uint8_t reserved[3];
	char comm[16];	     /* NUL-padded */
	char exe[256];	     /* executable path, NUL-padded, may be cut */
};
_Static_assert(sizeof(struct tt_rec_process) == 312, "tt_rec_process layout");

struct tt_rec_process_exit {
	uint64_t ts_ns;
	uint32_t pid;
	int32_t exit_code;
};
_Static_assert(sizeof(struct tt_rec_process_exit) == 16, "tt_rec_process_exit layout");

struct tt_rec_loss {
	uint64_t ts_ns;	      /* when user space learnt of the loss */
	uint64_t events;      /* events lost since the previous LOSS record */
	uint64_t bytes;	      /* payload bytes those events carried */
	uint32_t cpu;	      /* CPU that lost them, or UINT32_MAX for all */
	uint32_t reason;      /* 1 = kernel ring full, 2 = user-space queue full, 3 = see below */
};
/* LOSS reason 3: written by tinytap-show -w where a damaged block of its source file was skipped;
 * events and bytes are 0 (unknown), every open stream has a gap there. */
#define TT_LOSS_SOURCE_DAMAGED 3
_Static_assert(sizeof(struct tt_rec_loss) == 32, "tt_rec_loss layout");

struct tt_rec_clock_sync {
	uint64_t boot_ns;     /* CLOCK_BOOTTIME */
	int64_t realtime_ns;  /* CLOCK_REALTIME at the same instant */
	uint64_t error_ns;    /* half the sampling window: the uncertainty */
};
_Static_assert(sizeof(struct tt_rec_clock_sync) == 24, "tt_rec_clock_sync layout");

/* Cumulative counters; STATS is written periodically, END once with the final values. */
struct tt_rec_stats {
	uint64_t ts_ns;
	uint64_t events;	  /* DATA records written */
	uint64_t payload_bytes;	  /* captured payload bytes written */
	uint64_t call_bytes;	  /* true bytes of the calls recorded (>= payload_bytes) */
	uint64_t lost_events;	  /* total events lost */
	uint64_t lost_bytes;	  /* total payload bytes lost */
	uint64_t truncated_bytes; /* bytes not captured because of the snaplen */
	uint64_t records;	  /* all records written so far (this one excluded) */
	uint64_t blocks;	  /* blocks written so far (the current one excluded) */
	uint32_t exit_reason;	  /* END only: 0 signal/normal, 1 duration (--duration), 2 command
				     exited, 3 error, 4 rotated (the set goes on in the next file) */
	uint32_t reserved;
};
_Static_assert(sizeof(struct tt_rec_stats) == 80, "tt_rec_stats layout");

/* ---- CGROUP (10): what a cgroup seen in PROCESS records is, as the recorder found out -------
 * A small fixed part, then attrs_len bytes of attributes (the last attrs_len bytes of the body,
 * like DATA's payload): u16 tag | u16 len | len bytes of UTF-8, no NUL, in any order; readers skip
 * tags they do not know (tt_cgroup_attr_next()). */
enum tt_cgroup_kind {
	TT_CG_KIND_OTHER = 0,	   /* a cgroup that is neither a container nor a systemd unit */
	TT_CG_KIND_UNIT = 1,	   /* a systemd unit (.service, .scope) */
	TT_CG_KIND_DOCKER = 2,	   /* a Docker container */
	TT_CG_KIND_CONTAINERD = 3, /* a containerd container (Kubernetes CRI, nerdctl) */
	TT_CG_KIND_PODMAN = 4,	   /* a Podman container */
	TT_CG_KIND_CRIO = 5,	   /* a CRI-O container (Kubernetes) */
	TT_CG_KIND_KUBERNETES = 6, /* a Kubernetes container whose runtime's files were not found */
};
#define TT_CG_KIND_MAX 6

enum tt_cgroup_status {
	TT_CG_ST_OK = 0,	     /* the runtime's metadata was read (or none is needed: units) */
	TT_CG_ST_NO_METADATA = 1,    /* a container, but its metadata was not found (gone, unknown
					root): the id alone */
	TT_CG_ST_BAD_METADATA = 2,   /* its metadata could not be read or parsed (too large, invalid) */
	TT_CG_ST_NO_PATH = 3,	     /* the cgroup was gone before its path could be found */
};

enum tt_cgroup_attr {
	TT_CGA_PATH = 1,	    /* path below the cgroup v2 mount, starting with '/' */
	TT_CGA_CONTAINER_ID = 2,    /* the runtime's container id (64 hex digits) */
	TT_CGA_CONTAINER = 3,	    /* container name (Docker: without the leading '/') */
	TT_CGA_IMAGE = 4,	    /* image as the user named it (busybox:1.36) */
	TT_CGA_COMPOSE_PROJECT = 5, /* com.docker.compose.project label */
	TT_CGA_COMPOSE_SERVICE = 6, /* com.docker.compose.service label */
	TT_CGA_POD = 7,		    /* Kubernetes pod name */
	TT_CGA_NAMESPACE = 8,	    /* Kubernetes namespace */
	TT_CGA_UNIT = 9,	    /* systemd unit (nginx.service, session-3.scope); in a container:
				       a unit inside it */
	TT_CGA_POD_UID = 10,	    /* Kubernetes pod uid, from the path */
};
#define TT_CGA_MAX 10
#define TT_CGA_VALUE_MAX 1024 /* longest value a writer stores (a path is cut there) */

struct tt_rec_cgroup {
	uint64_t ts_ns;	    /* boot ns when the recorder wrote it */
	uint64_t cgroup_id; /* cgroup v2 id, as in PROCESS records */
	uint8_t kind;	    /* enum tt_cgroup_kind */
	uint8_t status;	    /* enum tt_cgroup_status */
	uint16_t reserved;
	uint32_t attrs_len; /* attribute bytes: the last attrs_len bytes of the body */
};
_Static_assert(sizeof(struct tt_rec_cgroup) == 24, "tt_rec_cgroup layout");

/* One attribute of a CGROUP record's attribute bytes. */
struct tt_cgroup_attr_val {
	uint16_t tag;	   /* enum tt_cgroup_attr, or a newer one */
	uint16_t len;
	const char *value; /* len bytes, not NUL-terminated; borrowed from the attribute bytes */
};
/* Walks attrs (n bytes) from *pos: 1 and the next attribute in *a, 0 at the end (an attribute
 * cut short ends the walk too). Never reads outside attrs. */
int tt_cgroup_attr_next(const uint8_t *attrs, uint32_t n, uint32_t *pos,
			struct tt_cgroup_attr_val *a);
/* Appends one attribute to buf (size cap, *len used); the value is cut to TT_CGA_VALUE_MAX
 * bytes. 0, or -ENOSPC (nothing appended). An empty value is not written (0). */
int tt_cgroup_attr_put(uint8_t *buf, uint32_t cap, uint32_t *len, uint16_t tag, const char *value);
const char *tt_cgroup_kind_name(uint32_t kind); /* "docker", "unit"... or "other" */
const char *tt_cgroup_attr_name(uint32_t tag);	/* "container_id"... or NULL when unknown */

/* ---- TLS_UNHOOKED (12, since 1.3): a program using TLS code tinytap-record does not hook -----
 * Once per executable (the first process seen running it): its TLS connections are recorded as
 * ciphertext only, and the reader can say so instead of leaving them silently unparsed. */
enum tt_tls_lib {
	TT_TLS_LIB_OTHER = 0,
	TT_TLS_LIB_GO = 1,	       /* Go's crypto/tls, compiled into the executable */
	TT_TLS_LIB_STATIC_OPENSSL = 2, /* OpenSSL or BoringSSL linked statically */
	TT_TLS_LIB_GNUTLS = 3,
	TT_TLS_LIB_NSS = 4,
	TT_TLS_LIB_WOLFSSL = 5,
	TT_TLS_LIB_MBEDTLS = 6,
};
#define TT_TLS_LIB_MAX 6

struct tt_rec_tls_unhooked {
	uint64_t ts_ns;	 /* boot ns when the recorder found out */
	uint32_t pid;	 /* the first process seen running it */
	uint8_t library; /* enum tt_tls_lib */
	uint8_t reserved[3];
	char exe[256]; /* the executable's path, NUL-padded (cut at 255 bytes) */
};
_Static_assert(sizeof(struct tt_rec_tls_unhooked) == 272, "tt_rec_tls_unhooked layout");
/* "Go crypto/tls", "a statically linked OpenSSL or BoringSSL", "GnuTLS"..., or "a TLS library" */
const char *tt_tls_lib_name(uint32_t lib);

/* A decoded record as the reader hands it out (or the writer takes it). */
struct tt_record {
	uint32_t type;	     /* enum tt_rec_type, or an unknown value the reader skipped... never */
	uint32_t body_len;   /* length of the record body on disk */
	uint64_t block;	     /* block number it came from (reader only) */
	uint64_t offset;     /* file offset of that block (reader only) */
	union {
		struct tt_rec_data data;
		struct tt_rec_conn conn;
		struct tt_rec_close close;
		struct tt_rec_process process;
		struct tt_rec_process_exit process_exit;
		struct tt_rec_loss loss;
		struct tt_rec_clock_sync clock_sync;
		struct tt_rec_stats stats; /* STATS and END */
		struct tt_rec_cgroup cgroup;
		struct tt_rec_tls_unhooked tls_unhooked;
	} u;
	/* DATA: cap_len bytes; CGROUP: attrs_len attribute bytes; borrowed until the next
	 * tt_reader_next() */
	const uint8_t *payload;
};

/* The boot-clock time a record carries (*has 0: its type has none). */
uint64_t tt_record_ts(const struct tt_record *r, int *has);
/* Moves every boot-clock time of a record by d ns (merging recordings of several boots). */
void tt_record_shift_ts(struct tt_record *r, int64_t d);
/* Fixed size of a known record type's body, 0 for an unknown type. */
uint32_t tt_record_fixed_size(uint32_t type);
/* Short stable name ("data", "conn", ...), or "unknown". */
const char *tt_record_type_name(uint32_t type);
const char *tt_syscall_name(uint32_t sys);

#endif
