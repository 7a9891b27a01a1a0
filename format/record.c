// SPDX-License-Identifier: MIT
/* format/record.c - record type tables and the CRC shared by writer and reader. */
#include "format/record.h"
#include "format/wire.h"

#include <errno.h>
#include <string.h>

uint32_t tt_record_fixed_size(uint32_t type)
{
	switch (type) {
	case TT_REC_DATA:
	case TT_REC_TLS_DATA: return sizeof(struct tt_rec_data);
	case TT_REC_CONN: return sizeof(struct tt_rec_conn);
	case TT_REC_CLOSE: return sizeof(struct tt_rec_close);
	case TT_REC_PROCESS: return sizeof(struct tt_rec_process);
	case TT_REC_PROCESS_EXIT: return sizeof(struct tt_rec_process_exit);
	case TT_REC_LOSS: return sizeof(struct tt_rec_loss);
	case TT_REC_CLOCK_SYNC: return sizeof(struct tt_rec_clock_sync);
	case TT_REC_STATS:
	case TT_REC_END: return sizeof(struct tt_rec_stats);
	case TT_REC_CGROUP: return sizeof(struct tt_rec_cgroup);
	case TT_REC_TLS_UNHOOKED: return sizeof(struct tt_rec_tls_unhooked);
	default: return 0;
	}
}

const char *tt_record_type_name(uint32_t type)
{
	static const char *const names[] = {
		[TT_REC_DATA] = "data",
		[TT_REC_CONN] = "conn",
		[TT_REC_CLOSE] = "close",
		[TT_REC_PROCESS] = "process",
		[TT_REC_PROCESS_EXIT] = "process_exit",
		[TT_REC_LOSS] = "loss",
		[TT_REC_CLOCK_SYNC] = "clock_sync",
		[TT_REC_STATS] = "stats",
		[TT_REC_END] = "end",
		[TT_REC_CGROUP] = "cgroup",
		[TT_REC_TLS_DATA] = "tls_data",
		[TT_REC_TLS_UNHOOKED] = "tls_unhooked",
	};
	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}

const char *tt_syscall_name(uint32_t sys)
{
	static const char *const names[] = {
		[TT_SYS_UNKNOWN] = "unknown", [TT_SYS_READ] = "read",
		[TT_SYS_WRITE] = "write",     [TT_SYS_READV] = "readv",
		[TT_SYS_WRITEV] = "writev",   [TT_SYS_SENDTO] = "sendto",
		[TT_SYS_RECVFROM] = "recvfrom", [TT_SYS_SENDMSG] = "sendmsg",
		[TT_SYS_RECVMSG] = "recvmsg", [TT_SYS_SENDMMSG] = "sendmmsg",
		[TT_SYS_RECVMMSG] = "recvmmsg", [TT_SYS_SENDFILE] = "sendfile",
		[TT_SYS_SPLICE] = "splice", [TT_SYS_SSL_READ] = "SSL_read",
		[TT_SYS_SSL_WRITE] = "SSL_write", [TT_SYS_SSL_READ_EX] = "SSL_read_ex",
		[TT_SYS_SSL_WRITE_EX] = "SSL_write_ex",
	};
	if (sys < sizeof(names) / sizeof(names[0]) && names[sys])
		return names[sys];
	return "unknown";
}

uint32_t tt_wire_crc32(const void *buf, size_t len)
{
	/* Table built on first use; the race between threads is benign (same values written). */
	static uint32_t table[256];
	static volatile int ready;
	const uint8_t *p = buf;
	uint32_t crc = 0xFFFFFFFFu;

	if (!ready) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = 1;
	}
	for (size_t i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
	return crc ^ 0xFFFFFFFFu;
}

const char *tt_tls_lib_name(uint32_t lib)
{
	static const char *const names[] = {
		[TT_TLS_LIB_GO] = "Go crypto/tls",
		[TT_TLS_LIB_STATIC_OPENSSL] = "a statically linked OpenSSL or BoringSSL",
		[TT_TLS_LIB_GNUTLS] = "GnuTLS",
		[TT_TLS_LIB_NSS] = "NSS",
		[TT_TLS_LIB_WOLFSSL] = "wolfSSL",
		[TT_TLS_LIB_MBEDTLS] = "Mbed TLS",
	};
	if (lib < sizeof(names) / sizeof(names[0]) && names[lib])
		return names[lib];
	return "a TLS library";
}

/* ---- CGROUP attributes ---------------------------------------------------------------------- */

int tt_cgroup_attr_next(const uint8_t *attrs, uint32_t n, uint32_t *pos,
			struct tt_cgroup_attr_val *a)
{
	if (!attrs || *pos >= n || n - *pos < 4)
		return 0;
	uint16_t tag = tt_get16(attrs + *pos), len = tt_get16(attrs + *pos + 2);
	if (len > n - *pos - 4)
		return 0; /* cut short: the walk ends */
	a->tag = tag;
	a->len = len;
	a->value = (const char *)attrs + *pos + 4;
	*pos += 4u + len;
	return 1;
}

