/* SPDX-License-Identifier: MIT */
/*
 * format/fileinfo.h - the capture metadata in a .tinytap file header.
 * Plain data; strings are NUL-terminated and cut to fit.
 */
#ifndef TINYTAP_FILEINFO_H
#define TINYTAP_FILEINFO_H

#include <stdint.h>

struct tt_file_info {
	uint16_t version_major;	 /* reader: what the file says; writer: ignored (writes current) */
	uint16_t version_minor;
	uint32_t snaplen;	 /* bytes captured per call at most, 0 = unknown */
	int64_t start_wall_ns;	 /* CLOCK_REALTIME when recording started */
	uint64_t start_boot_ns;	 /* CLOCK_BOOTTIME at the same instant (wall = boot + offset) */
	char hostname[256];
	char kernel[256];	 /* uname -r */
	char recorder[64];	 /* "tinytap-record 0.1.0" */
	char options[1024];	 /* the recorder's command line, cut to fit */
};

/* Fills hostname, kernel and the two clocks from this machine. */
void tt_file_info_fill_host(struct tt_file_info *info);

#endif
