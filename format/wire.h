/* SPDX-License-Identifier: MIT */
/*
 * format/wire.h - on-disk constants and little-endian helpers shared by the writer and reader.
 * Internal to format/ (and its tests); FORMAT.md is the normative description of every value here.
 *
 * Ownership: constants and pure inline helpers only; nothing is allocated.
 */
#ifndef TINYTAP_WIRE_H
#define TINYTAP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Record bodies are copied straight to/from the structs in record.h, which are little-endian on
 * disk. A big-endian port needs byte swapping in record decode/encode; refuse to build silently. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tinytap format/ assumes a little-endian host"
#endif

/* zstd skippable frames: u32 magic | u32 content size | content. */
#define TT_WIRE_SKIP_MAGIC_MIN 0x184D2A50u
#define TT_WIRE_SKIP_MAGIC_MAX 0x184D2A5Fu
#define TT_WIRE_FILE_MAGIC 0x184D2A50u	/* file header */
#define TT_WIRE_BLOCK_MAGIC 0x184D2A51u /* block header, followed by one zstd frame */
#define TT_WIRE_INDEX_MAGIC 0x184D2A52u /* trailing index */
#define TT_WIRE_ZSTD_MAGIC 0xFD2FB528u

/* File header content. */
#define TT_WIRE_FILE_TAG "TTAP"
#define TT_WIRE_BOM 0x01020304u	      /* written LE: 04 03 02 01 */
#define TT_WIRE_FILE_FIXED 40u	      /* fixed part of the header content, as written now */
#define TT_WIRE_FILE_FIXED_MIN 40u    /* smallest fixed part a reader accepts */
#define TT_WIRE_FILE_MAX 65536u	      /* cap on the header content size */
#define TT_WIRE_TLV_END 0
#define TT_WIRE_TLV_HOSTNAME 1
#define TT_WIRE_TLV_KERNEL 2
#define TT_WIRE_TLV_RECORDER 3
#define TT_WIRE_TLV_OPTIONS 4

/* Block header content. */
#define TT_WIRE_BLOCK_TAG "TTBK"
#define TT_WIRE_BLOCK_HDR 48u	  /* content size written now */
#define TT_WIRE_BLOCK_HDR_MAX 4096u /* cap on a (newer, longer) block header */
#define TT_WIRE_BLOCK_FRAME (8u + TT_WIRE_BLOCK_HDR)

/* Index content: "TTIX" | u32 entry_size | entries | footer (16 bytes, the file's last bytes). */
#define TT_WIRE_INDEX_TAG "TTIX"
#define TT_WIRE_INDEX_ENTRY 40u
#define TT_WIRE_FOOTER 16u
#define TT_WIRE_FOOTER_TAG "TTIF"
#define TT_WIRE_INDEX_MAX_ENTRIES (1u << 24)

/* Records inside a block: u32 type | u32 body_len | body | zero pad to 8. */
#define TT_WIRE_REC_HDR 8u
#define TT_WIRE_MAX_BLOCK_RAW (32u << 20) /* cap on a block's uncompressed size */
#define TT_WIRE_DEFAULT_BLOCK (4u << 20)
#define TT_WIRE_DEFAULT_BLOCK_MS 1000u
/* DATA: offset of cap_len in the body; the body must reach past it. */
#define TT_WIRE_DATA_CAPLEN_OFF 56u
#define TT_WIRE_DATA_MIN_FIXED 60u
/* DATA and TLS_DATA: offset of the u16 flags in the body. */
#define TT_WIRE_DATA_FLAGS_OFF 38u
/* CGROUP: offset of attrs_len in the body; the body must reach past it. */
#define TT_WIRE_CGROUP_ATTRS_OFF 20u
#define TT_WIRE_CGROUP_MIN_FIXED 24u

static inline uint64_t tt_wire_pad8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

static inline uint16_t tt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t tt_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t tt_get64(const uint8_t *p)
{
	return (uint64_t)tt_get32(p) | (uint64_t)tt_get32(p + 4) << 32;
}
static inline void tt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void tt_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline void tt_put64(uint8_t *p, uint64_t v)
{
	tt_put32(p, (uint32_t)v);
	tt_put32(p + 4, (uint32_t)(v >> 32));
}

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320, init and final xor 0xFFFFFFFF; the zlib crc32). */
uint32_t tt_wire_crc32(const void *buf, size_t len);

#endif
