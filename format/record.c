// SPDX-License-Identifier: MIT
/* format/record.c - record type tables and the CRC shared by writer and reader. */
#include "format/record.h"
#include "format/wire.h"

uint32_t tt_record_fixed_size(uint32_t type)
{
	switch (type) {
	case TT_REC_DATA: return sizeof(struct tt_rec_data);
	case TT_REC_CONN: return sizeof(struct tt_rec_conn);
	case TT_REC_CLOSE: return sizeof(struct tt_rec_close);
	case TT_REC_PROCESS: return sizeof(struct tt_rec_process);
	case TT_REC_PROCESS_EXIT: return sizeof(struct tt_rec_process_exit);
	case TT_REC_LOSS: return sizeof(struct tt_rec_loss);
	case TT_REC_CLOCK_SYNC: return sizeof(struct tt_rec_clock_sync);
	case TT_REC_STATS:
	case TT_REC_END: return sizeof(struct tt_rec_stats);
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
		[TT_SYS_SPLICE] = "splice",
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

#include <stddef.h>
_Static_assert(offsetof(struct tt_rec_data, cap_len) == TT_WIRE_DATA_CAPLEN_OFF, "cap_len offset");
_Static_assert(offsetof(struct tt_rec_data, cap_len) + 4 == TT_WIRE_DATA_MIN_FIXED, "DATA min");