int tt_cgroup_attr_put(uint8_t *buf, uint32_t cap, uint32_t *len, uint16_t tag, const char *value)
{
	size_t n = value ? strlen(value) : 0;

	if (!n)
		return 0;
	if (n > TT_CGA_VALUE_MAX)
		n = TT_CGA_VALUE_MAX;
	if (*len > cap || cap - *len < 4 + n)
		return -ENOSPC;
	tt_put16(buf + *len, tag);
	tt_put16(buf + *len + 2, (uint16_t)n);
	memcpy(buf + *len + 4, value, n);
	*len += 4 + (uint32_t)n;
	return 0;
}

const char *tt_cgroup_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[TT_CG_KIND_OTHER] = "other",	    [TT_CG_KIND_UNIT] = "unit",
		[TT_CG_KIND_DOCKER] = "docker",	    [TT_CG_KIND_CONTAINERD] = "containerd",
		[TT_CG_KIND_PODMAN] = "podman",	    [TT_CG_KIND_CRIO] = "cri-o",
		[TT_CG_KIND_KUBERNETES] = "kubernetes",
	};
	if (kind < sizeof(names) / sizeof(names[0]) && names[kind])
		return names[kind];
	return "other";
}

const char *tt_cgroup_attr_name(uint32_t tag)
{
	static const char *const names[] = {
		[TT_CGA_PATH] = "path",
		[TT_CGA_CONTAINER_ID] = "container_id",
		[TT_CGA_CONTAINER] = "container",
		[TT_CGA_IMAGE] = "image",
		[TT_CGA_COMPOSE_PROJECT] = "compose_project",
		[TT_CGA_COMPOSE_SERVICE] = "compose_service",
		[TT_CGA_POD] = "pod",
		[TT_CGA_NAMESPACE] = "namespace",
		[TT_CGA_UNIT] = "unit",
		[TT_CGA_POD_UID] = "pod_uid",
	};
	if (tag < sizeof(names) / sizeof(names[0]))
		return names[tag];
	return NULL;
}

#include <stddef.h>
_Static_assert(offsetof(struct tt_rec_cgroup, attrs_len) == TT_WIRE_CGROUP_ATTRS_OFF,
	       "attrs_len offset");
_Static_assert(offsetof(struct tt_rec_cgroup, attrs_len) + 4 == TT_WIRE_CGROUP_MIN_FIXED,
	       "CGROUP min");
_Static_assert(offsetof(struct tt_rec_data, cap_len) == TT_WIRE_DATA_CAPLEN_OFF, "cap_len offset");
_Static_assert(offsetof(struct tt_rec_data, cap_len) + 4 == TT_WIRE_DATA_MIN_FIXED, "DATA min");

uint64_t tt_record_ts(const struct tt_record *r, int *has)
{
	*has = 1;
	switch (r->type) {
	case TT_REC_DATA:
		return r->u.data.ts_ns;
	case TT_REC_CONN:
		return r->u.conn.ts_ns;
	case TT_REC_CLOSE:
		return r->u.close.ts_ns;
	case TT_REC_PROCESS:
		return r->u.process.ts_ns;
	case TT_REC_PROCESS_EXIT:
		return r->u.process_exit.ts_ns;
	case TT_REC_LOSS:
		return r->u.loss.ts_ns;
	case TT_REC_CLOCK_SYNC:
		return r->u.clock_sync.boot_ns;
	case TT_REC_STATS:
	case TT_REC_END:
		return r->u.stats.ts_ns;
	}
	*has = 0;
	return 0;
}

void tt_record_shift_ts(struct tt_record *r, int64_t d)
{
	uint64_t u = (uint64_t)d; /* wraps like the clock conversions: no overflow */
	switch (r->type) {
	case TT_REC_DATA:
		r->u.data.ts_ns += u;
		r->u.data.ts_enter_ns += u;
		break;
	case TT_REC_CONN:
		r->u.conn.ts_ns += u;
		break;
	case TT_REC_CLOSE:
		r->u.close.ts_ns += u;
		break;
	case TT_REC_PROCESS:
		r->u.process.ts_ns += u;
		r->u.process.start_ns += u;
		break;
	case TT_REC_PROCESS_EXIT:
		r->u.process_exit.ts_ns += u;
		break;
	case TT_REC_LOSS:
		r->u.loss.ts_ns += u;
		break;
	case TT_REC_CLOCK_SYNC:
		r->u.clock_sync.boot_ns += u;
		break;
	case TT_REC_STATS:
	case TT_REC_END:
		r->u.stats.ts_ns += u;
		break;
	}
}
